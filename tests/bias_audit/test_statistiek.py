"""The audit's statistics against independent implementations: Fairlearn's MetricFrame for selection rates
and ratios, SciPy for the tests, a hand-worked Holm example, and a Monte Carlo check of the power."""
import numpy as np
import polars as pl
import pytest
from fairlearn.metrics import MetricFrame, selection_rate
from scipy import stats

from bias_audit import audit, instellingen, simulatie, statistiek, tellingen


@pytest.fixture(scope="module")
def gegevens():
    rng = np.random.default_rng(7)
    km = simulatie.populatie(rng, 3000)
    leden = simulatie.trechter(rng, km, 0.10, ratio=2.5)
    return km, leden


@pytest.mark.parametrize("kenmerk", ["leeftijd", "wijk", "geboorteland", "nationaliteit"])
@pytest.mark.parametrize("stap", [1, 2, 3])
def test_rates_and_ratios_equal_fairlearn_metricframe(gegevens, kenmerk, stap):
    km, leden = gegevens
    cellen = audit.statistieken(tellingen.tel(leden, km, [(kenmerk,)]), 20, 0.1, instellingen.laad())
    mijn = cellen.filter(pl.col("stap_nr") == stap).sort("groep")
    geselecteerd = km["dossier_id"].is_in(leden.filter(pl.col("stap_nr") == stap)["dossier_id"].implode()).to_numpy()
    mf = MetricFrame(metrics=selection_rate, y_true=geselecteerd.astype(int), y_pred=geselecteerd.astype(int),
                     sensitive_features=km[kenmerk].to_numpy())
    verwacht = mf.by_group.sort_index()
    assert mijn["groep"].to_list() == list(verwacht.index)
    np.testing.assert_allclose(mijn["selectiegraad"].to_numpy(), verwacht.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(mijn["ratio"].to_numpy(), (verwacht / mf.overall).to_numpy(), rtol=1e-12)
    assert (mijn["n"] == pl.Series(km[kenmerk].value_counts().sort(kenmerk)["count"])).all()


def test_injected_group_is_the_deviation(gegevens):
    km, leden = gegevens
    cellen = audit.statistieken(tellingen.tel(leden, km, [("geboorteland",)]), 20, 0.1, instellingen.laad())
    rij = cellen.filter((pl.col("stap_nr") == 3) & (pl.col("groep") == "buiten Nederland")).row(0, named=True)
    assert rij["ratio"] > 1.25 and rij["oordeel"] == "afwijking"
    assert rij["ci_laag"] < rij["ratio"] < rij["ci_hoog"]
    # step 1 is an unbiased random 40%: the skew appears in step 2 (the rule), against step 1
    stap2 = cellen.filter((pl.col("stap_nr") == 2) & (pl.col("groep") == "buiten Nederland")).row(0, named=True)
    assert stap2["ratio_stap"] > 1.25 and stap2["p_stap"] < 0.001


def test_tests_equal_scipy():
    rng = np.random.default_rng(3)
    rijen = []
    for _ in range(200):
        N = int(rng.integers(30, 3000))
        n, X = int(rng.integers(1, N)), int(rng.integers(1, N))
        rijen.append((int(rng.integers(max(0, X - (N - n)), min(n, X) + 1)), n, X, N))
    x, n, X, N = np.array(rijen).T
    fisher = [stats.fisher_exact([[a, b - a], [c - a, d - b - c + a]]).pvalue for a, b, c, d in rijen]
    np.testing.assert_allclose(statistiek.fisher(x, n, X, N), fisher, rtol=1e-8, atol=1e-300)
    chi = [stats.chi2_contingency([[a, b - a], [c - a, d - b - c + a]], correction=False).pvalue
           if min(b, d - b, c, d - c) > 0 else 1.0 for a, b, c, d in rijen]
    np.testing.assert_allclose(statistiek.chi_kwadraat(x, n, X, N), chi, rtol=1e-8)
    p, naam = statistiek.toets(x, n, X, N, 5.0)
    exact = statistiek.verwacht_minimum(x, n, X, N) < 5
    assert (naam[exact] == "Fisher (exact)").all() and (naam[~exact] == "chi-kwadraat").all()
    np.testing.assert_allclose(p[exact], np.array(fisher)[exact], rtol=1e-8)


def test_holm_by_hand():
    # sorted: .005*4=.02, .01*3=.03, .03*2=.06, .04*1=.04 -> running max .02 .03 .06 .06
    np.testing.assert_allclose(statistiek.holm(np.array([0.01, 0.04, 0.03, 0.005])), [0.03, 0.06, 0.06, 0.02])
    assert statistiek.holm(np.array([])).size == 0


def test_wilson_interval_known_values():
    lo, hi = statistiek.wilson(np.array([0, 5, 10]), np.array([10, 10, 10]))
    np.testing.assert_allclose(lo, [0.0, 0.2366, 0.7225], atol=1e-4)
    np.testing.assert_allclose(hi, [0.2775, 0.7634, 1.0], atol=1e-4)


def test_smallest_detectable_ratio_has_the_promised_power():
    """Monte Carlo: at the reported ratio a test at that alpha rejects in ~80% of draws."""
    n, N, X, alfa = 900, 9000, 450, 0.001
    r = float(statistiek.kleinste_ratio(np.array([n]), np.array([X]), np.array([N]), alfa)[0])
    assert 1.25 < r < 2.5
    rng = np.random.default_rng(11)
    p = X / N
    x = rng.binomial(n, r * p, 4000)
    y = rng.binomial(N - n, (X - r * p * n) / (N - n), 4000)
    verworpen = statistiek.chi_kwadraat(x, np.full(4000, n), x + y, np.full(4000, N)) <= alfa
    assert 0.76 <= verworpen.mean() <= 0.84
    # a smaller group or a stricter alpha needs a larger ratio; an impossible one is reported as inf
    kleiner = statistiek.kleinste_ratio(np.array([100, 900, N // 2]), np.array([450, 450, 4]), np.array([N, N, N]),
                                        np.array([alfa, alfa / 100, alfa]))
    assert kleiner[0] > r and kleiner[1] > r and np.isinf(kleiner[2])


@pytest.mark.parametrize("n, X, N, ratio, exact_onder", [(40, 30, 2000, 2.5, 5.0), (300, 900, 5000, 1.3, 5.0),
                                                         (12, 400, 9000, 3.0, 5.0), (500, 60, 100000, 2.0, 5.0)])
def test_power_simulation_tests_each_distinct_draw_once_with_the_same_result(n, X, N, ratio, exact_onder):
    """kracht.simuleer tests each distinct simulated count once; the power is exactly what testing every
    draw gives (same draws, same test)."""
    from bias_audit import kracht

    alfa, trekkingen, zaad = 0.01, 2000, 7
    snel = kracht.simuleer(n, X, N, ratio, alfa, exact_onder, trekkingen, zaad)
    # the reference: the same draws, every one tested
    k, logp = kracht._drager(n, X, N)
    laag, hoog = -20.0, 20.0
    for _ in range(60):
        midden = (laag + hoog) / 2
        laag, hoog = (midden, hoog) if np.sum(k * kracht._verdeling(logp, k, midden)) < ratio * n * X / N \
            else (laag, midden)
    x = np.random.default_rng(zaad).choice(k, size=trekkingen, p=kracht._verdeling(logp, k, hoog)).astype(float)
    p, welke = statistiek.toets(x, np.full(trekkingen, n, float), np.full(trekkingen, X, float),
                                np.full(trekkingen, N, float), exact_onder)
    assert snel == float(np.mean((p <= alfa) & (x / n > X / N)))
    assert 0 < snel < 1


def test_repeated_tables_are_computed_once_with_exactly_the_values_of_each_row_alone():
    """fisher and kleinste_ratio compute each distinct table once (the cells of a theme repeat ~7 times): every
    row gets exactly the value it gets alone, in its own place."""
    rng = np.random.default_rng(3)
    basis = np.array([[0, 5, 40, 2000], [3, 12, 400, 9000], [1, 2, 30, 300], [7, 7, 60, 500], [0, 1, 1, 10]])
    rijen = basis[rng.integers(0, len(basis), 40)]
    x, n, X, N = rijen.T
    alleen = np.array([statistiek.fisher(*r[:, None]) for r in rijen]).reshape(-1)
    assert np.array_equal(statistiek.fisher(x, n, X, N), alleen)
    alfa = np.where(x % 2 == 0, 0.001, 0.01)
    alleen = np.array([statistiek.kleinste_ratio(r[1:2], r[2:3], r[3:4], a) for r, a in zip(rijen, alfa)]).reshape(-1)
    assert np.array_equal(statistiek.kleinste_ratio(n, X, N, alfa), alleen, equal_nan=True)
    assert len(np.unique(rijen, axis=0)) < len(rijen) and np.isfinite(alleen).any()

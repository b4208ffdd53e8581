"""Honest power (domain.md, "Power that is honest"): the smallest detectable ratio of a cell decided by Fisher's
test is that of the exact test, for single attributes, intersections and the exploratory scan alike, with an
exact expected value checked independently with scipy."""
import numpy as np
import polars as pl
import pytest
from scipy import stats

from bias_audit import audit, instellingen, kracht, statistiek

INST = instellingen.laad()


def _kracht_scipy(n: int, X: int, N: int, alfa: float, ratio: float) -> float:
    """Independent: the power of the two-sided Fisher test's upper rejection region at this ratio, by scipy."""
    nul = stats.hypergeom(N, n, X)
    k = np.arange(max(0, X - (N - n)), min(n, X) + 1)
    p0 = nul.pmf(k)
    p = np.array([p0[p0 <= q * (1 + 1e-7)].sum() for q in p0])
    gebied = k[(p <= alfa) & (k > nul.mean())]
    psi = __import__("scipy.optimize", fromlist=["brentq"]).brentq(
        lambda lp: stats.nchypergeom_fisher(N, n, X, np.exp(lp)).mean() - ratio * n * X / N, -5, 30)
    return float(stats.nchypergeom_fisher(N, n, X, np.exp(psi)).pmf(gebied).sum())


def test_exact_smallest_ratio_has_an_exact_expected_value():
    # uitkeringsduur × geboorteland "5+ × onbekend" at the demo's gemeente scale: n 50, X 86 of N 7937, at the
    # per-cell level of 902 intersection cells (alfa_run 0.05, a quarter of it for intersections, four themes)
    alfa = 0.05 * 0.25 / 4 / 902
    r = kracht.exact(50, 86, 7937, alfa)
    assert r == pytest.approx(16.0233, abs=1e-4)
    assert statistiek.kleinste_ratio(np.array([50.0]), np.array([86.0]), np.array([7937.0]), alfa)[0] \
        == pytest.approx(10.76, abs=0.01)  # what the normal approximation said
    assert _kracht_scipy(50, 86, 7937, alfa, r) == pytest.approx(0.8, abs=1e-6)
    # all cells at once (what the audit computes): the same value, also checked independently
    samen = kracht.exact_alle([(50, 86, 7937, alfa), (400, 120, 9000, alfa)])
    assert samen[0] == pytest.approx(r, rel=1e-9)
    assert _kracht_scipy(400, 120, 9000, alfa, samen[1]) == pytest.approx(0.8, abs=1e-6)


def test_fisher_cells_get_exact_power_in_every_family():
    from tests.bias_audit.test_oorzaken import populatie, trechter
    km = populatie(600)
    leden = trechter(km, pl.col("lot") < 0.02)  # 12 of 600: every cell is decided by Fisher's test
    enkel, paren, drie = audit.toets_alle(leden, km, 1, INST)
    for familie in (enkel, paren, drie):
        fisher = familie.filter(pl.col("getoetst") & (pl.col("toets") == "Fisher (exact)"))
        assert fisher.height
        assert set(fisher["vermogen_methode"]) == {"exact (Fisher, voorwaardelijk op de stapgrootte)"}
        for r in fisher.iter_rows(named=True):
            verwacht = kracht.exact(r["n"], r["X"], r["N"], r["alfa_cel"], INST["onderscheidend_vermogen"])
            assert r["kleinste_aantoonbare_ratio"] == (verwacht if np.isinf(verwacht) else pytest.approx(verwacht))

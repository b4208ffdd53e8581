"""Root causes, evidence and honest power with exact expected outcomes: an intersection that only restates
its parent is derived, one that goes beyond both parents is a root cause; the Mantel–Haenszel ratio against a
hand computation; a group that coincides with a stratum; the exact test's smallest detectable ratio confirmed
by simulating that test; the register's risk text within the standard's length."""
import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from assets import algoritmeregister
from bias_audit import audit, bewijs, instellingen, kracht, oordeel, oorzaken, tellingen
from bias_audit import verklaringen as vk

INST = instellingen.laad()


def populatie(n: int = 2400) -> pl.DataFrame:
    """Deterministic attributes: geslacht alternates, normcategorie in blocks of three, the rest constant; `lot`
    is a fixed pseudo-random number per dossier that decides selection independently of every attribute."""
    i = np.arange(n)
    return pl.DataFrame({"lot": np.random.default_rng(11).random(n),
        "dossier_id": [f"D{k:05d}" for k in i],
        "leeftijd": np.where(i % 5 < 2, "27-39", "40-54"), "geslacht": np.where(i % 2 == 0, "man", "vrouw"),
        "normcategorie": np.array(["alleenstaande", "alleenstaande_ouder", "gehuwden"])[(i // 2) % 3],
        "wijk": np.where(i % 7 < 3, "WK001401", "WK001402"), "uitkeringsduur": "5+",
        "geboorteland": "Nederland", "nationaliteit": "Nederlands",
        "personen_in_dossier": np.where((i // 2) % 3 == 2, "2", "1")})


def trechter(km: pl.DataFrame, kies: pl.Expr) -> pl.DataFrame:
    gekozen = km.filter(kies)["dossier_id"]
    km.drop_in_place("lot")
    return pl.concat([pl.DataFrame({"dossier_id": km["dossier_id"], "stap_nr": 0}),
                      pl.DataFrame({"dossier_id": gekozen, "stap_nr": 1})]).with_columns(pl.col("stap_nr").cast(pl.Int64))


def analyse(km, leden):
    enkel, paren, _ = audit.toets_alle(leden, km, 1, INST)
    alles = pl.concat([enkel, paren], how="vertical_relaxed").with_columns(pl.lit("regel").alias("stap"))
    return oorzaken.analyseer(alles, INST, INST["aandeel_intersecties"] / 4)


def test_intersection_that_restates_its_parent_is_derived():
    km = populatie()
    # half of the gehuwden are selected, one in ten of the others, by lot: within gehuwden, men and women alike
    leden = trechter(km, pl.when(pl.col("normcategorie") == "gehuwden").then(pl.col("lot") < 0.5)
                     .otherwise(pl.col("lot") < 0.1))
    lijst, afgeleid = analyse(km, leden)
    assert [(o["kenmerk"], o["groep"]) for o in lijst] == [("normcategorie", "gehuwden")]
    [o] = lijst
    # every deviating intersection holding gehuwden is derived from it, with a conditional ratio near 1
    verwacht = {(a["kenmerk"], a["groep"]) for a in o["afgeleid"]}
    assert ("geslacht×normcategorie", "man × gehuwden") in verwacht
    assert ("normcategorie×wijk", "gehuwden × WK001402") in verwacht
    assert all("gehuwden" in g for _, g in verwacht)
    assert all(abs(a["ratio_binnen_groep"] - 1) < 0.1 for a in o["afgeleid"])
    assert afgeleid.filter(pl.col("ouder_groep").is_null()).height == 0


def test_intersection_beyond_both_parents_is_a_root_cause_of_its_own():
    km = populatie()
    # men who are gehuwd are selected 9 in 10 times, everyone else 1 in 10
    man_gehuwd = (pl.col("geslacht") == "man") & (pl.col("normcategorie") == "gehuwden")
    leden = trechter(km, pl.when(man_gehuwd).then(pl.col("lot") < 0.9).otherwise(pl.col("lot") < 0.1))
    lijst, _ = analyse(km, leden)
    wortels = {(o["kenmerk"], o["groep"]) for o in lijst}
    assert ("geslacht×normcategorie", "man × gehuwden") in wortels
    # its parents deviate too (they contain it), but it is not derived from them: within gehuwden men are
    # selected far more often than the rest of gehuwden, and within men the gehuwden far more than the rest
    assert {("geslacht", "man"), ("normcategorie", "gehuwden")} <= wortels
    rij = next(o for o in lijst if o["groep"] == "man × gehuwden")
    assert rij["ratio"] > 2.5


def test_mantel_haenszel_equals_a_hand_computation():
    a, n1, c, n0 = [10, 3], [20, 10], [5, 20], [50, 100]
    t = [n1[j] + n0[j] for j in range(2)]
    r = sum(a[j] * n0[j] / t[j] for j in range(2))
    s = sum(c[j] * n1[j] / t[j] for j in range(2))
    var = sum(n1[j] * n0[j] * (a[j] + c[j]) / t[j] ** 2 - a[j] * c[j] / t[j] for j in range(2)) / (r * s)
    rr, laag, hoog = bewijs.mantel_haenszel(a, n1, c, n0)
    assert rr == pytest.approx(r / s) == pytest.approx(3.04, abs=0.005)
    assert (laag, hoog) == pytest.approx((r / s * math.exp(-1.959964 * math.sqrt(var)),
                                          r / s * math.exp(1.959964 * math.sqrt(var))), rel=1e-6)
    # one stratum: the audit's own ratio (group over population) comes back exactly
    assert bewijs.naar_populatie(*bewijs.mantel_haenszel([30], [100], [30], [200])[:1], aandeel=100 / 300) == \
        pytest.approx((30 / 100) / (60 / 300))


def test_group_that_coincides_with_a_stratum_gets_no_ratio():
    km = populatie(600)
    groep = km["normcategorie"] == "gehuwden"       # all gehuwden are the two-person dossiers
    gekozen = km["lot"] < 0.3
    b = bewijs.bewijs(groep, gekozen, km["personen_in_dossier"], INST)
    assert b["samenvallend"] is True and b["ratio"] is None
    assert {s["stratum"]: (s["groep"], s["rest"]) for s in b["strata"]} == {"1": (0, 400), "2": (200, 0)}
    # stratifying by something that does not separate the group gives a ratio, and a draft when it reaches 1.25
    b2 = bewijs.bewijs(groep, gekozen, km["geslacht"], INST)
    assert b2["samenvallend"] is False and b2["ratio"] is not None
    f = {"geslacht": {"omschrijving": "geslacht (test)", "reden": "testreden"}}
    g = [{"factor": "geslacht", "ratio": 1.1, "ci_laag": 0.9, "ci_hoog": 1.3}]
    assert bewijs.voorstel("gehuwden", g, f, 1.25).startswith("Na correctie voor geslacht (test) is de ratio 1,10 "
                                                              "(0,90–1,30)")
    assert bewijs.voorstel("gehuwden", [{**g[0], "ci_laag": 1.3}], f, 1.25) is None


@pytest.mark.parametrize("n,X,N", [(100, 50, 1000), (40, 25, 300), (400, 120, 9000)])
def test_exact_power_is_confirmed_by_simulating_the_test(n, X, N):
    alfa = 0.05 / 60
    r = kracht.exact(n, X, N, alfa)
    assert 1 < r < N / X
    # simulating the audit's own test at that ratio finds it about 80% of the time (4000 draws: SE 0.6%)
    assert kracht.simuleer(n, X, N, r, alfa, 1000, 4000, zaad=n) == pytest.approx(0.8, abs=0.025)
    # and clearly less often just below it
    assert kracht.simuleer(n, X, N, 1 + (r - 1) * 0.8, alfa, 1000, 4000, zaad=n) < 0.7
    # at ratio 1 the test almost never alarms
    assert kracht.simuleer(n, X, N, 1.0, alfa, 1000, 4000, zaad=n) < 0.01


def test_partial_decision_keeps_the_root_cause_open_for_the_other_steps():
    o = {"stap": "a", "stap_nr": 1, "stappen": ["a", "b"], "kenmerk": "wijk", "groep": "WK001402", "ratio": 2.0,
         "ci_laag": 1.5, "ci_hoog": 2.6, "p_gecorrigeerd": 1e-5, "afgeleid": [{"stap": "b"}]}
    doc = {"thema": "vermogen_voertuigen", "berekend": True, "oorzaken": [o], "afwijkingen": []}
    v = vk.Verklaring("vermogen_voertuigen", "regel", "wijk", "WK001402", "x", "y", date(2026, 1, 1),
                      date(2027, 1, 1), "B1")
    doc["oorzaken"][0]["stappen"] = ["rdw_gegevens", "regel"]
    oordeel.beoordeel(doc, [v], None, date(2026, 10, 31))
    [reden] = doc["oordeel"]["redenen"]
    assert doc["oorzaken"][0]["status"] == "niet verklaard" and reden.endswith("voor stap(pen) rdw_gegevens")
    assert "1 afgeleide afwijking(en)" in reden


def test_register_risks_stay_within_the_standard():
    bias = {"peildatum": date(2026, 10, 31), "blokkerend": True, "afwijkingen": 300, "verklaard": 0,
            "redenen": ["bias-afwijking " + "x" * 400] * 30}
    vrij = {"peildatum": date(2026, 10, 31), "status": "geblokkeerd", "redenen": ["y" * 400] * 30}
    tekst = algoritmeregister.risicotekst(bias, vrij)
    assert len(tekst) <= 2500 and "andere" in tekst
    with pytest.raises(algoritmeregister.RegisterFout, match="risks"):
        algoritmeregister.valideer_entry({"name": "x", "description_short": "x", "organization": "x", "status": "In gebruik",
                                    "contact_email": "a@b.nl", "publication_category": "Impactvolle algoritmes",
                                    "lang": "nld", "risks": "z" * 2501}, "vermogen_bank")


def test_a_decision_counts_on_the_day_the_release_is_judged_from_its_date_until_it_expires():
    """domain.md: the committee records 'from and until when'. A decision counts for a release (a run, or vrijgeven
    after the decision) on the days it is in force: not before its date, not after geldig_tot — judged on the day of
    the release, not on the peildatum (a decision taken after the run is what vrijgeven is for)."""
    o = {"stap": "regel", "stap_nr": 1, "stappen": ["regel"], "kenmerk": "wijk", "groep": "WK001402", "ratio": 2.0,
         "ci_laag": 1.5, "ci_hoog": 2.6, "p_gecorrigeerd": 1e-5, "afgeleid": []}
    v = vk.Verklaring("vermogen_voertuigen", "*", "wijk", "WK001402", "x", "y", date(2026, 11, 1),
                      date(2026, 11, 30), "B1")

    def oordeel_op(dag: date) -> dict:
        doc = {"thema": "vermogen_voertuigen", "berekend": True, "oorzaken": [dict(o)], "afwijkingen": []}
        return oordeel.beoordeel(doc, [v], None, dag)

    for dag, blokkeert, lijst in ((date(2026, 10, 31), True, "nog_niet_van_kracht"),  # not yet taken
                                  (date(2026, 11, 1), False, "van_kracht"),           # its first day
                                  (date(2026, 11, 30), False, "van_kracht"),          # its last day
                                  (date(2026, 12, 1), True, "verlopen")):             # expired yesterday
        doc = oordeel_op(dag)
        assert doc["oordeel"]["blokkerend"] is blokkeert, dag
        assert {k: len(doc["verklaringen"][k]) for k in ("van_kracht", "verlopen", "nog_niet_van_kracht")} == {
            k: int(k == lijst) for k in ("van_kracht", "verlopen", "nog_niet_van_kracht")}, dag
        assert doc["verklaringen"]["beoordeeld_op"] == dag.isoformat()


def test_a_pooled_root_cause_of_a_group_that_is_one_in_this_run_is_its_evidence_not_a_second_entry():
    """domain.md: 'The report and run.json name root causes, each once'. The pooled test of the last step found
    gehuwden too: it becomes that root cause's pooled evidence; its step joins the steps a decision must cover."""
    def oorzaak(stap, stappen, ratio, gepoold=False, groep="gehuwden"):
        return {"stap": stap, "stap_nr": 1, "stappen": stappen, "kenmerk": "normcategorie", "groep": groep,
                "n": 60, "x": 30, "ratio": ratio, "ci_laag": 1.1, "ci_hoog": 9.0, "p_gecorrigeerd": 0.001,
                "onderdrukt": False, "gepoold": gepoold, "afgeleid": [{"stap": stap}] * 10}
    volgorde = ["populatie", "rdw_gegevens", "regel", "na_uitsluitingen"]
    eigen = [oorzaak("rdw_gegevens", ["rdw_gegevens", "regel"], 1.57)]
    gepoolde = [oorzaak("na_uitsluitingen", ["na_uitsluitingen"], 5.13, True),
                oorzaak("na_uitsluitingen", ["na_uitsluitingen"], 3.0, True, groep="alleenstaande")]
    uit = audit.voeg_gepoold_samen(eigen, gepoolde, volgorde)
    assert [(o["groep"], o["gepoold"]) for o in uit] == [("gehuwden", False), ("alleenstaande", True)]
    [g] = [o for o in uit if o["groep"] == "gehuwden"]
    assert g["stappen"] == ["rdw_gegevens", "regel", "na_uitsluitingen"] and g["ratio"] == 1.57
    assert g["gepoold_bewijs"] == {"stap": "na_uitsluitingen", "n": 60, "x": 30, "ratio": 5.13, "ci_laag": 1.1,
                                   "ci_hoog": 9.0, "p_gecorrigeerd": 0.001, "onderdrukt": False, "afgeleid": 10}
    # a decision for the run's steps only leaves the pooled step open: still blocking, for that step
    v = vk.Verklaring("vermogen_voertuigen", "regel", "normcategorie", "gehuwden", "x", "y", date(2026, 1, 1),
                      date(2027, 1, 1), "B1")
    w = vk.Verklaring("vermogen_voertuigen", "rdw_gegevens", "normcategorie", "gehuwden", "x", "y", date(2026, 1, 1),
                      date(2027, 1, 1), "B2")
    doc = oordeel.beoordeel({"thema": "vermogen_voertuigen", "berekend": True, "oorzaken": uit[:1], "afwijkingen": []},
                            [v, w], None, date(2026, 11, 1))
    [reden] = doc["oordeel"]["redenen"]
    assert reden.endswith("voor stap(pen) na_uitsluitingen") and doc["oordeel"]["oorzaken"] == 1


def test_exact_power_of_all_cells_at_once_equals_the_definition_cell_by_cell(monkeypatch):
    """kracht.exact_alle (every cell together, Newton in NumPy) gives kracht.exact's value for each cell, also
    where it is nan (an undefined cell) or inf (not detectable), and across several groups of cells (PUNTEN)."""
    cellen = [(100, 50, 1000, 0.05 / 60), (40, 25, 300, 0.05 / 60), (400, 120, 9000, 0.001), (3, 2, 50, 0.01),
              (1, 1, 10, 0.05), (12, 400, 9000, 1e-4), (5000, 40, 200000, 0.01), (900, 450, 1800, 0.05),
              (0, 5, 100, 0.05), (100, 0, 1000, 0.05), (100, 1000, 1000, 0.05), (30, 3, 100000, 0.05 / 600),
              (250, 2000, 60000, 0.0005), (2, 1, 1000, 1e-6)]
    verwacht = np.array([kracht.exact(*c) for c in cellen])
    assert np.isnan(verwacht).sum() == 3 and np.isinf(verwacht).sum() >= 2 and np.isfinite(verwacht).sum() >= 6
    monkeypatch.setattr(kracht, "PUNTEN", 300)  # several groups, one of a single large cell
    for uit in (kracht.exact_alle(cellen), kracht.exact_alle(cellen[::-1])[::-1]):
        assert np.array_equal(np.isnan(uit), np.isnan(verwacht)) and np.array_equal(np.isinf(uit), np.isinf(verwacht))
        eindig = np.isfinite(verwacht)
        np.testing.assert_allclose(uit[eindig], verwacht[eindig], rtol=1e-9, atol=0)
    assert kracht.exact_alle([]).shape == (0,)

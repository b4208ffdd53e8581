"""Known answers: a small delivery of investigations, every count of both arms, every indicator, the
window's and the calendar year's boundaries (31 December / 1 January), overlap with suppression, and bad
rows quarantined with their reason instead of counted."""
from datetime import date

import polars as pl
import pytest
from scipy import stats

from assets import monitoring
from tests.bouwer import bsn, dossier, persoon
from tests.helpers import ingest, lever_alles

P = date(2026, 10, 31)  # window: started 2024-11-01 up to and including 2026-10-31


def oz(nr, d, herkomst, thema, start, einde, uitkomst, vordering=None, boete=None, waarschuwing="0"):
    return {"onderzoek_id": f"O{nr}", "dossier_id": f"D{d:05d}", "bsn": bsn(d), "herkomst": herkomst,
            "thema": thema, "datum_start": start, "datum_einde": einde, "uitkomst": uitkomst,
            "vordering_cent": vordering, "boete_cent": boete, "waarschuwing": waarschuwing}


B = "vermogen_bank"
ONDERZOEKEN = [
    oz(1, 1, "themacontrole", B, "2024-11-01", "2024-12-31", "niet_naleving", 100000, 20000),  # first day in
    oz(2, 1, "themacontrole", B, "2024-10-31", "2025-01-01", "niet_naleving"),  # day before the window: out
    oz(3, 2, "themacontrole", B, "2025-03-01", "2025-04-01", "geen_afwijking"),
    oz(4, 4, "themacontrole", B, "2026-10-31", None, "lopend"),                   # starts on the peildatum: in
    oz(5, 5, "themacontrole", B, "2025-06-01", "2025-07-01", "niet_meegewerkt"),  # apart, not in the denominator
    oz(6, 3, "themacontrole", B, "2026-01-01", "2026-02-01", "niet_naleving", 300000, None, "1"),
    oz(7, 6, "steekproef", B, "2025-01-01", "2025-12-31", "geen_afwijking"),      # closes 31 December
    oz(8, 7, "steekproef", B, "2025-02-01", "2026-01-01", "niet_naleving", 50000),  # closes 1 January
    oz(9, 1, "tip", None, "2026-01-15", "2026-03-01", "geen_afwijking"),          # tip on D1 within 12 months
    oz(10, 2, "laa", None, "2025-10-31", "2025-11-30", "geen_afwijking"),         # exactly 12 months back: out
]
SLECHT = [
    oz(20, 8, "themacontrole", B, "2026-05-01", "2026-04-01", "niet_naleving"),        # ends before it starts
    oz(21, 8, "themacontrole", B, "2026-05-01", "2026-06-01", "geen_afwijking", 1000),  # claim without finding
    oz(22, 8, "politie", None, "2026-05-01", "2026-06-01", "geen_afwijking"),          # unknown origin
    oz(23, 8, "themacontrole", "vermogen_fietsen", "2026-05-01", "2026-06-01", "niet_naleving"),  # unknown theme
    oz(24, 8, "steekproef", None, "2026-05-01", "2026-06-01", "niet_naleving"),        # sample without theme
    oz(25, 8, "tip", None, "2026-05-01", None, "niet_naleving"),                       # closed without an end
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("bekend")
    dossiers = [dossier(i, i) for i in range(1, 9)]
    dossiers[2]["datum_einde"] = "2026-06-30"   # D3's benefit ends in 2026, the year of its claim
    dossiers[0]["datum_einde"] = "2025-03-31"   # D1 ends in 2025; its claim is of 2024: not "bij beëindiging"
    lever_alles(root / "landing", personen=[persoon(i) for i in range(1, 9)], uitkeringen=dossiers,
                onderzoeken=ONDERZOEKEN + SLECHT)
    return ingest(root / "landing", root / "werk", P)


@pytest.fixture(scope="module")
def m(con):
    return monitoring.bereken(con, P, monitoring.Instellingen())


def test_both_arms_exact(m):
    d = m.rapport["themas"][B]
    assert d["signalen"] == {"onderzocht": 5, "afgerond": 4, "niet_naleving": 2, "niet_meegewerkt": 1,
                             "trefkans": round(2 / 3, 4), "ci_laag": pytest.approx(d["signalen"]["ci_laag"]),
                             "ci_hoog": pytest.approx(d["signalen"]["ci_hoog"])}
    ci = stats.binomtest(2, 3).proportion_ci(method="wilson")
    assert (d["signalen"]["ci_laag"], d["signalen"]["ci_hoog"]) == (round(ci.low, 4), round(ci.high, 4))
    assert d["steekproef"] == {"onderzocht": 2, "afgerond": 2, "niet_naleving": 1, "niet_meegewerkt": 0,
                               "trefkans": 0.5, "ci_laag": round(stats.binomtest(1, 2).proportion_ci(
                                   method="wilson").low, 4), "ci_hoog": round(stats.binomtest(1, 2).proportion_ci(
                                       method="wilson").high, 4)}
    assert d["p"] == pytest.approx(stats.fisher_exact([[2, 1], [1, 1]], alternative="greater").pvalue)
    assert d["verschil"] == round(2 / 3 - 1 / 2, 4)
    assert not d["beter_dan_steekproef"] and not d["gemarkeerd"]  # far too few to flag
    assert m.rapport["venster"] == {"van": "2024-11-01", "tot_en_met": "2026-10-31"}
    # a theme without investigations: zero counts, no rate
    leeg = m.rapport["themas"]["vermogen_voertuigen"]
    assert leeg["signalen"]["onderzocht"] == 0 and leeg["signalen"]["trefkans"] is None and leeg["p"] is None


def test_indicators_per_year_exact(m):
    ind = m.rapport["indicatoren"]
    assert list(ind) == ["2024", "2025", "2026"]
    assert ind["2024"]["vorderingen"] == {"aantal": 1, "totaal_euro": 1000.0, "gemiddeld_euro": 1000.0,
                                          "mediaan_euro": 1000.0, "kwartielen_euro": [1000.0, 1000.0, 1000.0],
                                          "bij_beeindiging": 0}
    assert (ind["2024"]["boetes"], ind["2024"]["waarschuwingen"]) == (1, 0)
    # O8 closes on 1 January 2026, O7 on 31 December 2025: each in its own year
    assert ind["2025"]["vorderingen"]["aantal"] == 0 and ind["2025"]["vorderingen"]["mediaan_euro"] is None
    assert ind["2026"]["vorderingen"] == {"aantal": 2, "totaal_euro": 3500.0, "gemiddeld_euro": 1750.0,
                                          "mediaan_euro": 1750.0, "kwartielen_euro": [1125.0, 1750.0, 2375.0],
                                          "bij_beeindiging": 1}
    assert (ind["2026"]["boetes"], ind["2026"]["waarschuwingen"]) == (0, 1)
    tc = {j: ind[j]["per_herkomst"]["themacontrole"] for j in ind}
    assert tc["2024"] == {"gestart": 2, "afgerond": 1, "niet_naleving": 1, "aandeel_niet_naleving": 1.0,
                          "doorlooptijd_mediaan_dagen": 60}
    assert tc["2025"] == {"gestart": 2, "afgerond": 3, "niet_naleving": 1, "aandeel_niet_naleving": 0.3333,
                          "doorlooptijd_mediaan_dagen": 31}  # 62, 31 and 30 days
    assert tc["2026"] == {"gestart": 2, "afgerond": 1, "niet_naleving": 1, "aandeel_niet_naleving": 1.0,
                          "doorlooptijd_mediaan_dagen": 31}
    sp = {j: ind[j]["per_herkomst"]["steekproef"] for j in ind}
    assert sp["2025"] == {"gestart": 2, "afgerond": 1, "niet_naleving": 0, "aandeel_niet_naleving": 0.0,
                          "doorlooptijd_mediaan_dagen": 364}
    assert sp["2026"] == {"gestart": 0, "afgerond": 1, "niet_naleving": 1, "aandeel_niet_naleving": 1.0,
                          "doorlooptijd_mediaan_dagen": 334}
    assert ind["2025"]["per_herkomst"]["laa"]["afgerond"] == 1
    assert ind["2024"]["per_herkomst"]["tip"] == {"gestart": 0, "afgerond": 0, "niet_naleving": 0,
                                                  "aandeel_niet_naleving": None, "doorlooptijd_mediaan_dagen": None}
    assert m.rapport["niet_meetbaar"] == ["1 onterecht verstrekte uitkeringen (<1%)", "3 nazorg",
                                          "6 toekenningen aan de poort"]


def test_bad_rows_quarantined_with_reason_never_counted(con, m):
    redenen = {q["reden"] for q in m.quarantaine}
    for verwacht in ("datum_einde: ligt voor datum_start",
                     "vordering_cent: vordering bij een onderzoek zonder afwijking",
                     "herkomst: onbekende waarde", "thema: onbekende waarde",
                     "thema: ontbreekt bij herkomst themacontrole of steekproef",
                     "datum_einde: ontbreekt bij een afgerond onderzoek"):
        assert any(verwacht in r for r in redenen), verwacht
    assert sum(q["rijen"] for q in m.quarantaine) == len(SLECHT)
    staged = con.sql("SELECT onderzoek_id FROM gemeente_onderzoeken").pl()["onderzoek_id"].to_list()
    assert sorted(staged) == sorted(o["onderzoek_id"] for o in ONDERZOEKEN)


def test_overlap_pairs_and_other_origins_suppressed():
    lijsten = pl.DataFrame({
        "thema": ["vermogen_bank"] * 12 + ["huisvesting_bezetting"] * 12 + ["vermogen_voertuigen"] * 3,
        "dossier_id": [f"D{i}" for i in range(12)] + [f"D{i}" for i in range(2, 14)] + ["D0", "D1", "D2"]})
    oz_ = pl.DataFrame({
        "dossier_id": [f"D{i}" for i in range(10)] + ["D10", "D11"],
        "herkomst": ["tip"] * 10 + ["laa", "steekproef"],
        "datum_start": [date(2026, 1, 1)] * 10 + [date(2025, 10, 31), date(2026, 1, 1)]})
    ov = monitoring.overlap(lijsten, oz_, P, monitoring.Instellingen())
    assert {(p["a"], p["b"]): p["dossiers"] for p in ov.paren} == {
        ("vermogen_voertuigen", "vermogen_bank"): 3, ("vermogen_voertuigen", "huisvesting_bezetting"): 1,
        ("vermogen_bank", "huisvesting_bezetting"): 10}
    pub = ov.gepubliceerd(10)
    assert {(p["a"], p["b"]): p["dossiers"] for p in pub["themas"]}[("vermogen_bank", "huisvesting_bezetting")] == 10
    assert {(p["a"], p["b"]): p["dossiers"] for p in pub["themas"]}[("vermogen_voertuigen", "vermogen_bank")] == "<10"
    herk = {(h["thema"], h["andere_herkomst"]): h["dossiers"] for h in ov.herkomst}
    # tips on D0..D9: 10 on the bank list, 8 on the housing list; LAA exactly 12 months back does not count;
    # a control-sample investigation is not "another signal"
    assert herk[("vermogen_bank", "tip")] == 10 and herk[("huisvesting_bezetting", "tip")] == 8
    assert herk[("vermogen_bank", "laa")] == 0 and ("vermogen_bank", "steekproef") not in herk
    pub_herk = {(h["thema"], h["andere_herkomst"]): h["dossiers"] for h in pub["herkomst"]}
    assert pub_herk[("vermogen_bank", "tip")] == 10 and pub_herk[("huisvesting_bezetting", "tip")] == "<10"
    # the UpSet columns: exact combinations, largest first
    combi = {c["themas"]: c["dossiers"] for c in ov.combinaties}
    assert combi == {("huisvesting_bezetting", "vermogen_bank"): 9, ("huisvesting_bezetting",): 2,
                     ("vermogen_bank", "vermogen_voertuigen"): 2,
                     ("huisvesting_bezetting", "vermogen_bank", "vermogen_voertuigen"): 1}
    assert ov.lijsten == {"vermogen_voertuigen": 3, "vermogen_bank": 12, "huisvesting_bezetting": 12}


def test_a_released_list_without_signals_is_paired_like_any_other():
    """domain.md: 'how many dossiers on a theme's released list are also on another theme's list'. A released list
    of 0 signals is a list: it pairs (0 in common) and has its rows per other origin, where it was left out (and the
    report then said that fewer than two lists, or none, were released)."""
    lijsten = pl.DataFrame({"thema": ["vermogen_bank"] * 3, "dossier_id": ["D0", "D1", "D2"]})
    oz_ = pl.DataFrame({"dossier_id": ["D0"], "herkomst": ["tip"], "datum_start": [date(2026, 1, 1)]})
    vrij = ["vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers"]
    ov = monitoring.overlap(lijsten, oz_, P, monitoring.Instellingen(), vrij)
    assert {(p["a"], p["b"]): p["dossiers"] for p in ov.paren} == {
        ("vermogen_bank", "huisvesting_bezetting"): 0, ("vermogen_bank", "huisvesting_kostendelers"): 0,
        ("huisvesting_bezetting", "huisvesting_kostendelers"): 0}
    assert len(ov.herkomst) == 3 * len(monitoring.ANDERE_HERKOMSTEN)
    assert ov.lijsten == {"vermogen_bank": 3, "huisvesting_bezetting": 0, "huisvesting_kostendelers": 0}
    leeg = monitoring.overlap(lijsten.clear(), oz_.clear(), P, monitoring.Instellingen(), vrij[1:])
    assert [(p["a"], p["b"], p["dossiers"]) for p in leeg.paren] == [
        ("huisvesting_bezetting", "huisvesting_kostendelers", 0)] and not leeg.combinaties


def test_small_denominators_show_no_rate_difference_or_p_in_the_html():
    """outputs.md: counts in the HTML report are suppressed below 10. A rate, difference or p computed from 2 of 2
    against 0 of 1 gives those counts away: shown as '–' in section 1 and in the trend, as the rates already were."""
    from assets import monitoring_weergave as mw

    arm = lambda n, k: {"onderzocht": n, "afgerond": n, "niet_naleving": k, "niet_meegewerkt": 0,  # noqa: E731
                        "trefkans": k / n, "ci_laag": 0.1, "ci_hoog": 0.9}
    themas = {t: {"signalen": arm(2, 2), "steekproef": arm(1, 0), "verschil": 1.0, "p": 0.33,
                  "beter_dan_steekproef": False, "gemarkeerd": False} for t in monitoring.THEMAS}
    inst = monitoring.Instellingen()
    assert monitoring._toonbaar(arm(2, 2), inst.onderdrukken_onder) is None
    assert monitoring._toonbaar(arm(10, 5), inst.onderdrukken_onder) == 0.5
    trends = [{"peildatum": P, "thema": t, "status": s, "lijst": n, "trefkans_signalen": None,
               "trefkans_steekproef": 0.5, "gemarkeerd": False}
              for t, (s, n) in zip(monitoring.THEMAS, [("vrijgegeven", 12), ("vrijgegeven", 0), ("geblokkeerd", None),
                                                       ("niet_berekend", None)])]
    _, rijen = mw.trendtabel(trends, inst.onderdrukken_onder)
    assert [r["cellen"][0]["lijst"] for r in rijen] == [12, "<10", "geblokkeerd", "niet berekend"]
    assert {r["cellen"][0]["signalen"] for r in rijen} == {"–"}
    rapport = {"peildatum": P.isoformat(), "venster": {"van": "2024-11-01", "tot_en_met": P.isoformat()},
               "themas": themas, "overlap": {"themas": [], "herkomst": []}, "indicatoren": {},
               "niet_meetbaar": list(monitoring.NIET_MEETBAAR)}
    html = mw.html(monitoring.Monitoring(rapport, monitoring.Overlap([], [], [], {}), trends, [], inst))
    assert "procentpunt" not in html and "0,33" not in html and "100,0%" not in html
    assert "is nog niet na te gaan" in html  # no list stored yet: whether a signaal_id is on one cannot be told
    herleid = {"vanaf": "2026-09-30", "themas": {t: {"themacontrole": {"gecontroleerd": 40, "niet_herleidbaar": n},
                                                     "steekproef": {"gecontroleerd": 12, "niet_herleidbaar": 0}}
                                                 for t, n in zip(monitoring.THEMAS, (0, 3, 11, 40))}}
    html = mw.html(monitoring.Monitoring(rapport, monitoring.Overlap([], [], [], {}), trends, [], inst, herleid))
    deel = html[html.index("Herleidbaar naar de lijsten"):html.index("<h2>2.")]
    assert "30 september 2026" in deel and deel.count('getal fout">11<') == 1 and deel.count('getal fout">40<') == 1
    assert deel.count("&lt;10") == 6 and 'fout">&lt;10' not in deel  # 0 and 3 (and the samples' 0) read <10, unmarked

def test_investigations_as_they_stood_on_the_peildatum(tmp_path):
    """Dates after the peildatum (a delivery's error, or a run for an earlier peildatum): an investigation that
    starts later does not exist yet, one that ends later was still running — no figures for a year to come."""
    rijen = [oz(1, 1, "themacontrole", B, "2026-03-01", "2026-04-01", "niet_naleving", 100000),
             oz(2, 2, "tip", B, "2027-06-01", None, "lopend"),                            # starts after P
             oz(3, 3, "themacontrole", B, "2026-03-01", "2027-01-15", "niet_naleving", 5000, 2000, "1")]  # ends after P
    lever_alles(tmp_path / "landing", personen=[persoon(i) for i in range(1, 4)],
                uitkeringen=[dossier(i, i) for i in range(1, 4)], onderzoeken=rijen)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    stand = monitoring.onderzoeken(con, P).sort("dossier_id")
    assert stand.select("dossier_id", "uitkomst", "datum_einde", "vordering_cent", "boete_cent", "waarschuwing"
                        ).rows() == [("D00001", "niet_naleving", date(2026, 4, 1), 100000, None, False),
                                     ("D00003", "lopend", None, None, None, None)]
    ind = monitoring.indicatoren(stand, monitoring.uitkeringseinde(con, P))
    assert list(ind) == ["2026"] and ind["2026"]["vorderingen"]["aantal"] == 1
    assert ind["2026"]["per_herkomst"]["themacontrole"]["gestart"] == 2
    assert ind["2026"]["per_herkomst"]["themacontrole"]["afgerond"] == 1


def test_reviewers_case_a_planned_end_is_no_end(tmp_path):
    """The reviewer's reproduction: D1's benefit ends 2026-12-31 (after the peildatum), D2's ended 2026-06-30;
    each has a claim closed in 2026. Only D2's benefit had ended on the peildatum: bij_beeindiging is 1, not 2."""
    rijen = [oz(1, 1, "tip", None, "2026-02-01", "2026-03-01", "niet_naleving", 10000),
             oz(2, 2, "tip", None, "2026-02-01", "2026-03-01", "niet_naleving", 20000)]
    lever_alles(tmp_path / "landing", personen=[persoon(i) for i in (1, 2)],
                uitkeringen=[dossier(1, 1, einde="2026-12-31"), dossier(2, 2, einde="2026-06-30")], onderzoeken=rijen)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    ind = monitoring.bereken(con, P, monitoring.Instellingen()).rapport["indicatoren"]
    assert list(ind) == ["2026"]
    assert (ind["2026"]["vorderingen"]["aantal"], ind["2026"]["vorderingen"]["bij_beeindiging"]) == (2, 1)


def test_benefits_as_they_stood_on_the_peildatum(tmp_path):
    """bij_beeindiging (domain.md: claims on dossiers whose benefit ended that year) counts a benefit as ended
    only when its end date is on or before the peildatum — the end date exactly on it included. A later end date
    is a planned end: the benefit was still running then, as an investigation that ends later was."""
    einden = {1: "2026-12-31",   # planned end after the peildatum: still running on P
              2: "2026-06-30",   # ended in 2026, the year of its claim
              3: "2026-10-31",   # ends on the peildatum itself: ended
              4: "2026-11-01",   # the day after the peildatum: still running
              5: None,           # ongoing
              6: "2025-12-31",   # ended the year before its 2026 claim; its 2025 claim counts for 2025
              7: "2027-03-31"}   # planned end in a later year, claim of 2025: not counted anywhere
    rijen = [oz(i, i, "tip", None, "2026-02-01", "2026-03-01", "niet_naleving", 10000 * i) for i in range(1, 7)]
    rijen += [oz(7, 6, "laa", None, "2025-09-01", "2025-10-01", "niet_naleving", 70000),
              oz(8, 7, "laa", None, "2025-09-01", "2025-10-01", "niet_naleving", 80000),
              oz(9, 3, "tip", None, "2026-02-01", "2026-03-01", "geen_afwijking")]  # no claim: never counted
    lever_alles(tmp_path / "landing", personen=[persoon(i) for i in einden],
                uitkeringen=[dossier(i, i, einde=e) for i, e in einden.items()], onderzoeken=rijen)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    assert monitoring.uitkeringseinde(con, P).sort("dossier_id").rows() == [
        ("D00001", None), ("D00002", date(2026, 6, 30)), ("D00003", date(2026, 10, 31)), ("D00004", None),
        ("D00005", None), ("D00006", date(2025, 12, 31)), ("D00007", None)]
    ind = monitoring.bereken(con, P, monitoring.Instellingen()).rapport["indicatoren"]
    assert list(ind) == ["2025", "2026"]
    assert ind["2026"]["vorderingen"]["aantal"] == 6
    assert ind["2026"]["vorderingen"]["bij_beeindiging"] == 2        # D2 and D3
    assert ind["2025"]["vorderingen"]["aantal"] == 2
    assert ind["2025"]["vorderingen"]["bij_beeindiging"] == 1        # D6
    # the other indicators are untouched by the benefits' end dates
    assert ind["2026"]["per_herkomst"]["tip"] == {"gestart": 7, "afgerond": 7, "niet_naleving": 6,
                                                  "aandeel_niet_naleving": round(6 / 7, 4),
                                                  "doorlooptijd_mediaan_dagen": 28}


def test_an_investigations_signal_is_traced_back_to_the_released_lists_and_samples():
    """domain.md: the loop's input is onderzoeken.csv and the released lists and samples of earlier runs;
    extracts.md: signaal_id is that of a released signal list or control sample. Counted per theme and arm from the
    werkmap's first stored list on: a signal id on no list, on a blocked list, on another theme's or another
    dossier's, or empty, is not traceable (and still counted in its arm)."""
    import duckdb

    con = duckdb.connect()
    con.sql("CREATE TABLE signalen AS SELECT * FROM (VALUES "
            "('S1', 'vermogen_bank', 'D1', DATE '2026-09-30', 'signaal'), "
            "('S2', 'vermogen_bank', 'D2', DATE '2026-09-30', 'signaal'), "
            "('C1', 'vermogen_bank', 'D3', DATE '2026-09-30', 'steekproef'), "
            "('B1', 'vermogen_voertuigen', 'D4', DATE '2026-09-30', 'signaal'), "   # its list was blocked
            "('C2', 'vermogen_voertuigen', 'D5', DATE '2026-09-30', 'steekproef'), "  # a sample is published all the same
            "('L1', 'vermogen_bank', 'D9', DATE '2026-11-30', 'signaal')"            # after the peildatum: not yet
            ") t(signaal_id, thema, dossier_id, peildatum, soort)")
    con.sql("CREATE TABLE vrijgaven AS SELECT * FROM (VALUES (DATE '2026-09-30', 'vermogen_bank', 'vrijgegeven'), "
            "(DATE '2026-09-30', 'vermogen_voertuigen', 'geblokkeerd'), (DATE '2026-11-30', 'vermogen_bank', "
            "'vrijgegeven')) t(peildatum, thema, status)")
    rij = lambda s, d, h, t, start="2026-10-05": {"signaal_id": s, "dossier_id": d, "herkomst": h,  # noqa: E731
                                                  "thema": t, "datum_start": date.fromisoformat(start)}
    oz_ = pl.DataFrame([
        rij("S1", "D1", "themacontrole", "vermogen_bank"),             # traceable
        rij("S2", "D7", "themacontrole", "vermogen_bank"),             # another dossier's signal
        rij("C1", "D3", "themacontrole", "vermogen_bank"),             # a sample's id in the signals' arm
        rij(None, "D8", "themacontrole", "vermogen_bank"),             # no id
        rij("L1", "D9", "themacontrole", "vermogen_bank"),             # a list of a later peildatum
        rij("XX", "D1", "themacontrole", "vermogen_bank", "2026-09-01"),  # before the first list: not checked
        rij("C1", "D3", "steekproef", "vermogen_bank"),                # traceable
        rij("B1", "D4", "themacontrole", "vermogen_voertuigen"),       # on a blocked list
        rij("C2", "D5", "steekproef", "vermogen_voertuigen"),          # traceable
        rij("S1", "D1", "tip", "vermogen_bank"),                       # another origin: not an arm
    ])
    uit = monitoring.herleidbaarheid(con, oz_, P)
    assert uit["vanaf"] == "2026-09-30"
    assert uit["themas"]["vermogen_bank"] == {"themacontrole": {"gecontroleerd": 5, "niet_herleidbaar": 4},
                                              "steekproef": {"gecontroleerd": 1, "niet_herleidbaar": 0}}
    assert uit["themas"]["vermogen_voertuigen"] == {"themacontrole": {"gecontroleerd": 1, "niet_herleidbaar": 1},
                                                    "steekproef": {"gecontroleerd": 1, "niet_herleidbaar": 0}}
    assert uit["themas"]["huisvesting_bezetting"]["themacontrole"] == {"gecontroleerd": 0, "niet_herleidbaar": 0}
    assert monitoring.herleidbaarheid(duckdb.connect(), oz_, P) == {"vanaf": None, "themas": {}}

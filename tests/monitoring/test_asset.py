"""The `monitoring` asset in Dagster: a WARN check per theme that fails exactly for the flagged theme, the
check on quarantined investigations, and the trend over the last 12 runs without duplicates on rerun."""
from datetime import date, timedelta

import dagster as dg
import polars as pl

from assets import monitoring
from assets.monitoring_asset import monitoring_asset, monitoring_onderdeel
from kern import opslag, publicatie
from kern.resources import Werkomgeving
from tests.bouwer import bsn, dossier, persoon
from tests.helpers import PARAMETERS, ingest, lever_alles
import pytest

pytestmark = pytest.mark.traag  # runs through Dagster

P = date(2026, 10, 31)
THEMA = "huisvesting_kostendelers"


def reeks(start_nr: int, herkomst: str, n: int, treffers: int) -> list[dict]:
    """n closed investigations on the theme, `treffers` of them niet_naleving."""
    return [{"onderzoek_id": f"O{start_nr + i}", "dossier_id": f"D{1 + i % 5:05d}", "bsn": bsn(1 + i % 5),
             "herkomst": herkomst, "thema": THEMA, "datum_start": "2026-01-05", "datum_einde": "2026-02-05",
             "uitkomst": "niet_naleving" if i < treffers else "geen_afwijking", "waarschuwing": "0"}
            for i in range(n)]


def materialiseer(root, onderzoeken):
    lever_alles(root / "landing", personen=[persoon(i) for i in range(1, 6)],
                uitkeringen=[dossier(i, i) for i in range(1, 6)], onderzoeken=onderzoeken)
    ingest(root / "landing", root / "werk", P).close()
    werk = Werkomgeving(landing=str(root / "landing"), werkmap=str(root / "werk"), verklaringen=str(root / "v.yaml"),
                        filters=str(PARAMETERS))
    resultaat = dg.materialize([monitoring_asset([])], partition_key=P.isoformat(), resources={"werkomgeving": werk},
                               raise_on_error=True)
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
              for e in resultaat.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    return resultaat, checks, werk


def werkversie(resultaat, werk):
    """The run's version folder of the outputs (published by the run report, which this test does not run)."""
    return publicatie.werkversie(werk.werkmap, P, resultaat.run_id)


def test_flagged_theme_fails_its_warning_check_only(tmp_path):
    # 30 v 30 closed, the same hit rate: flagged; with 29 signals it would not be (see test_statistiek)
    resultaat, checks, werk = materialiseer(tmp_path, reeks(1, "themacontrole", 30, 10)
                                            + reeks(100, "steekproef", 30, 10))
    assert checks[f"trefkans_{THEMA}"].passed is False
    assert checks[f"trefkans_{THEMA}"].severity == dg.AssetCheckSeverity.WARN
    assert all(c.passed for naam, c in checks.items() if naam != f"trefkans_{THEMA}")
    uit = werkversie(resultaat, werk)
    assert (uit / "monitoring" / "rapport.json").exists() and (uit / "monitoring" / "rapport.html").exists()
    with werk.verbind() as con:
        assert monitoring_onderdeel(con, P, uit, werk)["monitoring"]["gemarkeerd"] == [THEMA]


def test_not_flagged_below_thirty_and_quarantine_warns(tmp_path):
    slecht = {"onderzoek_id": "X1", "dossier_id": "D00001", "bsn": bsn(1), "herkomst": "tip",
              "datum_start": "2026-05-01", "datum_einde": "2026-04-01", "uitkomst": "geen_afwijking"}
    _, checks, _ = materialiseer(tmp_path, reeks(1, "themacontrole", 29, 10) + reeks(100, "steekproef", 30, 10)
                                 + [slecht])
    assert checks[f"trefkans_{THEMA}"].passed is True
    assert checks["onderzoeksgegevens"].passed is False
    assert checks["onderzoeksgegevens"].severity == dg.AssetCheckSeverity.WARN


def test_trend_keeps_one_row_per_run_and_shows_the_last_twelve(tmp_path):
    lever_alles(tmp_path / "landing", personen=[persoon(1)], uitkeringen=[dossier(1, 1)],
                onderzoeken=reeks(1, "themacontrole", 3, 1))
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    leverdatum = con.sql("SELECT leverdatum FROM run_bronnen WHERE bron = 'gemeente'").fetchall()[0][0]
    peildata = [P - timedelta(days=7 * k) for k in range(13)]
    for p in peildata[1:]:  # earlier runs used the same municipal delivery
        opslag.vervang(con, "run_bronnen", pl.DataFrame(
            {"peildatum": [p], "bron": ["gemeente"], "leverdatum": [leverdatum], "status": ["geaccepteerd"]}),
            {"peildatum": p, "bron": "gemeente"})
    for p in sorted(peildata) + [P]:  # the last one twice: a rerun
        m = monitoring.bereken(con, p, monitoring.Instellingen())
    assert con.sql("SELECT count(*) FROM monitoring_trends").fetchall() == [(13 * 4,)]
    getoond = sorted({r["peildatum"] for r in m.trends})
    assert getoond == sorted(peildata)[1:] and len(getoond) == 12
    rij = next(r for r in m.trends if r["peildatum"] == P and r["thema"] == THEMA)
    # 1 of 3: a denominator below 10, so the trend (shown in the HTML only) keeps no rate that gives the counts away
    assert rij["trefkans_signalen"] is None and rij["lijst"] is None and rij["status"] == "niet_berekend"

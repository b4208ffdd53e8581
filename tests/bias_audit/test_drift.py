"""Drift: per funnel step, attribute and group tested now, its ratios over the earlier audits, oldest first,
ending with this peildatum's (bias_audit.audit.drift_reeksen)."""
from datetime import date

import polars as pl

from bias_audit.audit import drift_reeksen

P = date(2026, 11, 30)


def _vorige(rijen):
    return pl.DataFrame(rijen, schema={"peildatum": pl.Date, "stap": pl.Utf8, "kenmerk": pl.Utf8, "groep": pl.Utf8,
                                       "ratio": pl.Float64, "oordeel": pl.Utf8}, orient="row")


def _nu(rijen):
    return pl.DataFrame(rijen, schema={"stap": pl.Utf8, "kenmerk": pl.Utf8, "groep": pl.Utf8, "ratio": pl.Float64,
                                       "oordeel": pl.Utf8}, orient="row")


def test_series_per_group_oldest_first_in_funnel_order():
    vorige = _vorige([
        (date(2026, 10, 31), "regel", "geslacht", "V", 1.2, "geen afwijking"),
        (date(2026, 9, 30), "regel", "geslacht", "V", 1.1, "geen afwijking"),
        (date(2026, 10, 31), "populatie", "wijk_code", "W01", 0.5, "ondervertegenwoordigd"),
        (date(2026, 10, 31), "regel", "geslacht", "M", 0.9, "geen afwijking"),  # not tested now: no series
        (date(2026, 10, 31), "regel", "wijk_code", None, 1.0, "geen afwijking"),  # no group: no series
        (date(2026, 10, 31), "onbekende_stap", "geslacht", "V", 2.0, "afwijking"),  # a step no longer in the funnel
    ])
    nu = _nu([("regel", "geslacht", "V", 1.23456789, "afwijking"),
              ("regel", "geslacht", "V", 9.0, "dubbel: de eerste telt"),
              ("populatie", "wijk_code", "W01", float("nan"), "niet getoetst"),
              ("onbekende_stap", "geslacht", "V", 2.5, "afwijking"),
              ("regel", "wijk_code", None, 1.0, "geen afwijking")])

    assert drift_reeksen(vorige, nu, P, ["populatie", "regel"]) == [
        {"stap": "populatie", "kenmerk": "wijk_code", "groep": "W01", "reeks": [
            {"peildatum": "2026-10-31", "ratio": 0.5, "oordeel": "ondervertegenwoordigd"},
            {"peildatum": "2026-11-30", "ratio": None, "oordeel": "niet getoetst"}]},
        {"stap": "regel", "kenmerk": "geslacht", "groep": "V", "reeks": [
            {"peildatum": "2026-09-30", "ratio": 1.1, "oordeel": "geen afwijking"},
            {"peildatum": "2026-10-31", "ratio": 1.2, "oordeel": "geen afwijking"},
            {"peildatum": "2026-11-30", "ratio": 1.235, "oordeel": "afwijking"}]},
        {"stap": "onbekende_stap", "kenmerk": "geslacht", "groep": "V", "reeks": [
            {"peildatum": "2026-10-31", "ratio": 2.0, "oordeel": "afwijking"},
            {"peildatum": "2026-11-30", "ratio": 2.5, "oordeel": "afwijking"}]},
    ]


def test_no_earlier_audit_no_drift():
    assert drift_reeksen(pl.DataFrame(), _nu([("regel", "geslacht", "V", 1.0, "geen afwijking")]), P, ["regel"]) == []


def test_the_pool_names_only_runs_whose_members_are_kept():
    """Retention keeps a run's outcome (thema_uitkomsten) but deletes its funnel members: such a run adds nothing
    to the pooled audit and must not be listed as pooled (it counted towards the minimum number of runs)."""
    import duckdb

    from bias_audit import gepoold

    con = duckdb.connect()
    con.execute("CREATE TABLE thema_uitkomsten AS SELECT * FROM (VALUES ('t', 'v1', true, DATE '2024-06-30'), "
                "('t', 'v1', true, DATE '2025-06-30'), ('t', 'v1', true, DATE '2026-10-31'), "
                "('t', 'v2', true, DATE '2026-09-30')) x(thema, filter_versie, berekend, peildatum)")
    con.execute("CREATE TABLE funnel_leden AS SELECT * FROM (VALUES ('t', DATE '2025-06-30', 'D1'), "
                "('t', DATE '2026-10-31', 'D1'), ('t', DATE '2026-09-30', 'D2')) x(thema, peildatum, dossier_id)")
    assert gepoold.runs(con, date(2026, 10, 31), "t", "v1", 12) == [date(2026, 10, 31), date(2025, 6, 30)]
    con.execute("DELETE FROM funnel_leden WHERE peildatum < DATE '2026-01-01'")  # opschonen
    assert gepoold.runs(con, date(2026, 10, 31), "t", "v1", 12) == [date(2026, 10, 31)]

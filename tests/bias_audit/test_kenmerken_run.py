"""The four bias steps of one Dagster run share one attribute table (issue 12.4): built once per run, built anew
for another run or without a run id."""
from datetime import date

from bias_audit import kenmerken
from tests.bouwer import dossier, persoon, woont
from tests.checks.test_controles import lever
from tests.helpers import staged

P = date(2026, 10, 31)


def test_attribute_table_built_once_per_run(tmp_path):
    lever(tmp_path / "landing", personen=[persoon(i) for i in range(1, 9)],
          verblijfplaatsen=[woont(i, 1 + i % 3) for i in range(1, 9)],
          uitkeringen=[dossier(1, 1), dossier(2, 3), dossier(3, 5, partner=6, normcategorie="gehuwden")])
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    eerste = kenmerken.bouw(con, P, run="run-1")
    assert eerste.height == 3 and con.sql(f"SELECT count(*) FROM {kenmerken.TABEL}").fetchall() == [(3,)]
    con.execute("DELETE FROM populatie")  # inputs cannot change within a run; here they do, to see what is read
    assert kenmerken.bouw(con, P, run="run-1") is eerste  # the same run: not built again
    assert kenmerken.bouw(con, P, run="run-2").height == 0  # another run: built from the tables as they are now
    assert con.sql(f"SELECT count(*) FROM {kenmerken.TABEL}").fetchall() == [(0,)]
    assert kenmerken.bouw(con, P).height == 0  # no run id (an audit computed on its own): always built


def test_residents_factor_counts_as_the_housing_themes_count(tmp_path):
    """bewoners_op_adres is the housing themes' legitimate factor: it counts who those themes count, so a resident
    who may have died by the peildatum (day unknown, September 2026) is not counted, nor one who moved out."""
    personen = [persoon(i) for i in range(1, 6)]
    personen[1]["datum_overlijden"] = "20260900"
    lever(tmp_path / "landing", personen=personen,
          verblijfplaatsen=[woont(1, 1), woont(2, 1), woont(3, 1), woont(4, 1, einde="20260101"), woont(5, 2)],
          uitkeringen=[dossier(1, 1), dossier(2, 5)])
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    tabel = kenmerken.bouw(con, P)
    assert dict(zip(tabel["dossier_id"], tabel["bewoners_op_adres"])) == {"D00001": "2", "D00002": "1"}


def test_no_attribute_table_for_a_peildatum_leaves_no_earlier_one_behind():
    """A rerun whose BRP delivery is now rejected cannot build the attribute table: the earlier run's table for
    that peildatum (geboorteland and nationaliteit groups per dossier) goes too; other peildata stay."""
    from datetime import date

    import duckdb
    import pytest

    from bias_audit import kenmerken
    from kern import opslag

    con = duckdb.connect()
    con.execute(opslag.DDL)
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    for tabel in (kenmerken.TABEL, kenmerken.FACTOREN_TABEL):
        con.execute(f"CREATE TABLE {tabel} AS SELECT * FROM (VALUES (DATE '2026-10-31', 'D1'), "
                    "(DATE '2026-09-30', 'D1')) x(peildatum, dossier_id)")
    con.execute("INSERT INTO run_bronnen (peildatum, bron, leverdatum, status) VALUES "
                "(DATE '2026-10-31', 'gemeente', DATE '2026-10-30', 'geaccepteerd'), "
                "(DATE '2026-10-31', 'brp', DATE '2026-10-28', 'afgewezen')")
    with pytest.raises(kenmerken.AuditNietMogelijk, match="bron brp heeft geen geaccepteerde levering"):
        kenmerken.bouw(con, date(2026, 10, 31))
    for tabel in (kenmerken.TABEL, kenmerken.FACTOREN_TABEL):
        assert con.sql(f"SELECT peildatum::VARCHAR FROM {tabel}").fetchall() == [("2026-09-30",)]

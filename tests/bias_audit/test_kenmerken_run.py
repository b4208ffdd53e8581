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

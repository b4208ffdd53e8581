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

"""The shared mechanisms of kern/: atomic file writes, transactions, the accepted-delivery lookup."""
import json
from datetime import date

import polars as pl
import pytest

from kern import opslag


def test_json_and_text_are_written_whole_or_not_at_all(tmp_path, monkeypatch):
    pad = opslag.schrijf_json(tmp_path / "a" / "run.json", {"peildatum": date(2026, 10, 31), "tekst": "één"})
    assert pad.read_text(encoding="utf-8") == '{\n  "peildatum": "2026-10-31",\n  "tekst": "één"\n}\n'
    assert json.loads(pad.read_text(encoding="utf-8"))["tekst"] == "één"

    def kapot(*_):
        raise OSError("schijf vol")

    monkeypatch.setattr(opslag.os, "replace", kapot)
    with pytest.raises(OSError):
        opslag.schrijf_tekst(pad, "half")
    assert json.loads(pad.read_text(encoding="utf-8"))["peildatum"] == "2026-10-31"  # the old file stands


def test_transaction_rolls_back_every_write(tmp_path):
    con = opslag.verbind(tmp_path)
    opslag.vervang(con, "t", pl.DataFrame({"k": [1], "v": ["a"]}), {"k": 1})
    with pytest.raises(RuntimeError):
        with opslag.transactie(con):
            opslag.verwijder(con, "t", {"k": 1})
            raise RuntimeError("halverwege")
    assert con.sql("SELECT v FROM t").fetchall() == [("a",)]


def test_accepted_deliveries_only(tmp_path):
    con = opslag.verbind(tmp_path)
    con.execute("INSERT INTO run_bronnen (peildatum, bron, leverdatum, status) VALUES "
                "('2026-10-31', 'brp', '2026-10-28', 'geaccepteerd'), ('2026-10-31', 'rdw', '2026-10-29', 'afgewezen'),"
                "('2026-10-30', 'ib', '2026-01-15', 'geaccepteerd')")
    assert opslag.geaccepteerde_leveringen(con, date(2026, 10, 31)) == {"brp": date(2026, 10, 28)}


def test_duckdb_memory_is_bounded_by_the_setting(tmp_path, monkeypatch):
    """DuckDB takes at most the configured memory (it spills beyond it); without a setting 40% of the machine's."""
    from kern import omgeving

    monkeypatch.setenv(omgeving.GEHEUGEN, "512MB")
    con = opslag.verbind(tmp_path / "a")
    assert con.sql("SELECT current_setting('memory_limit')").fetchall() == [("488.2 MiB",)]
    con.close()
    monkeypatch.delenv(omgeving.GEHEUGEN)
    con = opslag.verbind(tmp_path / "b")
    limiet = con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.close()
    import os
    totaal_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    assert limiet.endswith("GiB") and abs(float(limiet.split()[0]) - 0.4 * totaal_gib) < 0.1


def test_a_memory_setting_that_is_no_size_is_refused_with_its_name(monkeypatch):
    from kern import omgeving

    monkeypatch.setenv(omgeving.GEHEUGEN, "veel")
    with pytest.raises(omgeving.OngeldigeInstelling, match="SYSTEEMANALYSE_DUCKDB_GEHEUGEN='veel'"):
        omgeving.duckdb_geheugen()


def test_bestaat_tabel_finds_tables_views_and_schemas_as_a_query_would(tmp_path):
    con = opslag.verbind(tmp_path)
    con.execute("CREATE TABLE t (a INT); CREATE VIEW v AS SELECT 1 AS a; CREATE TABLE audit.s (a INT); "
                "CREATE TEMP TABLE tijdelijk (a INT)")
    gevonden = {n: opslag.bestaat_tabel(con, n) for n in
                ("t", "v", "audit.s", "tijdelijk", "run_bronnen", "s", "audit.t", "geen", "geen.t")}
    assert gevonden == {"t": True, "v": True, "audit.s": True, "tijdelijk": True, "run_bronnen": True,
                        "s": False, "audit.t": False, "geen": False, "geen.t": False}
    con.close()


def _werkomgeving(tmp_path):
    from kern.resources import Werkomgeving

    return Werkomgeving(landing=str(tmp_path), werkmap=str(tmp_path / "werk"), verklaringen="x", filters="y")


def _open(tmp_path) -> bool:
    """Whether this process still holds the werkmap's database (a read-only connection cannot then be made)."""
    import duckdb

    try:
        duckdb.connect(str(tmp_path / "werk" / opslag.DATABASE), read_only=True).close()
    except duckdb.ConnectionException:
        return True
    return False


def test_a_run_keeps_its_database_open_between_steps_while_it_holds_little_memory(tmp_path, monkeypatch):
    import dagster as dg

    from kern import resources

    werk = _werkomgeving(tmp_path)
    with werk.yield_for_execution(dg.build_init_resource_context()) as w:
        with w.verbind() as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS a; CREATE TEMP TABLE tijdelijk AS SELECT 1 AS a")
            eerste = w._con
        assert _open(tmp_path)  # kept open for the next step
        with w.verbind() as con:  # the same database; a cursor of its own (no temporary tables of another step)
            assert w._con is eerste and con.sql("SELECT a FROM t").fetchall() == [(1,)]
            assert not opslag.bestaat_tabel(con, "tijdelijk")
        with pytest.raises(RuntimeError):
            with w.verbind() as con:
                raise RuntimeError("stap mislukt")
        assert w._con is None and not _open(tmp_path)  # a failed step: the next one opens it afresh
        monkeypatch.setattr(resources, "BEWAAR_TOT_MIB", -1)  # DuckDB holds more than it may keep
        with w.verbind() as con:
            con.sql("SELECT count(*) FROM t").fetchall()
        assert w._con is None and not _open(tmp_path)
        monkeypatch.setattr(resources, "BEWAAR_TOT_MIB", 256)
        with w.verbind():
            pass
        assert _open(tmp_path)
    assert w._con is None and not _open(tmp_path)  # closed with the run
    with werk.verbind() as con:  # outside a run: closed after each use
        assert con.sql("SELECT a FROM t").fetchall() == [(1,)]
    assert not _open(tmp_path)

"""Progress inside a long step: a DuckDB statement that runs longer than the interval reports rows done and
rows per second while it runs; a short one reports nothing."""
import duckdb

from kern.voortgang import Voortgang


def test_long_statement_reports_progress_and_short_one_does_not():
    con = duckdb.connect()
    regels: list[str] = []
    Voortgang(regels.append, "test", elk=0.01).volg(
        con, "CREATE TABLE t AS SELECT sum(hash(i * j)) FROM range(40000000) a(i), range(2) b(j) GROUP BY i % 7", 80_000_000)
    assert regels and regels[-1].startswith("test: 80.000.000 rijen in ") and "rijen/s" in regels[-1]
    # lines while it ran, if any: rows done and their rate, or, once DuckDB has scanned its source, that it runs
    assert all("% — " in r and "rijen/s" in r or r.startswith("test: bezig, 80.000.000 rijen, ") for r in regels[:-1])
    stil: list[str] = []
    Voortgang(stil.append, "kort", elk=5).volg(con, "SELECT 1", 1)
    assert stil == []

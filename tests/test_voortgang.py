"""Progress inside a long step: a DuckDB statement that runs longer than the interval reports rows done and
rows per second while it runs; a short one reports nothing."""
import re
import time

import duckdb

from kern.voortgang import Voortgang, regel


def test_long_statement_reports_progress_and_short_one_does_not():
    con = duckdb.connect()
    regels: list[str] = []
    Voortgang(regels.append, "test", elk=0.01).volg(
        con, "CREATE TABLE t AS SELECT sum(hash(i * j)) FROM range(40000000) a(i), range(2) b(j) GROUP BY i % 7", 80_000_000)
    assert regels and regels[-1].startswith("test: 80.000.000 rijen in ") and regels[-1].endswith(" rijen/s)")
    # lines while it ran, if any: rows done and their rate, or, while DuckDB's count does not move, that it runs
    assert all(r.startswith("test: ") and "% — " in r and r.endswith(" rijen/s")
               or r.startswith("test: bezig, 80.000.000 rijen, ") and r.endswith(" s") for r in regels[:-1])
    stil: list[str] = []
    assert Voortgang(stil.append, "kort", elk=5).volg(con, "SELECT 42", 1) == [(42,)]  # its rows, no line
    assert stil == []


def test_a_line_gives_a_rate_only_while_duckdbs_count_moves():
    assert regel("brp/relaties.csv (regels)", 40.0, 20.0, 25_410_169, 10.0) == \
        "brp/relaties.csv (regels): 40% — 10.164.067 van 25.410.169 rijen, 1.016.407 rijen/s"
    # a count that stands still (the work after a scan), has not begun, or is done: the statement runs
    assert regel("x", 40.0, 40.0, 25_410_169, 15.0) == "x: bezig, 25.410.169 rijen, 15 s"
    assert regel("x", 0.0, 0.0, 1_000, 5.2) == "x: bezig, 1.000 rijen, 5 s"
    assert regel("x", 100.0, 40.0, 1_000, 20.0) == "x: bezig, 1.000 rijen, 20 s"


def test_work_without_a_row_count_says_that_it_runs_and_how_long_it_took():
    regels: list[str] = []
    with Voortgang(regels.append, "brp/relaties.csv", elk=0.01).duur("controles"):
        time.sleep(0.2)
    klaar = re.fullmatch(r"brp/relaties\.csv \(controles\): klaar in (\d+\.\d) s", regels[-1])
    assert len(regels) >= 2 and klaar and float(klaar[1]) >= 0.2
    assert all(re.fullmatch(r"brp/relaties\.csv \(controles\): bezig, \d+ s", r) for r in regels[:-1])
    stil: list[str] = []
    with Voortgang(stil.append, "kort", elk=5).duur("controles"):
        pass
    assert stil == []

"""Progress inside a long step: rows done and rows per second, as log lines (Dagster log and CLI).

A DuckDB statement runs while a watcher thread asks the connection for its progress
(`query_progress()`, computed by DuckDB without printing) and reports every `elk` seconds; a statement
that finishes within `elk` seconds reports nothing. DuckDB counts the rows its sources have scanned, not the
work after a scan (a join's build side, a temporary table scanned at once): while that count does not move, a
line says that the statement runs and for how long, not a rate that falls with every line (`regel`). Work
without a row count (a step's checks) says that it runs, and how long it took (`Voortgang.duur`).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable


def _n(getal: float) -> str:
    """A count the Dutch way: 25.410.169."""
    return f"{getal:,.0f}".replace(",", ".")


def regel(naam: str, deel: float, vorig: float, rijen: int, sec: float) -> str:
    """The progress line of a statement `sec` seconds under way whose DuckDB progress is `deel` percent, `vorig`
    at the previous line: rows done and their rate while the count moves, else that it runs."""
    if 0 < deel < 100.0 and deel > vorig:
        gedaan = int(rijen * deel / 100)
        return f"{naam}: {deel:.0f}% — {_n(gedaan)} van {_n(rijen)} rijen, {_n(gedaan / sec)} rijen/s"
    return f"{naam}: bezig, {_n(rijen)} rijen, {sec:.0f} s"


class Voortgang:
    def __init__(self, log: Callable[[str], None], naam: str, elk: float = 5.0):
        self.log, self.naam, self.elk = log, naam, elk

    def _naam(self, fase: str) -> str:
        return f"{self.naam} ({fase})" if fase else self.naam

    @contextmanager
    def _bewaakt(self, lijn: Callable[[float], str | None], slot: Callable[[float], str]):
        """While the block runs, every `elk` seconds the line `lijn(seconds so far)` (None: no line); when it ran at
        least `elk` seconds and did not fail, the line `slot(seconds)`."""
        klaar = threading.Event()
        start = time.monotonic()

        def kijk():
            while not klaar.wait(self.elk):
                if (tekst := lijn(time.monotonic() - start)) is not None:
                    self.log(tekst)

        waker = threading.Thread(target=kijk, daemon=True)
        waker.start()
        try:
            yield
        finally:
            klaar.set()
            waker.join()
        if (sec := time.monotonic() - start) >= self.elk:
            self.log(slot(sec))

    def volg(self, con, sql: str, rijen: int, fase: str = "") -> list[tuple]:
        """Execute `sql` on `con`, reporting progress over `rijen` rows while it runs (`fase`: which part of
        the step, when a step has more than one long statement); returns the statement's rows."""
        naam = self._naam(fase)
        vorig = 0.0

        def lijn(sec: float) -> str | None:
            nonlocal vorig
            try:
                deel = con.query_progress()
            except Exception:  # noqa: BLE001 - progress is best effort, never the step's failure
                return None
            if deel is None or deel < 0:
                return None
            tekst, vorig = regel(naam, deel, vorig, rijen, sec), max(vorig, deel)
            return tekst

        def slot(sec: float) -> str:
            return f"{naam}: {_n(rijen)} rijen in {sec:.1f} s ({_n(rijen / sec)} rijen/s)"

        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        try:
            with self._bewaakt(lijn, slot):
                return con.execute(sql).fetchall()
        finally:
            con.execute("SET enable_progress_bar = false")

    @contextmanager
    def duur(self, fase: str):
        """Work without a DuckDB row count (a step's checks): while it runs, every `elk` seconds a line that it
        does; when it took at least `elk` seconds, its time."""
        naam = self._naam(fase)
        with self._bewaakt(lambda sec: f"{naam}: bezig, {sec:.0f} s", lambda sec: f"{naam}: klaar in {sec:.1f} s"):
            yield

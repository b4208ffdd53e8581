"""Progress inside a long step: rows done and rows per second, as log lines (Dagster log and CLI).

A DuckDB statement runs while a watcher thread asks the connection for its progress
(`query_progress()`, computed by DuckDB without printing) and reports every `elk` seconds; a statement
that finishes within `elk` seconds reports nothing.
"""
from __future__ import annotations

import threading
import time
from typing import Callable


class Voortgang:
    def __init__(self, log: Callable[[str], None], naam: str, elk: float = 5.0):
        self.log, self.naam, self.elk = log, naam, elk

    def volg(self, con, sql: str, rijen: int, fase: str = "") -> None:
        """Execute `sql` on `con`, reporting progress over `rijen` rows while it runs (`fase`: which part of
        the step, when a step has more than one long statement)."""
        naam = f"{self.naam} ({fase})" if fase else self.naam
        klaar = threading.Event()
        start = time.monotonic()

        def kijk():
            while not klaar.wait(self.elk):
                try:
                    deel = con.query_progress()
                except Exception:  # noqa: BLE001 - progress is best effort, never the step's failure
                    continue
                if deel is None or deel < 0:
                    continue
                sec = time.monotonic() - start
                if deel >= 100.0:  # DuckDB counts its source scanned, not the work after it (a temporary table's
                    # scan is at 100% at once): say that it runs, not a rate that falls with every line
                    self.log(f"{naam}: bezig, {rijen:,} rijen, {sec:.0f} s".replace(",", "."))
                    continue
                gedaan = int(rijen * deel / 100)
                self.log(f"{naam}: {deel:.0f}% — {gedaan:,} van {rijen:,} rijen, "
                         f"{gedaan / sec:,.0f} rijen/s".replace(",", "."))

        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        waker = threading.Thread(target=kijk, daemon=True)
        waker.start()
        try:
            con.execute(sql)
        finally:
            klaar.set()
            waker.join()
            con.execute("SET enable_progress_bar = false")
        sec = time.monotonic() - start
        if sec >= self.elk:
            self.log(f"{naam}: {rijen:,} rijen in {sec:.1f} s ({rijen / sec:,.0f} rijen/s)".replace(",", "."))

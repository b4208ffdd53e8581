"""The run's working environment as a Dagster resource: landing folder, werkmap, DuckDB, configuration."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from kern import opslag, publicatie
from kern.slot import werkmap_slot


BEWAAR_TOT_MIB = 256  # DuckDB's memory for the werkmap's database up to which it stays open between steps


class Werkomgeving(dg.ConfigurableResource):
    """Where deliveries land, where state and outputs are kept, and which rule files apply.

    For the length of a run it holds the werkmap's lock (kern.slot), also for runs launched by the UI or the
    daemon; the CLI already holds it and re-enters."""

    landing: str
    werkmap: str
    verklaringen: str
    filters: str
    _run_id: str | None = PrivateAttr(default=None)
    _in_run: bool = PrivateAttr(default=False)
    _con: object = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        run = getattr(context, "dagster_run", None)
        self._run_id = run.run_id if run else None
        peildatum = run.tags.get("dagster/partition") if run else None
        with werkmap_slot(self.werkmap, f"Dagster-run {self._run_id or '?'}", peildatum=peildatum,
                          melding=context.log.warning if context.log else None):
            self._in_run = True
            try:
                yield self
            finally:
                self._in_run = False
                self._sluit()

    @contextmanager
    def verbind(self):
        """A connection to the werkmap's DuckDB database for one step: a cursor of its own (its own transactions
        and temporary tables) on a database that stays open between the steps of a run (opening it, reading its
        catalog and checkpointing it on close cost ~30 ms a step) as long as DuckDB holds little memory for it.
        Once it holds more than BEWAAR_TOT_MIB (a large municipality's data cached by a step), it is closed after the
        step, so that the next step starts with its memory returned, as if each step opened its own."""
        if self._con is None:
            self._con = opslag.verbind(self.werkmap)
        con = self._con.cursor()
        gelukt = False
        try:
            con.execute("SET enable_progress_bar = false")
            yield con
            gelukt = True
        finally:
            con.close()
            # after a failed step the next one starts on a freshly opened database, as it always did
            if not (gelukt and self._in_run) or opslag.geheugen_mib(self._con) > BEWAAR_TOT_MIB:
                self._sluit()

    def _sluit(self) -> None:
        if not self._in_run:  # the run is over: what its steps kept in this process goes with it
            opslag.run_voorbij()
        if self._con is not None:
            con, self._con = self._con, None
            con.close()

    @property
    def run_id(self) -> str:
        return self._run_id or "los"

    def uitvoer(self, peildatum: date) -> Path:
        """This run's version folder of the peildatum's outputs (kern.publicatie); the run report publishes it
        as `<werkmap>/output/<peildatum>`."""
        return publicatie.werkversie(self.werkmap, peildatum, self.run_id)

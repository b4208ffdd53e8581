"""The run's working environment as a Dagster resource: landing folder, werkmap, DuckDB, configuration."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from kern import opslag, publicatie
from kern.slot import werkmap_slot


class Werkomgeving(dg.ConfigurableResource):
    """Where deliveries land, where state and outputs are kept, and which rule files apply.

    For the length of a run it holds the werkmap's lock (kern.slot), also for runs launched by the UI or the
    daemon; the CLI already holds it and re-enters."""

    landing: str
    werkmap: str
    verklaringen: str
    filters: str
    _run_id: str | None = PrivateAttr(default=None)
    _con: object = PrivateAttr(default=None)
    _in_run: bool = PrivateAttr(default=False)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        run = getattr(context, "dagster_run", None)
        self._run_id = run.run_id if run else None
        peildatum = run.tags.get("dagster/partition") if run else None
        with werkmap_slot(self.werkmap, f"Dagster-run {self._run_id or '?'}", peildatum=peildatum,
                          melding=context.log.warning if context.log else None):
            # One DuckDB database for the whole run (the jobs run in process), opened by the first step that
            # needs it (so that a database that cannot be opened fails that step, with its reason): every step
            # works on a cursor of its own, and the database is checkpointed and closed once, at the end of the
            # run, instead of once per step (~50 ms each).
            self._in_run = True
            try:
                yield self
            finally:
                con, self._con, self._in_run = self._con, None, False
                if con is not None:
                    con.close()

    @contextmanager
    def verbind(self):
        """A connection of the step's own: a cursor of the run's database, or (outside a run) the database
        opened for this use alone."""
        if self._in_run and self._con is None:
            self._con = opslag.verbind(self.werkmap)
        con = self._con.cursor() if self._in_run else opslag.verbind(self.werkmap)
        try:
            if self._in_run:
                con.execute("SET enable_progress_bar = false")
            yield con
        finally:
            con.close()

    @property
    def run_id(self) -> str:
        return self._run_id or "los"

    def uitvoer(self, peildatum: date) -> Path:
        """This run's version folder of the peildatum's outputs (kern.publicatie); the run report publishes it
        as `<werkmap>/output/<peildatum>`."""
        return publicatie.werkversie(self.werkmap, peildatum, self.run_id)

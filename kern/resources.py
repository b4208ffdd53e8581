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

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        run = getattr(context, "dagster_run", None)
        self._run_id = run.run_id if run else None
        peildatum = run.tags.get("dagster/partition") if run else None
        with werkmap_slot(self.werkmap, f"Dagster-run {self._run_id or '?'}", peildatum=peildatum,
                          melding=context.log.warning if context.log else None):
            yield self

    @contextmanager
    def verbind(self):
        con = opslag.verbind(self.werkmap)
        try:
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

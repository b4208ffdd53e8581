"""The run's working environment as a Dagster resource: landing folder, werkmap, DuckDB, configuration."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg

from kern import opslag


class Werkomgeving(dg.ConfigurableResource):
    """Where deliveries land, where state and outputs are kept, and which rule files apply."""

    landing: str
    werkmap: str
    verklaringen: str
    filters: str

    @contextmanager
    def verbind(self):
        con = opslag.verbind(self.werkmap)
        try:
            yield con
        finally:
            con.close()

    def uitvoer(self, peildatum: date) -> Path:
        pad = Path(self.werkmap) / "output" / peildatum.isoformat()
        pad.mkdir(parents=True, exist_ok=True)
        return pad

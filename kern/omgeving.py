"""Settings per environment, in one place: where deliveries land and where the pipeline keeps its state.

The CLI sets these variables before it loads the definitions; `dagster dev` / a deployment sets them
in its environment. Secrets (the pseudonymisation key, PostgreSQL credentials) come only from the
environment too.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

LANDING = "SYSTEEMANALYSE_LANDING"
WERKMAP = "SYSTEEMANALYSE_WERKMAP"
VERKLARINGEN = "SYSTEEMANALYSE_VERKLARINGEN"
FILTERS = "SYSTEEMANALYSE_FILTERS"
SLEUTEL = "SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL"
SLEUTELBESTAND = "SYSTEEMANALYSE_PSEUDONIEM_SLEUTELBESTAND"  # a 0600 key file, e.g. outside the werkmap
# Retention of person-level data (pipelines/opschonen.py explains the choice of 24 months).
STANDAARD_BEWAARTERMIJN_MAANDEN = 24
WACHTTIJD = "SYSTEEMANALYSE_WACHTTIJD"  # seconds a run waits for another run on the same werkmap
# DuckDB's memory limit per connection (e.g. "8GB"); beyond it DuckDB spills to <database>.tmp in the werkmap.
# Without it DuckDB may take 80% of the machine's memory, and at national scale a step's temporary tables did.
GEHEUGEN = "SYSTEEMANALYSE_DUCKDB_GEHEUGEN"
STANDAARD_GEHEUGEN_AANDEEL = 0.4  # of the machine's memory, when GEHEUGEN is not set
_GEHEUGEN = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


class OngeldigeInstelling(ValueError):
    """An environment setting has a value that cannot be used; the message names it and says why."""


def duckdb_geheugen() -> str:
    """DuckDB's memory limit: SYSTEEMANALYSE_DUCKDB_GEHEUGEN, or 40% of the machine's memory."""
    if waarde := os.environ.get(GEHEUGEN):
        if not _GEHEUGEN.match(waarde):
            raise OngeldigeInstelling(f"{GEHEUGEN}={waarde!r} is geen geheugengrootte (voorbeeld: 8GB of 512MB)")
        return waarde.strip()
    totaal = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{int(totaal * STANDAARD_GEHEUGEN_AANDEEL / 2**20)}MiB"

VOORBEELD_VERKLARINGEN = PROJECT / "bias_audit" / "verklaringen.yaml"  # a documented example only
STANDAARD_FILTERS = PROJECT / "assets" / "themas" / "parameters.yaml"


def register_pad(werkmap: str | Path) -> Path:
    """The explanations registry lives with the municipality's data (contracts/outputs.md)."""
    return Path(werkmap) / "verklaringen.yaml"


def instellingen() -> dict[str, str]:
    werkmap = os.environ.get(WERKMAP, str(Path("werkmap").resolve()))
    return {
        "landing": os.environ.get(LANDING, str(Path("landing").resolve())),
        "werkmap": werkmap,
        "verklaringen": os.environ.get(VERKLARINGEN) or str(register_pad(werkmap)),
        "filters": os.environ.get(FILTERS, str(STANDAARD_FILTERS)),
    }


class WerkmapOnbruikbaar(Exception):
    """The werkmap cannot be created or written (a file by that name, a read-only disk): a bad argument."""


def maak_werkmap(werkmap: str | Path) -> Path:
    """The werkmap, created readable by its owner only (it holds person-level data); an existing one is left as is."""
    pad = Path(werkmap)
    try:
        pad.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as fout:
        raise WerkmapOnbruikbaar(f"werkmap {pad} is niet aan te maken: {fout.strerror or fout}") from None
    return pad

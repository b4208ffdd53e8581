"""Run ingestion and themes directly (without Dagster) on a small landing set, for fast unit tests.

The end-to-end tests go through Dagster; these exercise the same functions the assets call.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from assets.themas import kader, uitvoering
from assets.themas.register import THEMAS
from kern import opslag
from sources import levering
from sources.inlezen import lees_in
from sources.register import PER_BRON
from tests.bouwer import Landing

PARAMETERS = Path(__file__).resolve().parents[1] / "assets" / "themas" / "parameters.yaml"
SLEUTEL = b"test-sleutel"


def lever_alles(root: Path, leverdatum: str = "2026-10-01", gemeente_leverdatum: str = "2026-10-30",
                **bestanden) -> Landing:
    """One delivery of every source; files not given are header-only. The municipality delivers daily, so
    its delivery is fresh for peildatum 2026-10-31 (the freshness check allows 3 days)."""
    landing = Landing(root)
    per_bron = {b: {s.stam: bestanden[s.stam] for s in specs if s.stam in bestanden} for b, specs in PER_BRON.items()}
    for bron, files in per_bron.items():
        landing.levering(bron, gemeente_leverdatum if bron == "gemeente" else leverdatum, **files)
    return landing


def ingest(landing_root: Path, werkmap: Path, peildatum: date):
    """What the delivery and staged-table assets do, for every source: the connection afterwards."""
    con = opslag.verbind(werkmap)
    for bron, specs in PER_BRON.items():
        lev = levering.kies(landing_root, bron, peildatum)
        levering.bewaar(con, peildatum, lev)
        if lev.geaccepteerd:
            for spec in specs:
                lees_in(con, lev, spec)
    return con


def staged(landing_root: Path, werkmap: Path, peildatum: date):
    con = ingest(landing_root, werkmap, peildatum)
    uitvoering.populatie_tabel(con, peildatum, SLEUTEL)
    return con


def draai(con, thema_id: str, peildatum: date, parameters: dict | None = None):
    par = parameters or kader.laad_parameters(PARAMETERS)
    resultaat = uitvoering.voer_uit(con, THEMAS[thema_id], peildatum, par)
    signalen = con.sql("SELECT * FROM signalen WHERE peildatum = ? AND thema = ? AND soort = 'signaal' "
                       "ORDER BY dossier_id", params=[peildatum, thema_id]).pl() \
        if opslag.bestaat_tabel(con, "signalen") else pl.DataFrame()
    return resultaat, signalen

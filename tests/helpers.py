"""Ingest a small landing set through the real ingestion assets (dg.materialize), then run themes directly.

Ingestion is exactly what a run does (delivery verdicts, staged tables, quality checks); the theme tests then
call the theme runner the funnel assets call, so they can vary parameters per test.
"""
from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl

from assets.bronnen import BESTANDEN, LEVERINGEN
from assets.themas import kader, uitvoering
from assets.themas.register import THEMAS
from kern import opslag
from kern.omgeving import register_pad
from kern.resources import Werkomgeving
from sources import pseudoniem
from sources.register import PER_BRON
from tests.bouwer import Landing

PARAMETERS = Path(__file__).resolve().parents[1] / "assets" / "themas" / "parameters.yaml"


def lever_alles(root: Path, leverdatum: str = "2026-10-01", gemeente_leverdatum: str = "2026-10-30",
                **bestanden) -> Landing:
    """One delivery of every source; files not given are header-only. The municipality delivers daily, so
    its delivery is fresh for peildatum 2026-10-31 (the freshness check allows 3 days)."""
    landing = Landing(root)
    per_bron = {b: {s.stam: bestanden[s.stam] for s in specs if s.stam in bestanden} for b, specs in PER_BRON.items()}
    for bron, files in per_bron.items():
        landing.levering(bron, gemeente_leverdatum if bron == "gemeente" else leverdatum, **files)
    return landing


_GEINGEST: dict[str, Path] = {}  # landing digest -> a DuckDB file ingested from it in this test session
_CACHE: list[Path] = []  # the folder of those files: one per test process, removed when it exits


def _cachemap() -> Path:
    """The test process's folder for ingested copies (0700, as mkdtemp makes it: the copies hold pseudonyms and
    the key that made them), removed at exit — it used to stay behind, a folder per ingestion (13 GB of /tmp)."""
    if not _CACHE:
        _CACHE.append(Path(tempfile.mkdtemp(prefix="ingest-")))
        atexit.register(shutil.rmtree, _CACHE[0], ignore_errors=True)
    return _CACHE[0]


def _digest(landing_root: Path, peildatum: date) -> str:
    h = hashlib.sha256(peildatum.isoformat().encode())
    for pad in sorted(p for p in landing_root.rglob("*") if p.is_file()):
        h.update(str(pad.relative_to(landing_root)).encode() + b"\0" + pad.read_bytes())
    return h.hexdigest()


def ingest(landing_root: Path, werkmap: Path, peildatum: date):
    """Materialise the delivery and staged-table assets of every source for this peildatum (an ephemeral Dagster
    instance, as a run does it, with the data-quality checks inside each staged table's step): the connection
    to the werkmap's DuckDB afterwards.

    Ingestion is deterministic, so a landing set with the same bytes that was ingested before in this session
    is not ingested again: its DuckDB file is copied (the checks dominate the cost)."""
    sleutel = _digest(Path(landing_root), peildatum)
    doel = opslag.database_pad(werkmap)
    if sleutel in _GEINGEST and _GEINGEST[sleutel].is_file() and not doel.exists():
        doel.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_GEINGEST[sleutel], doel)
        # the copy's pseudonyms were made with that werkmap's key: it comes along (0600, as the werkmap's own)
        if (bron_sleutel := _GEINGEST[sleutel].with_name(pseudoniem.BESTAND)).is_file() and \
                not (werk_sleutel := Path(werkmap) / pseudoniem.BESTAND).exists():
            shutil.copyfile(bron_sleutel, werk_sleutel)
            werk_sleutel.chmod(0o600)
        return opslag.verbind(werkmap)
    werkomgeving = Werkomgeving(landing=str(landing_root), werkmap=str(werkmap),
                                verklaringen=str(register_pad(werkmap)), filters=str(PARAMETERS))
    resultaat = dg.materialize([*LEVERINGEN, *BESTANDEN], partition_key=peildatum.isoformat(),
                               resources={"werkomgeving": werkomgeving})
    assert resultaat.success
    kopie = Path(tempfile.mkdtemp(dir=_cachemap())) / opslag.DATABASE
    shutil.copyfile(doel, kopie)
    if (werk_sleutel := Path(werkmap) / pseudoniem.BESTAND).is_file():
        shutil.copyfile(werk_sleutel, kopie.with_name(pseudoniem.BESTAND))
        kopie.with_name(pseudoniem.BESTAND).chmod(0o600)
    _GEINGEST[sleutel] = kopie
    return opslag.verbind(werkmap)


def staged(landing_root: Path, werkmap: Path, peildatum: date):
    con = ingest(landing_root, werkmap, peildatum)
    uitvoering.populatie_tabel(con, peildatum)
    return con


def draai(con, thema_id: str, peildatum: date, parameters: dict | None = None):
    par = parameters or kader.laad_parameters(PARAMETERS)
    resultaat = uitvoering.voer_uit(con, THEMAS[thema_id], peildatum, par)
    signalen = con.sql("SELECT * FROM signalen WHERE peildatum = ? AND thema = ? AND soort = 'signaal' "
                       "ORDER BY dossier_id", params=[peildatum, thema_id]).pl() \
        if opslag.bestaat_tabel(con, "signalen") else pl.DataFrame()
    return resultaat, signalen

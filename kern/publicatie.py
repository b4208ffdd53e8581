"""Atomic publication of a peildatum's outputs: readers see the previous version or the new one, never half.

`output/<peildatum>` is a symlink to `output/.versies/<peildatum>/<versie>/`. A run writes into its own
version folder, which starts as a copy of the current publication, so that a partial re-materialisation
(only the release and the run report) carries the rest over, and a blocked theme's list is removed from
the copy. The run report writes `run.json` last and swaps the symlink in one `os.replace`. A killed run
leaves only an unpublished folder behind, removed at the next publication. Files are copied, not
hard-linked: writers (parquet, xlsx, Data Docs) rewrite files in place, which would change a hard-linked
file of the published version too.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

VERSIES = ".versies"
BEWAREN = 2  # version folders kept per peildatum: the published one and the one before it
RUN_JSON = "run.json"


def _p(peildatum: date | str) -> str:
    return peildatum.isoformat() if isinstance(peildatum, date) else str(peildatum)


def zichtbaar(werkmap: str | Path, peildatum: date | str) -> Path:
    """The path readers use (contract): `<werkmap>/output/<peildatum>`."""
    return Path(werkmap) / "output" / _p(peildatum)


def versiemap(werkmap: str | Path, peildatum: date | str) -> Path:
    return Path(werkmap) / "output" / VERSIES / _p(peildatum)


def huidige(werkmap: str | Path, peildatum: date | str) -> Path | None:
    """The folder now published for this peildatum (a legacy plain folder counts too), or None."""
    link = zichtbaar(werkmap, peildatum)
    if link.is_symlink():
        doel = link.resolve()
        return doel if doel.is_dir() else None
    return link if link.is_dir() else None


def werkversie(werkmap: str | Path, peildatum: date | str, versie: str) -> Path:
    """This run's version folder; created on first use as a copy of the current publication, minus run.json."""
    doel = versiemap(werkmap, peildatum) / _veilig(versie)
    if doel.is_dir():
        return doel
    doel.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = doel.parent / f".{doel.name}.in-aanmaak-{os.getpid()}"
    shutil.rmtree(tijdelijk, ignore_errors=True)
    bron = huidige(werkmap, peildatum)
    if bron is not None:
        shutil.copytree(bron, tijdelijk, symlinks=True)
        (tijdelijk / RUN_JSON).unlink(missing_ok=True)
    else:
        tijdelijk.mkdir()
    try:
        os.rename(tijdelijk, doel)
    except OSError:  # made meanwhile by the same run (another step): use that one
        shutil.rmtree(tijdelijk, ignore_errors=True)
    return doel


def bestanden(map_: Path) -> list[str]:
    return sorted(str(p.relative_to(map_)) for p in map_.rglob("*") if p.is_file())


def publiceer(werkmap: str | Path, peildatum: date | str, map_: Path, run: dict) -> dict:
    """Write run.json (naming what is published) into `map_` as its last file, then make `map_` visible."""
    werkmap = Path(werkmap)
    inhoud = {**run, "publicatie": {"versie": map_.name,
                                    "bestanden": [b for b in bestanden(map_) if b != RUN_JSON] + [RUN_JSON]}}
    schrijf_json(map_ / RUN_JSON, inhoud)
    _zet_zichtbaar(werkmap, peildatum, map_)
    ruim_op(werkmap, peildatum)
    return inhoud


def publiceer_run_json(werkmap: str | Path, peildatum: date | str, versie: str, bijwerken) -> dict:
    """Publish a new version that differs from the current one only in run.json (`bijwerken(oud) -> nieuw`),
    e.g. to record a failed run without showing any of its half-made outputs."""
    huidig = huidige(werkmap, peildatum)
    oud = lees_run_json(huidig) if huidig else {}
    map_ = versiemap(werkmap, peildatum) / _veilig(versie)
    shutil.rmtree(map_, ignore_errors=True)
    map_ = werkversie(werkmap, peildatum, versie)
    return publiceer(werkmap, peildatum, map_, bijwerken(oud))


def lees_run_json(map_: Path) -> dict:
    """The run.json of a version folder without its publication listing ({} when absent)."""
    pad = map_ / RUN_JSON
    run = json.loads(pad.read_text(encoding="utf-8")) if pad.is_file() else {}
    run.pop("publicatie", None)
    return run


def schrijf_json(pad: Path, inhoud: dict) -> None:
    pad.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = pad.with_name(pad.name + ".tmp")
    with open(tijdelijk, "w", encoding="utf-8") as f:
        f.write(json.dumps(inhoud, ensure_ascii=False, indent=2, default=str))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tijdelijk, pad)


def _zet_zichtbaar(werkmap: Path, peildatum: date | str, map_: Path) -> None:
    link = zichtbaar(werkmap, peildatum)
    if link.is_dir() and not link.is_symlink():  # a werkmap from before versioned publication
        os.rename(link, versiemap(werkmap, peildatum) / f"oud-{os.getpid()}")
    nieuw = link.parent / f".{link.name}.link-{os.getpid()}"
    nieuw.unlink(missing_ok=True)
    os.symlink(os.path.relpath(map_, link.parent), nieuw)
    _fsync_map(map_)
    os.replace(nieuw, link)
    _fsync_map(link.parent)


def ruim_op(werkmap: str | Path, peildatum: date | str, bewaren: int = BEWAREN) -> list[Path]:
    """Delete version folders beyond the newest `bewaren` (the published one always stays), and leftovers
    of killed runs. Only called under the werkmap lock, so no other run is writing a version."""
    huidig = huidige(werkmap, peildatum)
    map_ = versiemap(werkmap, peildatum)
    if not map_.is_dir():
        return []
    andere = sorted((d for d in map_.iterdir() if d.is_dir() and d != huidig),
                    key=lambda d: d.stat().st_mtime, reverse=True)
    # Never published (a killed or failed run: no run.json) or half made: gone; of the rest the newest stay.
    gepubliceerd = [d for d in andere if not d.name.startswith(".") and (d / RUN_JSON).is_file()]
    weg = [d for d in andere if d not in gepubliceerd] + gepubliceerd[max(bewaren - 1, 0):]
    for d in weg:
        shutil.rmtree(d, ignore_errors=True)
    return weg


def verwijder(werkmap: str | Path, peildatum: date | str) -> int:
    """Remove a peildatum's publication and all its versions (retention); returns the number of files."""
    link, map_ = zichtbaar(werkmap, peildatum), versiemap(werkmap, peildatum)
    n = len(bestanden(map_)) if map_.is_dir() else 0
    if link.is_symlink():
        link.unlink()
    elif link.is_dir():
        n += len(bestanden(link))
        shutil.rmtree(link)
    shutil.rmtree(map_, ignore_errors=True)
    return n


def _veilig(versie: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in versie) or "versie"


def _fsync_map(map_: Path) -> None:
    try:
        fd = os.open(map_, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

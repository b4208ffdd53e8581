"""The release gate: a theme's lists are written only when every gate passes.

Gates are plug-ins: each returns the reasons (one line each) why a theme may not be released for a
peildatum. Data quality and computation are here; pipelines/definitions.py adds the bias audit's gate.
"""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Callable

import polars as pl

from assets import excel
from assets.themas import uitvoering
from assets.themas.kader import Thema
from checks.kader import blokkerende_fouten
from kern import opslag

Poort = Callable[[object, date, Thema], list[str]]
VRIJGEGEVEN, GEBLOKKEERD = "vrijgegeven", "geblokkeerd"


def bronredenen(con, peildatum: date, bronnen: tuple[str, ...], tabellen: tuple[str, ...] | None = None
                ) -> list[str]:
    """Reasons why these sources may not be used: a rejected delivery, or a failed error-severity check of an
    accepted one (the checks of a rejected delivery all fail because of the rejection: one line says it). With
    `tabellen`, only checks of those staged tables count: the files a product reads."""
    rijen = dict(con.sql("SELECT bron, reden FROM run_bronnen WHERE peildatum = ? AND status <> 'geaccepteerd'",
                         params=[peildatum]).fetchall())
    return [f"bron {b}: {rijen[b]}" for b in bronnen if b in rijen] + blokkerende_fouten(
        con, peildatum, [b for b in bronnen if b not in rijen], None if tabellen is None else list(tabellen))


def bronpoort(con, peildatum: date, thema: Thema) -> list[str]:
    """Every source the theme needs has an accepted delivery and no failed error-severity check."""
    return bronredenen(con, peildatum, thema.bronnen)


def berekeningspoort(con, peildatum: date, thema: Thema) -> list[str]:
    uitkomst = uitvoering.laad_uitkomst(con, peildatum, thema.id)
    if uitkomst is None:
        return ["thema is voor deze peildatum niet berekend"]
    return [] if uitkomst.berekend else [f"thema niet berekend: {uitkomst.reden}"]


POORTEN: list[Poort] = [bronpoort, berekeningspoort]


def beoordeel(con, peildatum: date, thema: Thema, poorten: list[Poort]) -> list[str]:
    """Every gate's reasons, each cause once: a theme that could not be computed because a source it needs may
    not be used is blocked for that reason alone — the later gates ('thema niet berekend', the audit's 'geen
    trechter om te toetsen') would only restate it, a wall of lines for one cause on the data engineer's
    screen."""
    bronnen = bronpoort(con, peildatum, thema) if bronpoort in poorten else []
    if bronnen and berekeningspoort(con, peildatum, thema):
        return bronnen
    return [r for poort in poorten for r in (bronnen if poort is bronpoort else poort(con, peildatum, thema))]


def toelichting(thema: Thema, peildatum: date, uitkomst: uitvoering.Resultaat, parameters: dict) -> list[tuple]:
    regels = [("Thema", f"{thema.titel} ({thema.id})"), ("Doel", thema.doel), ("Regel", thema.regel_tekst(parameters)),
              ("Prioriteit", thema.prioriteit), ("Peildatum", peildatum), ("filter_versie", uitkomst.filter_versie),
              ("Parameters", json.dumps(parameters.get(thema.id), ensure_ascii=False, default=str)),
              ("Algemeen", json.dumps(parameters.get("algemeen"), ensure_ascii=False)),
              ("Bronvelden", ", ".join(thema.alle_velden))]
    regels += [(f"Stap {s['stap_nr']}: {s['stap']}", f"{s['aantal']} dossiers — {s['omschrijving']}")
               for s in uitkomst.stappen]
    regels += [("Kwetsbaar", "Dossiers met kwetsbaar = WAAR gaan naar de vaste contactpersoon, niet naar een "
                             "standaardonderzoek.")]
    regels += [("Let op", o) for o in uitkomst.opmerkingen]
    return regels


def publiceer(con, uitvoer: Path, peildatum: date, thema: Thema, parameters: dict) -> dict:
    """Write the released signal list and the control sample (BSN joined back only here)."""
    uitkomst = uitvoering.laad_uitkomst(con, peildatum, thema.id)
    lijst = uitvoering.signaallijst(con, peildatum, thema.id, "signaal")
    (uitvoer / "signalen").mkdir(parents=True, exist_ok=True)
    lijst.write_parquet(uitvoer / "signalen" / f"{thema.id}.parquet")
    excel.schrijf(uitvoer / "signalen" / f"{thema.id}.xlsx", lijst, "Signalen",
                  toelichting(thema, peildatum, uitkomst, parameters))
    return {"signalen": lijst.height, "steekproef": steekproef(con, uitvoer, peildatum, thema, uitkomst)}


def steekproef(con, uitvoer: Path, peildatum: date, thema: Thema, uitkomst) -> int:
    """The control sample goes out whenever the theme was computed, released or not (outputs.md gives the signal
    list alone the condition 'only written when the theme is released'): a random draw from the population is not
    shaped by the filter the gates judge, and it is what tells whether the theme finds more than chance. A theme
    not computed has no sample, and no earlier run's sample of this peildatum stays behind."""
    pad = uitvoer / "steekproef" / f"{thema.id}.parquet"
    if uitkomst is None or not uitkomst.berekend:
        _weg(pad)
        return 0
    sample = uitvoering.signaallijst(con, peildatum, thema.id, "steekproef")
    pad.parent.mkdir(parents=True, exist_ok=True)
    sample.write_parquet(pad)
    return sample.height


def trek_in(uitvoer: Path, thema: Thema) -> None:
    """A blocked theme leaves no signal list behind, also not one from an earlier run of this peildatum."""
    for pad in (uitvoer / "signalen" / f"{thema.id}.parquet", uitvoer / "signalen" / f"{thema.id}.xlsx"):
        _weg(pad)


def _weg(pad: Path) -> None:
    """A withdrawn file, and its folder once that is empty: the publication then looks as a fresh run's would."""
    pad.unlink(missing_ok=True)
    if pad.parent.is_dir() and not any(pad.parent.iterdir()):
        pad.parent.rmdir()


def bewaar(con, peildatum: date, thema: Thema, status: str, redenen: list[str], uitkomst) -> None:
    opslag.vervang(con, "vrijgaven", pl.DataFrame([{
        "peildatum": peildatum, "thema": thema.id, "status": status, "redenen": json.dumps(redenen, ensure_ascii=False),
        "signalen": uitkomst.signalen if uitkomst else 0, "steekproef": uitkomst.steekproef if uitkomst else 0,
        "filter_versie": uitkomst.filter_versie if uitkomst else "", "zaad": uitkomst.zaad if uitkomst else None,
        "opmerkingen": json.dumps(uitkomst.opmerkingen if uitkomst else [], ensure_ascii=False)}],
        schema_overrides={"zaad": pl.Int64}), {"peildatum": peildatum, "thema": thema.id})

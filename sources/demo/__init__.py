"""Synthetic deliveries of all five sources in the landing contract (`systeemanalyse demo-data`).

`genereer(uit, schaal, seed, peildatum)` writes, for a fictitious municipality (or the whole
country), deliveries of brp, ib, suwi, rdw and gemeente in the layout

    <uit>/<bron>/<leverdatum>/<bestand>.csv + manifest.json

exactly as ../shared/contracts/extracts.md describes, plus one earlier gemeente delivery
(peildatum minus one day) so that a volume check has something to compare with.

The package, by concern
-----------------------
* `bevolking`: addresses, households, dossiers, persons; `bevolkingsbestanden`: the BRP files and
  uitkeringen.csv made from them.
* `geplant`: how the planted cases are drawn (stratified systematic sampling among the active PW dossiers,
  so that the signals are not skewed by wijk, geboorteland or nationaliteit).
* One module per theme with its planted cases and their near misses (which must NOT give a signal):
  `vermogen_voertuigen`, `vermogen_bank`, `huisvesting_bezetting`, `huisvesting_kostendelers`; the
  income for the verrekening in `verrekening`; the feedback loop in `onderzoeken`.
* `rommel`: the messy cases as a table, each with the contract rule it exercises.
* `schrijvers`: the files and manifests; file names, columns and dialect come from the contract in
  `sources/` (`sources.register`, `sources.contract`).
* `blok`: one block as a list of named steps; `toestand`: the state they share; `hulp`: vectorised helpers.

Design
------
* Fully vectorised with numpy; polars only formats text and writes the CSV bytes. There is no
  Python loop per person or row, only over a handful of categories and over blocks.
* Persons are generated in blocks of at most 1,000,000 persons; every block is an independent
  "sub-municipality" (own addresses, households, dossiers) with its own random stream
  `default_rng([seed, blok])`. Blocks are appended to the open files, so memory stays bounded
  at national scale. Same arguments -> same bytes (tests/test_demo_digest.py).
* Planted cases and messy cases are counted in the summary that `genereer` returns (`geplant`, `rommel`).
* Empty field = unknown: every unknown value is written as an empty field (never `""`).
"""
from __future__ import annotations

import math
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sources.demo.bevolking import LAND_NEDERLAND, NATIONALITEIT_GROEP, _gemeenten
from sources.demo.blok import GEPLANT, maak_blok
from sources.demo.hulp import _dag
from sources.demo.onderzoeken import KANS_NIET_NALEVING, KANS_NIET_NALEVING_SIGNALEN, THEMAS
from sources.demo.schrijvers import BRONBESTANDEN, KOLOMMEN, _Levering
from sources.demo.toestand import _Ctx
from sources.demo.vermogen_bank import vermogensgrens

__all__ = ["genereer", "leverdata", "SCHALEN", "KOLOMMEN", "BRONBESTANDEN", "NATIONALITEIT_GROEP",
           "LAND_NEDERLAND", "GEPLANT", "THEMAS", "KANS_NIET_NALEVING", "KANS_NIET_NALEVING_SIGNALEN"]

SCHALEN = {"gemeente": 244_000, "g4": 1_000_000, "landelijk": 18_000_000}
DOSSIERS_PER_PERSOON = {"gemeente": 0.0385, "g4": 0.0385, "landelijk": 406_000 / 18_000_000}
BLOK = 1_000_000  # persons per block


def _blokken(n: int) -> list[int]:
    k = max(1, math.ceil(n / BLOK))
    basis = n // k
    return [basis + (1 if i < n - basis * k else 0) for i in range(k)]


def leverdata(peildatum: date) -> dict[str, date]:
    """The delivery date per source for a peildatum (all <= peildatum)."""
    ib = date(peildatum.year, 1, 15)
    if ib > peildatum:
        ib = date(peildatum.year - 1, 1, 15)
    return {"brp": peildatum - timedelta(days=3), "ib": ib, "suwi": peildatum - timedelta(days=5),
            "rdw": peildatum - timedelta(days=2), "gemeente": peildatum}


def genereer(uit: Path, schaal: str | int = "gemeente", seed: int = 20261031,
             peildatum: date = date(2026, 10, 31)) -> dict:
    """Write synthetic deliveries of all five sources under `uit`; return a summary.

    `schaal`: "gemeente" (~244,000 persons), "g4" (~1,000,000), "landelijk" (~18,000,000) or an int
    number of persons. Deterministic: the same arguments give the same bytes.
    """
    t0 = time.perf_counter()
    uit = Path(uit)
    if isinstance(schaal, str) and schaal.isdigit():
        schaal = int(schaal)
    if isinstance(schaal, (int, np.integer)) and not isinstance(schaal, bool):
        n = int(schaal)
        naam = "personen"
        fractie = DOSSIERS_PER_PERSOON["gemeente"]
    elif schaal in SCHALEN:
        n = SCHALEN[schaal]
        naam = schaal
        fractie = DOSSIERS_PER_PERSOON[schaal]
    else:
        raise ValueError(f"onbekende schaal {schaal!r}: kies gemeente, g4, landelijk of een aantal personen")
    if n < 500:
        raise ValueError("schaal moet minstens 500 personen zijn")
    if n > 30_000_000:
        raise ValueError("schaal hoogstens 30.000.000 personen")
    blokken = _blokken(n)
    lever = leverdata(peildatum)
    ib_jaar = lever["ib"].year
    ctx = _Ctx(seed=int(seed), peildatum=peildatum, P=_dag(peildatum), lever=lever, dossierfractie=fractie,
               vermogensgrens=vermogensgrens(peildatum.year), ib_jaar=ib_jaar,
               gemeenten=_gemeenten(naam, blokken, int(seed)),
               bsn_b=int(np.random.default_rng([int(seed), 424_242]).integers(0, 100_000_000)))
    leveringen = {bron: _Levering(uit, bron, lever[bron]) for bron in BRONBESTANDEN}
    vorige = _Levering(uit, "gemeente", peildatum - timedelta(days=1))
    for b, n_c in enumerate(blokken):
        res = maak_blok(ctx, b, n_c)
        for bron, namen in BRONBESTANDEN.items():
            for nm in namen:
                leveringen[bron].bestanden[nm].voeg_toe(res["nu"][nm])
        for nm, df in res["vorig"].items():
            vorige.bestanden[nm].voeg_toe(df)
        del res
    bestanden: dict[str, dict] = {}
    for lev in leveringen.values():
        bestanden.update(lev.sluit())
    bestanden.update(vorige.sluit())
    return {
        "schaal": naam if naam != "personen" else n,
        "personen": n,
        "seed": int(seed),
        "peildatum": peildatum.isoformat(),
        "leverdata": {k: v.isoformat() for k, v in lever.items()} | {
            "gemeente_vorige": (peildatum - timedelta(days=1)).isoformat()},
        "blokken": len(blokken),
        "bestanden": bestanden,
        "geplant": dict(ctx.geplant),
        "rommel": dict(ctx.rommel),
        "onderzoeken": dict(sorted(ctx.onderzoeken.items())),
        "seconden": round(time.perf_counter() - t0, 3),
    }

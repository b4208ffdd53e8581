"""Writers: one delivery per source in the landing layout `<uit>/<bron>/<leverdatum>/<bestand>.csv` plus its
`manifest.json`, exactly as ../shared/contracts/extracts.md describes.

Everything about the files comes from the contract in `sources/`: which files a source delivers and their
columns (`sources.register`), the CSV dialect (`sources.contract`); the messy layouts of a few files (BOM,
CRLF, column order, an extra column) from `sources.demo.rommel`. Files are written block by block and hashed
while writing, so a national-scale delivery never sits in memory.
"""
from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import polars as pl

from sources import contract
from sources.demo.bevolking import GEMEENTE
from sources.demo.rommel import BESTAND_MET_BOM, BESTAND_MET_CRLF, kolommen
from sources.register import PER_BRON

BOM = "\ufeff".encode(contract.CODERING)

# The order in which a manifest lists a source's files: the contract's, except brp, whose manifest has listed
# the address history before the addresses since the first generator (kept: same seed, same bytes).
_MANIFESTVOLGORDE = {"brp": ("personen.csv", "verblijfplaatsen.csv", "relaties.csv", "adressen.csv")}


def _bestandsnamen(bron: str) -> list[str]:
    namen = [b.naam for b in PER_BRON[bron]]
    volgorde = _MANIFESTVOLGORDE.get(bron)
    if volgorde is None:
        return namen
    assert sorted(volgorde) == sorted(namen), bron
    return list(volgorde)


# Per source, its files in manifest order (from the contract).
BRONBESTANDEN: dict[str, list[str]] = {bron: _bestandsnamen(bron) for bron in PER_BRON}
# Per (source, file), the contract's columns.
KOLOMMEN: dict[tuple[str, str], list[str]] = {(b.bron, b.naam): b.kolomnamen for b in
                                              (b for bestanden in PER_BRON.values() for b in bestanden)}


class _Bestand:
    """One CSV file, written in blocks, hashed while writing."""

    def __init__(self, pad: Path, kolommen: list[str], *, bom: bool = False, crlf: bool = False):
        self.pad = pad
        self.kolommen = kolommen
        self.eol = "\r\n" if crlf else "\n"
        self.h = hashlib.sha256()
        self.rijen = 0
        self.bytes = 0
        self.f = open(pad, "wb")
        kop = contract.SCHEIDINGSTEKEN.join(kolommen) + self.eol
        self._schrijf((BOM if bom else b"") + kop.encode(contract.CODERING))

    def _schrijf(self, b: bytes) -> None:
        self.f.write(b)
        self.h.update(b)
        self.bytes += len(b)

    def voeg_toe(self, df: pl.DataFrame) -> None:
        if df.height == 0:
            return
        buf = io.BytesIO()
        df.select(self.kolommen).write_csv(buf, include_header=False, separator=contract.SCHEIDINGSTEKEN,
                                           quote_char=contract.AANHALINGSTEKEN, line_terminator=self.eol,
                                           null_value=contract.LEEG)
        self._schrijf(buf.getvalue())
        self.rijen += df.height

    def sluit(self) -> dict:
        self.f.close()
        return {"naam": self.pad.name, "rijen": self.rijen, "sha256": self.h.hexdigest()}


class _Levering:
    """One delivery folder of one source: its files, then its manifest."""

    def __init__(self, uit: Path, bron: str, leverdatum: date, namen: list[str] | None = None):
        self.bron = bron
        self.leverdatum = leverdatum
        self.map = uit / bron / leverdatum.isoformat()
        self.map.mkdir(parents=True, exist_ok=True)
        self.bestanden: dict[str, _Bestand] = {}
        for naam in namen or BRONBESTANDEN[bron]:
            self.bestanden[naam] = _Bestand(self.map / naam, kolommen(bron, naam), bom=(bron, naam) == BESTAND_MET_BOM,
                                            crlf=(bron, naam) == BESTAND_MET_CRLF)

    def sluit(self) -> dict[str, dict]:
        items = [b.sluit() for b in self.bestanden.values()]
        manifest = {"bron": self.bron, "leverdatum": self.leverdatum.isoformat(), "gemeente": GEMEENTE,
                    "bestanden": items}
        (self.map / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding=contract.CODERING)
        return {f"{self.bron}/{self.leverdatum.isoformat()}/{b.pad.name}": {"rijen": b.rijen, "bytes": b.bytes}
                for b in self.bestanden.values()}

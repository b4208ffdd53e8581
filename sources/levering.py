"""Finding the delivery of a source for a peildatum and verifying it against its manifest.

A delivery is accepted or rejected whole: a missing manifest, a missing file, a row count or sha256
that differs, a file that is not UTF-8 or lacks a contract column rejects all of it, and a rejected
delivery is never silently replaced by an older one (contracts/extracts.md).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sources.register import PER_BRON

GEACCEPTEERD, AFGEWEZEN = "geaccepteerd", "afgewezen"
_DATUM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BLOK = 8 << 20


@dataclass
class Levering:
    """The delivery a run uses for one source, with the verdict on it."""

    bron: str
    leverdatum: date | None
    pad: Path | None
    status: str
    reden: str | None = None
    vorige_leverdatum: date | None = None
    bestanden: dict[str, dict] = field(default_factory=dict)  # naam -> {rijen, sha256, kolommen}
    waarschuwingen: list[str] = field(default_factory=list)

    @property
    def geaccepteerd(self) -> bool:
        return self.status == GEACCEPTEERD


class Afwijzing(Exception):
    """A delivery does not match its manifest or the contract; the message is the reason."""


def leverdata(landing: Path, bron: str) -> list[date]:
    """All delivery dates present for a source, oldest first; folders not named YYYY-MM-DD are ignored."""
    map_ = Path(landing) / bron
    if not map_.is_dir():
        return []
    data = []
    for p in map_.iterdir():
        if p.is_dir() and _DATUM.match(p.name):
            try:
                data.append(date.fromisoformat(p.name))
            except ValueError:
                continue
    return sorted(data)


def kies(landing: Path, bron: str, peildatum: date) -> Levering:
    """The newest delivery with leverdatum <= peildatum, verified; rejected with a reason if it fails."""
    kandidaten = [d for d in leverdata(landing, bron) if d <= peildatum]
    if not kandidaten:
        return Levering(bron, None, None, AFGEWEZEN,
                        f"geen levering van {bron} met leverdatum op of voor {peildatum.isoformat()} in {landing}")
    leverdatum = kandidaten[-1]
    pad = Path(landing) / bron / leverdatum.isoformat()
    levering = Levering(bron, leverdatum, pad, GEACCEPTEERD,
                        vorige_leverdatum=kandidaten[-2] if len(kandidaten) > 1 else None)
    try:
        levering.bestanden, levering.waarschuwingen = verifieer(pad, bron, leverdatum)
    except Afwijzing as fout:
        levering.status, levering.reden = AFGEWEZEN, f"levering {bron}/{leverdatum.isoformat()} afgewezen: {fout}"
    return levering


def lees_manifest(pad: Path) -> dict:
    manifest_pad = pad / "manifest.json"
    if not manifest_pad.is_file():
        raise Afwijzing("manifest.json ontbreekt")
    try:
        manifest = json.loads(manifest_pad.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as fout:
        raise Afwijzing(f"manifest.json is geen geldige JSON ({fout})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("bestanden"), list):
        raise Afwijzing("manifest.json mist de lijst 'bestanden'")
    return manifest


def verifieer(pad: Path, bron: str, leverdatum: date) -> tuple[dict[str, dict], list[str]]:
    """Check every contract file of the source against the manifest; returns per-file facts."""
    manifest = lees_manifest(pad)
    waarschuwingen: list[str] = []
    if manifest.get("bron") not in (None, bron):
        raise Afwijzing(f"manifest noemt bron {manifest.get('bron')!r}, map is {bron!r}")
    if manifest.get("leverdatum") not in (None, leverdatum.isoformat()):
        raise Afwijzing(f"manifest noemt leverdatum {manifest.get('leverdatum')!r}, map is {leverdatum.isoformat()}")
    opgegeven = {}
    for item in manifest["bestanden"]:
        if not isinstance(item, dict) or not {"naam", "rijen", "sha256"} <= item.keys():
            raise Afwijzing(f"manifest.json: onvolledige regel in 'bestanden': {item!r}")
        opgegeven[item["naam"]] = item
    feiten = {}
    for spec in PER_BRON[bron]:
        if spec.naam not in opgegeven:
            raise Afwijzing(f"{spec.naam} staat niet in manifest.json")
        bestand = pad / spec.naam
        if not bestand.is_file():
            raise Afwijzing(f"{spec.naam} ontbreekt")
        item = opgegeven[spec.naam]
        sha, regels, kop, quotes = _hash_en_tel(bestand)
        if sha != str(item["sha256"]).lower():
            raise Afwijzing(f"{spec.naam}: sha256 wijkt af van manifest (bestand gewijzigd of afgekapt)")
        kolommen = _kolommen(kop, spec.naam)
        ontbrekend = [k for k in spec.kolomnamen if k not in kolommen]
        if ontbrekend:
            raise Afwijzing(f"{spec.naam}: verplichte kolom(men) ontbreken: {', '.join(ontbrekend)}")
        if len(set(kolommen)) != len(kolommen):
            raise Afwijzing(f"{spec.naam}: kolomnaam komt dubbel voor in de kopregel")
        extra = [k for k in kolommen if k not in spec.kolomnamen]
        if extra:
            waarschuwingen.append(f"{spec.naam}: onbekende kolom(men) genegeerd: {', '.join(extra)}")
        # quoted fields may hold line ends: then only a CSV parse tells the number of data rows
        rijen = _tel_records(bestand, kolommen) if quotes else regels
        if rijen != item["rijen"]:
            raise Afwijzing(f"{spec.naam}: {rijen} rijen, manifest zegt {item['rijen']} (afgekapt of onvolledig?)")
        feiten[spec.naam] = {"rijen": rijen, "sha256": sha, "kolommen": kolommen, "extra": extra}
    for naam in opgegeven.keys() - feiten.keys():
        waarschuwingen.append(f"{naam}: staat in manifest maar hoort niet bij bron {bron}; genegeerd")
    return feiten, waarschuwingen


def _hash_en_tel(bestand: Path) -> tuple[str, int, str, bool]:
    """sha256, physical data lines (without header), the header line and whether any quote occurs;
    rejects non-UTF-8 bytes."""
    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    nieuwe_regels, laatste, kop, positie, quotes = 0, b"", None, 0, False
    with open(bestand, "rb") as f:
        while blok := f.read(_BLOK):
            h.update(blok)
            try:
                decoder.decode(blok)
            except UnicodeDecodeError as fout:
                raise Afwijzing(f"{bestand.name}: geen geldige UTF-8 (byte {positie + fout.start})") from None
            if kop is None:
                kop = blok.split(b"\n", 1)[0]
            nieuwe_regels += blok.count(b"\n")
            quotes = quotes or b'"' in blok
            laatste = blok[-1:]
            positie += len(blok)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Afwijzing(f"{bestand.name}: geen geldige UTF-8 (afgebroken teken aan het eind)") from None
    if positie == 0:
        raise Afwijzing(f"{bestand.name}: leeg bestand zonder kopregel")
    regels = nieuwe_regels + (1 if laatste != b"\n" else 0)
    return h.hexdigest(), regels - 1, (kop or b"").decode("utf-8"), quotes


def _kolommen(kop: str, naam: str) -> list[str]:
    kop = kop.lstrip("\ufeff").rstrip("\r")
    try:
        return next(csv.reader([kop], delimiter=";", quotechar='"'))
    except (csv.Error, StopIteration):
        raise Afwijzing(f"{naam}: kopregel onleesbaar") from None


def kolomtypes(kolommen: list[str]) -> str:
    """The `columns` option of read_csv: every delivered column as text, in header order."""
    return "{" + ", ".join("'" + k.replace("'", "''") + "': 'VARCHAR'" for k in kolommen) + "}"


def _tel_records(bestand: Path, kolommen: list[str]) -> int:
    """Records (not lines) when quoted fields hold line ends: delivered rows, parsable or not."""
    import duckdb

    con = duckdb.connect()
    try:
        goed = con.sql(f"SELECT count(*) FROM read_csv(?, {CSV_OPTIES}, columns={kolomtypes(kolommen)}, "
                       "store_rejects=true)", params=[str(bestand)]).fetchall()[0][0]
        fout = con.sql("SELECT count(DISTINCT line) FROM reject_errors").fetchall()[0][0]
        return goed + fout
    finally:
        con.close()


# The contract's CSV dialect, as DuckDB read_csv options; shared with sources/inlezen.py.
CSV_OPTIES = ("delim=';', quote='\"', escape='\"', header=true, all_varchar=true, auto_detect=false, "
              "encoding='utf-8', null_padding=false, strict_mode=true")


def bewaar(con, peildatum: date, levering: Levering) -> None:
    """Record which delivery the run for this peildatum uses, and the verdict on it."""
    import polars as pl

    from kern import opslag

    opslag.vervang(con, "run_bronnen", pl.DataFrame([{
        "peildatum": peildatum, "bron": levering.bron, "leverdatum": levering.leverdatum, "status": levering.status,
        "reden": levering.reden, "pad": str(levering.pad) if levering.pad else None,
        "vorige_leverdatum": levering.vorige_leverdatum, "feiten": json.dumps(levering.bestanden),
        "waarschuwingen": json.dumps(levering.waarschuwingen)}],
        schema_overrides={"leverdatum": pl.Date, "vorige_leverdatum": pl.Date, "reden": pl.Utf8, "pad": pl.Utf8}),
        {"peildatum": peildatum, "bron": levering.bron})


def laad(con, peildatum: date, bron: str) -> Levering:
    """The delivery (and verdict) recorded for this peildatum by the delivery asset."""
    rij = con.sql("SELECT leverdatum, pad, status, reden, vorige_leverdatum, feiten, waarschuwingen FROM run_bronnen "
                  "WHERE peildatum = ? AND bron = ?", params=[peildatum, bron]).fetchall()
    rij = rij[0] if rij else None
    if rij is None:
        return Levering(bron, None, None, AFGEWEZEN, f"levering van {bron} is voor {peildatum} niet beoordeeld")
    leverdatum, pad, status, reden, vorige, feiten, waarschuwingen = rij
    return Levering(bron, leverdatum, Path(pad) if pad else None, status, reden, vorige,
                    json.loads(feiten or "{}"), json.loads(waarschuwingen or "[]"))

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
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sources.register import PER_BRON

GEACCEPTEERD, AFGEWEZEN = "geaccepteerd", "afgewezen"
_DATUM = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
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
    return sorted(d for p in map_.iterdir() if p.is_dir() and (d := _leverdatum(p.name)))


def vreemde_namen(landing: Path, bron: str) -> list[str]:
    """What a source's folder holds besides its delivery folders (YYYY-MM-DD, a real date), hidden entries
    (.DS_Store) aside: a delivery put in a folder such as `20261030` or `2026-13-01` is no delivery, and
    must not go unnoticed while an older one is used."""
    map_ = Path(landing) / bron
    if not map_.is_dir():
        return []
    return sorted(p.name + ("/" if p.is_dir() else "") for p in map_.iterdir()
                  if not p.name.startswith(".") and not (p.is_dir() and _leverdatum(p.name)))


def _leverdatum(naam: str) -> date | None:
    try:
        return date.fromisoformat(naam) if _DATUM.match(naam) else None
    except ValueError:
        return None


def kies(landing: Path, bron: str, peildatum: date) -> Levering:
    """The newest delivery with leverdatum <= peildatum, verified; rejected with a reason if it fails. What the
    source's folder holds besides delivery folders is named in a warning (and in the reason when nothing is
    found)."""
    namen = vreemde_namen(landing, bron)
    vreemd = [f"{bron}/{n}: geen leveringsmap (naam is geen leverdatum JJJJ-MM-DD); genegeerd" for n in namen]
    kandidaten = [d for d in leverdata(landing, bron) if d <= peildatum]
    if not kandidaten:
        reden = f"geen levering van {bron} met leverdatum op of voor {peildatum.isoformat()} in {landing}"
        if namen:
            reden += f" (wel in {bron}/: {', '.join(namen)}; geen leverdatum JJJJ-MM-DD)"
        return Levering(bron, None, None, AFGEWEZEN, reden, waarschuwingen=vreemd)
    leverdatum = kandidaten[-1]
    pad = Path(landing) / bron / leverdatum.isoformat()
    levering = Levering(bron, leverdatum, pad, GEACCEPTEERD,
                        vorige_leverdatum=kandidaten[-2] if len(kandidaten) > 1 else None)
    try:
        levering.bestanden, levering.waarschuwingen = verifieer(pad, bron, leverdatum)
    except Afwijzing as fout:
        levering.status, levering.reden = AFGEWEZEN, f"levering {bron}/{leverdatum.isoformat()} afgewezen: {fout}"
    levering.waarschuwingen = vreemd + levering.waarschuwingen
    return levering


def lees_manifest(pad: Path) -> dict:
    manifest_pad = pad / "manifest.json"
    if not manifest_pad.is_file():
        raise Afwijzing("manifest.json ontbreekt")
    try:
        manifest = json.loads(manifest_pad.read_text(encoding="utf-8-sig"))  # a BOM, as a CSV file may have
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
        rijen = item["rijen"]
        if isinstance(rijen, bool) or not isinstance(rijen, (int, float)) or not float(rijen).is_integer() \
                or rijen < 0:  # a count: not "40", true, 2.5, NaN or Infinity (which json reads)
            raise Afwijzing(f"manifest.json: 'rijen' van {item['naam']} is geen aantal (geheel getal >= 0): {rijen!r}")
        opgegeven[item["naam"]] = item
    feiten = {}
    # The files' passes over their bytes run side by side (hashlib releases the GIL: with two cores the four BRP
    # files of landelijk take 12 s instead of 22 s); their verdicts are read in contract order as before, so a
    # delivery is rejected for the same first reason.
    te_lezen = [s.naam for s in PER_BRON[bron] if s.naam in opgegeven and (pad / s.naam).is_file()]
    lezers = ThreadPoolExecutor(max_workers=max(1, min(len(te_lezen), os.cpu_count() or 1, 4)))
    try:
        scans = {naam: lezers.submit(_hash_en_tel, pad / naam) for naam in te_lezen}
        for spec in PER_BRON[bron]:
            feiten[spec.naam] = _feiten(spec, pad, opgegeven, scans, waarschuwingen)
    finally:
        lezers.shutdown(wait=True, cancel_futures=True)  # a rejected delivery does not read its other files
    for naam in opgegeven.keys() - feiten.keys():
        waarschuwingen.append(f"{naam}: staat in manifest maar hoort niet bij bron {bron}; genegeerd")
    return feiten, waarschuwingen


def _feiten(spec, pad: Path, opgegeven: dict[str, dict], scans: dict, waarschuwingen: list[str]) -> dict:
    """One contract file checked against its manifest entry (its scan from `scans`): its facts, or Afwijzing."""
    if spec.naam not in opgegeven:
        raise Afwijzing(f"{spec.naam} staat niet in manifest.json")
    bestand = pad / spec.naam
    if spec.naam not in scans:  # not a file (verifieer scans every contract file that is one)
        raise Afwijzing(f"{spec.naam} ontbreekt")
    item = opgegeven[spec.naam]
    scan = scans[spec.naam].result()
    if scan.sha256 != str(item["sha256"]).lower():
        raise Afwijzing(f"{spec.naam}: sha256 wijkt af van manifest (bestand gewijzigd of afgekapt)")
    try:
        kolommen = _kolommen(scan.kop, spec.naam)
    except Afwijzing:
        if scan.regeleinde_fout == 1:  # a file with CR line ends only: its header runs to the end of the block
            raise _losse_cr(spec.naam, 1) from None
        raise
    ontbrekend = [k for k in spec.kolomnamen if k not in kolommen]
    if ontbrekend:
        # names are matched exactly (extracts.md); a near miss in the header is named, so the supplier sees why
        bijna = [f"'{h}'" for k in ontbrekend for h in kolommen if h != k and h.strip().lower() == k.lower()]
        raise Afwijzing(f"{spec.naam}: verplichte kolom(men) ontbreken: {', '.join(ontbrekend)}"
                        + (f" (de kopregel heeft {', '.join(bijna)}: kolomnamen moeten exact overeenkomen, "
                           "hoofdletters en spaties tellen mee)" if bijna else ""))
    # a contract column twice is ambiguous; an unknown one twice (or a nameless one from a `;` at the end of
    # every line) is ignored like any unknown column
    dubbel = [k for k in spec.kolomnamen if kolommen.count(k) > 1]
    if dubbel:
        raise Afwijzing(f"{spec.naam}: kolomnaam komt dubbel voor in de kopregel: {', '.join(dubbel)}")
    extra = [k for k in kolommen if k not in spec.kolomnamen]
    if extra:
        waarschuwingen.append(f"{spec.naam}: onbekende kolom(men) genegeerd: "
                              + ", ".join(k or "(zonder naam)" for k in extra))
    rijen, lege, vervolg, normaliseren = _records(bestand, spec.naam, kolommen, scan)
    if rijen != item["rijen"]:
        telling = f"{rijen} rijen" + (f" (lege regels niet meegeteld: {scan.lege_aantal})" if scan.lege_aantal else "")
        raise Afwijzing(f"{spec.naam}: {telling}, manifest zegt {item['rijen']} (afgekapt of onvolledig?)"
                        + (_open_veld(bestand) if scan.quotes else ""))
    feiten = {"rijen": rijen, "sha256": scan.sha256, "kolommen": kolommen, "extra": extra, "lege_regels": lege}
    if lege is None:  # lines that could not be told apart (_vervolgregels): line numbers count records
        feiten["lege_regels"] = []
    elif scan.lege_aantal > len(scan.lege_regels):  # more than MAX_LEGE: the reader finds them all again
        feiten["lege_regels"], feiten["lege_regels_afgekapt"] = lege[:MAX_LEGE], True
    if vervolg:
        feiten["vervolgregels"] = vervolg
    if normaliseren:
        feiten["regeleinden"] = GEMENGD
    return feiten


@dataclass
class _Scan:
    """What one pass over a file's bytes tells, before any CSV parse."""

    sha256: str
    regels: int  # physical data lines (without the header)
    kop: str
    quotes: bool  # a quote occurs: only a CSV parse tells the records
    regeleinde_fout: int | None  # first line with a lone CR (no line end in the contract's dialect)
    lege_regels: list[int]  # line numbers (header = 1) of blank lines, up to MAX_LEGE
    lege_aantal: int
    gemengd: bool = False  # both \n and \r\n occur (extracts.md: messy, valid); read through a normalised copy


MAX_KOP = 8 << 20  # bytes of the header line kept (a longer one is no header of this contract)
MAX_LEGE = 10_000  # blank lines whose line number the facts keep; beyond, the reader finds them (alle_lege_regels)
_LEEG = re.compile(rb"\n(?=(\r?\n))")  # the line end before a blank line
_LOSSE_CR = re.compile(rb"\r(?!\n)")


def _hash_en_tel(bestand: Path) -> _Scan:
    """sha256, physical data lines, the header, quotes, line-end style and blank lines, in one pass over the bytes;
    rejects non-UTF-8 bytes."""
    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    nieuwe_regels, staart, positie, quotes = 0, b"", 0, False
    kop = b""  # the file's first bytes up to the header's line end (a header can be longer than a block)
    cr = crlf = 0
    fout_regel: int | None = None
    lege: list[int] = []
    lege_aantal = 0

    def regel_na(venster: bytes, x: int) -> int:
        """Line number (header = 1) of the line after the line end at window position x."""
        if x < len(staart):
            return nieuwe_regels - staart[x + 1:].count(b"\n") + 1
        return nieuwe_regels + venster.count(b"\n", len(staart), x + 1) + 1

    with open(bestand, "rb") as f:
        while blok := f.read(_BLOK):
            h.update(blok)
            half = decoder.getstate()[0]  # the start of a character the previous block ended in
            try:
                if half or not blok.isascii():  # ASCII is UTF-8, and ~3x cheaper to check
                    decoder.decode(blok)
            except UnicodeDecodeError as fout:  # the position counts from the half character, if any
                regel = nieuwe_regels + blok.count(b"\n", 0, max(fout.start - len(half), 0)) + 1
                raise Afwijzing(f"{bestand.name}: regel {regel}: geen geldige UTF-8 "
                                f"(byte {positie - len(half) + fout.start})") from None
            if b"\n" not in kop and len(kop) < MAX_KOP:
                kop += blok[:MAX_KOP - len(kop)]
            venster = staart + blok  # the last two bytes before: patterns across the block boundary
            cr_hier = b"\r" in venster
            cr += blok.count(b"\r") if cr_hier else 0
            crlf += venster.count(b"\r\n", max(len(staart) - 1, 0)) if cr_hier else 0
            # a blank line is "\n\n" or "\n\r\n": without either (the usual block) no search for them
            leeg_hier = b"\n\n" in venster or (cr_hier and b"\n\r\n" in venster)
            for m in (_LEEG.finditer(venster) if leeg_hier else ()):
                if m.end(1) <= len(staart):  # seen in the previous window
                    continue
                lege_aantal += 1
                if len(lege) < MAX_LEGE:
                    lege.append(regel_na(venster, m.start()))
            # a CR not followed by LF (cr - crlf: the lone CRs so far, plus a CR ending the block, whose LF may start
            # the next one); searched for only when there is one, so a CRLF file costs no search
            if fout_regel is None and cr - crlf > blok.endswith(b"\r") \
                    and (m := _LOSSE_CR.search(venster, max(len(staart) - 1, 0))):
                fout_regel = regel_na(venster, m.start())
            nieuwe_regels += blok.count(b"\n")
            quotes = quotes or b'"' in blok
            staart = venster[-2:]
            positie += len(blok)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Afwijzing(f"{bestand.name}: geen geldige UTF-8 (afgebroken teken aan het eind)") from None
    if positie == 0:
        raise Afwijzing(f"{bestand.name}: leeg bestand zonder kopregel")
    if fout_regel is None and cr != crlf:  # a lone CR as the very last byte
        fout_regel = nieuwe_regels + 1
    regels = nieuwe_regels + (1 if not staart.endswith(b"\n") else 0)
    # (a header cut at MAX_KOP may end inside a character: replaced, the header is unusable anyway)
    return _Scan(h.hexdigest(), regels - 1, kop.split(b"\n", 1)[0].decode("utf-8", errors="replace"), quotes,
                 fout_regel, lege, lege_aantal, gemengd=0 < crlf < nieuwe_regels)


def alle_lege_regels(bestand: Path) -> "np.ndarray":
    """The line numbers (header = 1) of every blank line of a file — empty, or only the CR of its CRLF — in one
    vectorised pass over its bytes: for a file with more of them than its facts keep (MAX_LEGE; a double-spaced
    export has one after every row), so that every record still gets the line it is on. The LF with index i (from
    0) ends line i + 1; that line is blank when the previous LF is right before it, or two bytes before with a CR
    between them."""
    import numpy as np

    delen, vorige, lfs, positie, laatste = [], -1, 0, 0, -1
    with open(bestand, "rb") as f:
        while blok := f.read(_BLOK):
            b = np.frombuffer(blok, dtype=np.uint8)
            lf = np.flatnonzero(b == 10)
            if lf.size:
                eind = lf.astype(np.int64) + positie
                lengte = np.diff(eind, prepend=vorige) - 1
                voor = b[np.maximum(lf - 1, 0)].astype(np.int16)
                if lf[0] == 0:
                    voor[0] = laatste  # the byte before this LF ended the previous block
                regel = np.arange(lfs + 1, lfs + 1 + lf.size, dtype=np.int64)
                delen.append(regel[((lengte == 0) | ((lengte == 1) & (voor == 13))) & (regel >= 2)])
                vorige, lfs = int(eind[-1]), lfs + lf.size
            laatste, positie = int(b[-1]), positie + len(blok)
    return np.concatenate(delen) if delen else np.zeros(0, dtype=np.int64)


def _records(bestand: Path, naam: str, kolommen: list[str],
             scan: _Scan) -> tuple[int, list[int] | None, list[int], bool]:
    """The delivered records, the line numbers of blank lines and of continuation lines (`_vervolgregels`), and
    whether the reader must read the file through a copy with one line end (`leesbaar`). A blank line holds no
    field at all (a record of empty fields still has its delimiters): it is no data row, and the reader skips it
    too. Without quotes a record is a line; quoted fields may hold line ends, so then only a CSV parse (the
    reader's own) tells the records.

    Both \n and \r\n in one file are the contract's own messy case: DuckDB's strict reader takes one line end per
    file, so such a file is read with every \r\n as \n (line numbers unchanged). When quotes occur, the file is
    first read as delivered (\r\n only inside quoted fields is read as it is, value for value)."""
    if not scan.quotes:
        if scan.regeleinde_fout is not None:
            raise _losse_cr(naam, scan.regeleinde_fout)
        return scan.regels - scan.lege_aantal, scan.lege_regels, [], scan.gemengd
    normaliseren = False
    try:
        rijen = _tel_records(bestand, kolommen)
    except duckdb_fout() as fout:
        if not scan.gemengd:
            raise _onleesbaar(naam, scan, fout) from None
        try:
            with leesbaar(bestand) as kopie:
                rijen = _tel_records(kopie, kolommen)
        except duckdb_fout() as fout:
            raise _onleesbaar(naam, scan, fout) from None
        normaliseren = True
    # without multi-line fields the records are the non-blank lines, and the blank lines' numbers are exact
    if rijen == scan.regels - scan.lege_aantal:
        return rijen, scan.lege_regels, [], normaliseren
    lege, vervolg = _vervolgregels(bestand, scan, rijen) or (None, [])  # None: line numbers count records
    return rijen, lege, vervolg, normaliseren


MAX_VERVOLG = 100_000  # continuation lines whose line number is kept (beyond: line numbers count records)


def _binnen_quotes(bestand: Path) -> tuple["np.ndarray", int]:
    """Per line end of the file whether it lies inside a quoted field (an odd number of quotes before it; a quote
    inside a field is doubled and does not change that), and the number of quotes in the file."""
    import numpy as np

    binnen, quotes = [], 0
    with open(bestand, "rb") as f:
        while blok := f.read(_BLOK):
            bytes_ = np.frombuffer(blok, dtype=np.uint8)
            voor = np.cumsum(bytes_ == ord('"'), dtype=np.int64)  # quotes up to each byte of the block
            binnen.append((voor[bytes_ == ord("\n")] + quotes) % 2 == 1)
            quotes += int(voor[-1])
    return (np.concatenate(binnen) if binnen else np.zeros(0, dtype=bool)), quotes


def _open_veld(bestand: Path) -> str:
    """For a file with fewer records than its manifest and quotes in it: where a quoted field first runs on over a
    line end (a stray quote makes the rest of the file, or up to the next quote, one field), or "" when none does."""
    import numpy as np

    binnen, quotes = _binnen_quotes(bestand)
    if not binnen.any():
        return ""
    regel = int(np.flatnonzero(binnen)[0]) + 1  # the line whose end lies inside the field it opened
    tot = " tot het eind van het bestand" if quotes % 2 else ""
    return (f"; vanaf regel {regel} loopt een veld tussen aanhalingstekens door over de regeleinden{tot}: staat "
            'daar een " die niet gesloten wordt?')


def _vervolgregels(bestand: Path, scan: _Scan, rijen: int) -> tuple[list[int], list[int]] | None:
    """For a file whose quoted fields hold line ends: its blank lines outside quotes and the lines that begin
    inside a quoted field (a record's continuation lines), so that every record keeps the line it begins on.
    A line end is inside a quoted field when an odd number of quotes precedes it (a quote inside a field is
    doubled and does not change that). None when this does not add up to the records the CSV reader counted
    (an unterminated quote), or when there are too many to keep: line numbers then count records."""
    import numpy as np

    binnen, quotes = _binnen_quotes(bestand)
    # line end i (from 0) ends line i + 1 (the header is line 1): the line after it begins inside quotes
    vervolg = (np.flatnonzero(binnen) + 2).tolist()
    # a blank line inside a quoted field belongs to it; past MAX_LEGE the scan did not keep them all
    alle = alle_lege_regels(bestand) if scan.lege_aantal > len(scan.lege_regels) else scan.lege_regels
    lege = np.setdiff1d(np.asarray(alle, dtype=np.int64), np.asarray(vervolg, dtype=np.int64)).tolist()
    if quotes % 2 or len(vervolg) > MAX_VERVOLG or scan.regels - len(vervolg) - len(lege) != rijen:
        return None
    return lege, vervolg


def fysiek(regels: list[int], feiten: dict) -> list[int]:
    """The CSV reader's line numbers (a record that spans lines counts as one) as the lines of the file itself:
    line L comes after every continuation line v_j (sorted, j from 1) with v_j - j < L."""
    import numpy as np

    vervolg = np.asarray(feiten.get("vervolgregels", []), dtype=np.int64)
    if not vervolg.size:
        return regels
    drempel = vervolg - np.arange(1, vervolg.size + 1)
    lijn = np.asarray(regels, dtype=np.int64)
    return (lijn + np.searchsorted(drempel, lijn, side="left")).tolist()


def _losse_cr(naam: str, regel: int) -> Afwijzing:
    return Afwijzing(f"{naam}: regel {regel}: losse CR; het contract kent als regeleinde alleen \\n en \\r\\n "
                     "(een CR in een veld moet tussen \"\")")


def _onleesbaar(naam: str, scan: _Scan, fout: Exception) -> Afwijzing:
    plek = f" (vermoedelijk bij regel {scan.regeleinde_fout})" if scan.regeleinde_fout is not None else ""
    return Afwijzing(f"{naam}: niet leesbaar als CSV volgens het contract{plek}: {str(fout).splitlines()[0]}")


GEMENGD = "gemengd"  # feiten["regeleinden"] of a file read through a copy with one line end


@contextmanager
def leesbaar(bestand: Path, feiten: dict | None = None):
    """The path to read a delivered file from: the file itself, or — for a file with both \n and \r\n line ends
    (`feiten["regeleinden"] == GEMENGD`; always when no facts are given) — a copy with every \r\n as \n, in a
    private temporary folder (0700: the file holds BSNs), removed afterwards. Lines and their numbers stay those
    of the delivered file."""
    if feiten is not None and feiten.get("regeleinden") != GEMENGD:
        yield bestand
        return
    map_ = Path(tempfile.mkdtemp(prefix="systeemanalyse-regeleinden-"))
    try:
        kopie = map_ / bestand.name
        with open(bestand, "rb") as f, open(kopie, "wb") as uit:
            rest = b""
            while blok := f.read(_BLOK):
                blok, rest = rest + blok, b""
                if blok.endswith(b"\r"):  # its LF may start the next block
                    blok, rest = blok[:-1], b"\r"
                uit.write(blok.replace(b"\r\n", b"\n"))
            uit.write(rest)
        yield kopie
    finally:
        shutil.rmtree(map_, ignore_errors=True)


def duckdb_fout() -> type[Exception]:
    import duckdb

    return duckdb.Error


def _kolommen(kop: str, naam: str) -> list[str]:
    kop = kop.lstrip("\ufeff").rstrip("\r")
    try:
        return next(csv.reader([kop], delimiter=";", quotechar='"'))
    except (csv.Error, StopIteration):
        raise Afwijzing(f"{naam}: kopregel onleesbaar") from None


def kolomtypes(kolommen: list[str]) -> str:
    """The `columns` option of read_csv: every delivered column as text, in header order. A column without a
    name or with the name of an earlier one (never a contract column: `_feiten` rejects that) is read under a
    name of its position, `_kolom_<n>`: DuckDB needs one distinct, non-empty name per column."""
    namen = [k if k and k not in kolommen[:i] else f"_kolom_{i + 1}" for i, k in enumerate(kolommen)]
    return "{" + ", ".join("'" + k.replace("'", "''") + "': 'VARCHAR'" for k in namen) + "}"


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

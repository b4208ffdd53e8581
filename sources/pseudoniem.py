"""Keyed pseudonyms (HMAC-SHA256) for persons: from ingestion on, every staged table keys persons by pseudonym.

The key comes from the environment: SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL (the key itself), or
SYSTEEMANALYSE_PSEUDONIEM_SLEUTELBESTAND (a key file outside the werkmap, readable by its owner only). Without
either, the first run creates `pseudoniem.key` in the werkmap, owner-only. A key file that group or others may
read is refused: whoever holds the key can test any BSN against the pseudonyms.

The BSN itself stays at rest only for the applicants and partners of the municipality's own dossiers (table
`klant_bsn`, for released lists and `inzage`) and in quarantined raw values (subject to retention).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

import polars as pl

from kern import opslag
from kern.omgeving import SLEUTEL, SLEUTELBESTAND, maak_werkmap

BESTAND = "pseudoniem.key"
LENGTE = 32  # hex characters of a pseudonym (128 bits)
MACRO = "pseudoniem"  # the connection's temporary SQL macro: pseudoniem(bsn text) -> pseudonym
KLANTEN = "klant_bsn"  # pseudonym -> BSN of the applicants and partners of the municipality's own dossiers
# staged table -> its BSN columns whose persons are the municipality's own clients (kept in KLANTEN)
KLANTKOLOMMEN = {"gemeente_uitkeringen": ("bsn", "partner_bsn")}


class SleutelFout(Exception):
    """The pseudonymisation key cannot be used; the message says why and what to do."""


def _lees_sleutelbestand(pad: Path) -> bytes:
    try:
        modus = stat.S_IMODE(pad.stat().st_mode)
    except OSError as fout:
        raise SleutelFout(f"pseudoniemsleutel {pad} niet leesbaar: {fout.strerror}") from None
    if modus & 0o077:
        raise SleutelFout(f"pseudoniemsleutel {pad} is leesbaar voor anderen (rechten {modus:04o}); "
                          f"alleen de eigenaar mag hem lezen: chmod 600 {pad}")
    waarde = pad.read_text(encoding="utf-8").strip()
    if not waarde:
        raise SleutelFout(f"pseudoniemsleutel {pad} is leeg")
    return waarde.encode("utf-8")


def sleutel(werkmap: str | Path) -> bytes:
    """The key in force for this werkmap (see the module's docstring for where it comes from)."""
    if waarde := os.environ.get(SLEUTEL):
        return waarde.encode("utf-8")
    if bestand := os.environ.get(SLEUTELBESTAND):
        return _lees_sleutelbestand(Path(bestand))
    pad = Path(werkmap) / BESTAND
    if not pad.exists():
        maak_werkmap(pad.parent)
        try:
            fd = os.open(pad, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now
            return _lees_sleutelbestand(pad)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return _lees_sleutelbestand(pad)


def pseudoniemen(bsns: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 per BSN (hex, 32 chars); null stays null. The same values as the SQL macro (`maak_macro`)."""
    uniek = bsns.drop_nulls().unique()
    tabel = pl.DataFrame({"bsn": uniek, "ph": [hmac.new(key, b.encode(), hashlib.sha256).hexdigest()[:LENGTE]
                                                for b in uniek.to_list()]})
    return bsns.to_frame("bsn").join(tabel, on="bsn", how="left", maintain_order="left")["ph"]


def pseudoniem(bsn: str, key: bytes) -> str:
    return hmac.new(key, bsn.encode("utf-8"), hashlib.sha256).hexdigest()[:LENGTE]


def kenmerk(key: bytes) -> str:
    """A short fingerprint of the key (not reversible to it): staged tables record which key made them."""
    return hmac.new(key, b"systeemanalyse-sleutelkenmerk", hashlib.sha256).hexdigest()[:8]


def maak_macro(con, key: bytes) -> None:
    """Define `pseudoniem(x)` on this connection: HMAC-SHA256 computed set-wise inside DuckDB,
    sha256(opad || sha256(ipad || x)) with the key padded to the 64-byte block (RFC 2104). A temporary macro:
    the key material is never written to the database file."""
    blok = hashlib.sha256(key).digest() if len(key) > 64 else key
    blok = blok.ljust(64, b"\0")
    ipad, opad = bytes(b ^ 0x36 for b in blok).hex(), bytes(b ^ 0x5c for b in blok).hex()
    con.execute(f"CREATE OR REPLACE TEMP MACRO {MACRO}(x) AS substr(sha256(unhex('{opad}') || "
                f"unhex(sha256(unhex('{ipad}') || encode(x)))), 1, {LENGTE})")
    # a keyed hash of a row's content (incremental validation), the secret first: an unkeyed hash of a row holding
    # a BSN could be reversed by trying every BSN, and without the secret nobody can make two rows collide (a
    # delivered row taking over another row's verdict). One hash over secret and content: a quarter less CPU than
    # keying an unkeyed hash of the content afterwards (30 M rows: 14 instead of 19 CPU-s)
    zout = hmac.new(key, b"systeemanalyse-rijinhoud", hashlib.sha256).hexdigest()
    con.execute(f"CREATE OR REPLACE TEMP MACRO {MACRO}_inhoud(t) AS md5_number('{zout}' || t)")


def werkmap_van(con) -> Path:
    """The werkmap of a connection's database file."""
    return opslag.database_van(con).parent

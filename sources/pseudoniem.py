"""Keyed pseudonyms (HMAC-SHA256) for persons in analysis tables; the BSN stays out of them.

The key comes from the environment (SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL, hex or text); without it the
first run creates `pseudoniem.key` in the werkmap, readable by its owner only.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import polars as pl

from kern.omgeving import SLEUTEL

BESTAND = "pseudoniem.key"


def sleutel(werkmap: str | Path) -> bytes:
    if waarde := os.environ.get(SLEUTEL):
        return waarde.encode("utf-8")
    pad = Path(werkmap) / BESTAND
    if not pad.exists():
        pad.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(pad, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return pad.read_text().strip().encode("utf-8")


def pseudoniemen(bsns: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 per BSN (hex, 32 chars); null stays null.

    A Python-level map: HMAC has no vectorised equivalent in Polars or DuckDB; it runs once per
    distinct person in the population (~0.5 M nationally, ~1 s), never per source row.
    """
    uniek = bsns.drop_nulls().unique()
    tabel = pl.DataFrame({"bsn": uniek, "ph": [hmac.new(key, b.encode(), hashlib.sha256).hexdigest()[:32]
                                                for b in uniek.to_list()]})
    return bsns.to_frame("bsn").join(tabel, on="bsn", how="left", maintain_order="left")["ph"]

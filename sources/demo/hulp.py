"""Vectorised helpers shared by the generator's steps: day numbers and calendar dates, text columns, BSNs,
segments. Underscored names are internal to the package `sources.demo`."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

# --------------------------------------------------------------------------------------------
# Date helpers (days since 1970-01-01, vectorised)
# --------------------------------------------------------------------------------------------

EPOCH = date(1970, 1, 1)
GEEN = -(10**9)  # "no date" in day-number arrays (day numbers themselves may be negative: before 1970)


def _dag(d: date) -> int:
    return (d - EPOCH).days


def _ymd(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Civil date from days since epoch (H. Hinnant's algorithm)."""
    z = np.asarray(z, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


def _dagen(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    d = np.asarray(d, dtype=np.int64)
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(m > 2, m - 3, m + 9)
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _maanden_terug(d: date, maanden: int) -> date:
    """The same day `maanden` months earlier (the month's last day when that day does not exist)."""
    j, m = divmod(d.year * 12 + d.month - 1 - maanden, 12)
    return date(j, m + 1, min(d.day, [31, 29 if j % 4 == 0 and (j % 100 != 0 or j % 400 == 0) else 28, 31, 30, 31,
                                       30, 31, 31, 30, 31, 30, 31][m]))


def _maand_index(z: np.ndarray) -> np.ndarray:
    y, m, _ = _ymd(z)
    return y * 12 + (m - 1)


def _maand_start(mi: np.ndarray) -> np.ndarray:
    mi = np.asarray(mi, dtype=np.int64)
    return _dagen(mi // 12, mi % 12 + 1, np.ones_like(mi))


def _jaren_terug(z: np.ndarray, jaren: int | np.ndarray) -> np.ndarray:
    """The same calendar day `jaren` years earlier (29 Feb -> 28 Feb)."""
    y, m, d = _ymd(z)
    y2 = y - jaren
    d = np.where((m == 2) & (d == 29), 28, d)
    return _dagen(y2, m, d)


# --------------------------------------------------------------------------------------------
# Text helpers (polars, vectorised)
# --------------------------------------------------------------------------------------------

def _leeg(s: pl.Series, masker: np.ndarray) -> pl.Series:
    """Set the masked positions to null (= empty field)."""
    if not masker.any():
        return s
    return pl.select(pl.when(pl.Series(masker)).then(None).otherwise(s).alias(s.name)).to_series()


def _iso(dagen: np.ndarray, leeg: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(dagen, dtype=np.int32)).cast(pl.Date).cast(pl.String)
    return _leeg(s, leeg) if leeg is not None else s


def _gba_int(dagen: np.ndarray) -> np.ndarray:
    y, m, d = _ymd(dagen)
    return y * 10000 + m * 100 + d


def _gba(waarden: np.ndarray, leeg: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(waarden, dtype=np.int64)).cast(pl.String).str.zfill(8)
    return _leeg(s, leeg) if leeg is not None else s


def _bsn_tekst(bsn: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(bsn, dtype=np.int64)).cast(pl.String).str.zfill(9)


def _code(prefix: str, nummers: np.ndarray, breedte: int) -> pl.Series:
    return prefix + pl.Series(np.asarray(nummers, dtype=np.int64)).cast(pl.String).str.zfill(breedte)


def _kies(waarden: list[str], idx: np.ndarray) -> pl.Series:
    """Strings by index (categorical lookup)."""
    return pl.Series(waarden, dtype=pl.String).gather(pl.Series(np.asarray(idx, dtype=np.int64)))


# --------------------------------------------------------------------------------------------
# BSN
# --------------------------------------------------------------------------------------------

_BSN_A = 48_271_237  # coprime with 10: k -> (A k + B) mod 10^8 is a bijection
KANDIDATEN_PER_BLOK = 1_200_000
EXTERN_BASIS = 40_000_000
EXTERN_PER_BLOK = 1_500_000


def _bsns(k0: int, k1: int, b: int) -> np.ndarray:
    """All valid BSNs (as int) for candidate numbers k0..k1-1, in candidate order.

    The 8-digit prefix p = (A k + B) mod 10^8 is a bijection, so BSNs from disjoint candidate
    ranges never collide. The check digit makes the weighted sum divisible by 11; prefixes whose
    check digit would be 10 are skipped.
    """
    k = np.arange(k0, k1, dtype=np.int64)
    p = (k * _BSN_A + b) % 100_000_000
    q = p.copy()
    s = np.zeros_like(p)
    for gewicht in range(2, 10):
        s += (q % 10) * gewicht
        q //= 10
    d9 = s % 11
    ok = (d9 != 10) & (p != 0)
    return (p * 10 + d9)[ok]


# --------------------------------------------------------------------------------------------
# Generic vectorised helpers
# --------------------------------------------------------------------------------------------

def _uitvouwen(aantallen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segment counts, return (owner index, position within segment) per element."""
    aantallen = np.asarray(aantallen, dtype=np.int64)
    eigenaar = np.repeat(np.arange(len(aantallen), dtype=np.int64), aantallen)
    starts = np.cumsum(aantallen) - aantallen
    pos = np.arange(len(eigenaar), dtype=np.int64) - np.repeat(starts, aantallen)
    return eigenaar, pos


def _seg_cumsum(waarden: np.ndarray, aantallen: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at every segment (segments given by their counts)."""
    waarden = np.asarray(waarden, dtype=np.int64)
    cum = np.cumsum(waarden)
    aantallen = np.asarray(aantallen, dtype=np.int64)
    start = np.repeat(np.cumsum(aantallen) - aantallen, aantallen)
    return cum - (cum[start] - waarden[start]) if len(waarden) else cum


def _aantal(rng_n: int, fractie: float, minimum_bij: int = 100) -> int:
    k = int(round(rng_n * fractie))
    if k == 0 and rng_n >= minimum_bij and fractie > 0:
        k = 1
    return k


def _ri(rng: np.random.Generator, a, b, n=None):
    """Random integers in [a, b) (array bounds allowed)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    return (a + np.floor(rng.random(n if n is not None else np.broadcast(a, b).shape) *
                         np.maximum(b - a, 1))).astype(np.int64)



class _Extern:
    """BSNs of persons outside the block (relatives, orphans), handed out in order."""

    def __init__(self, b: int, bsn_b: int):
        self.bsns = _bsns(EXTERN_BASIS + b * EXTERN_PER_BLOK, EXTERN_BASIS + (b + 1) * EXTERN_PER_BLOK, bsn_b)
        self.pos = 0

    def __call__(self, k: int) -> np.ndarray:
        v = self.bsns[self.pos: self.pos + k]
        self.pos += k
        assert len(v) == k
        return v

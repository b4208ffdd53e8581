"""The landing contract's type notation as data: column specs, validity rules and typed parsing.

Every source module declares its files with `Bestand`/`Kolom`; the ingestion mechanics in
`sources/inlezen.py` turn these into a pandera row model, quarantine reasons and typed columns.
The rules follow ../shared/contracts/extracts.md to the letter.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

# Contract type names.
BSN, DATUM, GBADATUM, CENT, INT, TEKST, ENUM, REGEX, KENTEKEN, POSTCODE, VLAG = (
    "bsn", "datum", "gbadatum", "cent", "int", "tekst", "enum", "regex", "kenteken", "postcode", "vlag",
)


@dataclass(frozen=True)
class Kolom:
    """One column of a delivered file as the contract defines it."""

    naam: str
    type: str
    verplicht: bool = False
    waarden: tuple[str, ...] = ()  # for ENUM
    patroon: str | None = None  # for REGEX
    minimum: int | None = None  # for INT / CENT
    bijzonder: bool = False  # special personal data: audit only, never a theme


@dataclass(frozen=True)
class Verwijzing:
    """A referential rule inside one delivery: `kolom` must occur in `bestand`.`doelkolom`."""

    kolom: str
    bestand: str
    doelkolom: str


@dataclass(frozen=True)
class Bestand:
    """One file of a source's delivery."""

    bron: str
    naam: str  # file name, e.g. personen.csv
    kolommen: tuple[Kolom, ...]
    sleutel: tuple[str, ...] = ()  # primary key: duplicates are quarantined (all copies)
    verwijzingen: tuple[Verwijzing, ...] = ()
    regels: tuple[tuple[str, pl.Expr], ...] = ()  # cross-column row rules: (reason, ok-expression on raw text)
    omschrijving: str = ""

    @property
    def stam(self) -> str:
        return self.naam.removesuffix(".csv")

    @property
    def tabel(self) -> str:
        """Name of the staged DuckDB table."""
        return f"{self.bron}_{self.stam}"

    @property
    def kolomnamen(self) -> list[str]:
        return [k.naam for k in self.kolommen]

    def kolom(self, naam: str) -> Kolom:
        return next(k for k in self.kolommen if k.naam == naam)


# --- validity rules: (reason, expression that is True when the value is acceptable) ---------
# Every expression is null-safe: an empty field passes here; `verplicht` is checked separately.

def _digits(c: pl.Expr, n: int) -> pl.Expr:
    return c.str.contains(rf"^\d{{{n}}}$")


def elfproef(c: pl.Expr) -> pl.Expr:
    """True when a 9-digit text passes the 11-proef and is not 000000000."""
    digit = [c.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(9)]
    som = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2, -1), digit))
    return (som % 11 == 0) & (c != "000000000")


def _bsn_regels(c: pl.Expr) -> list[tuple[str, pl.Expr]]:
    spaties = c.str.contains(r"\s")
    compact = c.str.replace_all(r"\s", "")
    return [
        ("bevat spaties", ~spaties),
        ("8 cijfers (voorloopnul verloren?)", spaties | ~_digits(compact, 8)),
        ("geen 9 cijfers", spaties | _digits(c, 8) | _digits(c, 9)),
        ("voldoet niet aan de 11-proef", ~_digits(c, 9) | elfproef(c)),
    ]


def _datum_geldig(c: pl.Expr) -> pl.Expr:
    return c.str.to_date("%Y-%m-%d", strict=False).is_not_null()


def gba_delen(c: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    return (c.str.slice(0, 4).cast(pl.Int32, strict=False), c.str.slice(4, 2).cast(pl.Int32, strict=False),
            c.str.slice(6, 2).cast(pl.Int32, strict=False))


def _gba_geldig(c: pl.Expr) -> pl.Expr:
    j, m, d = gba_delen(c)
    volledig = c.str.to_date("%Y%m%d", strict=False).is_not_null()
    return _digits(c, 8) & (j >= 1800) & (
        ((m == 0) & (d == 0)) | ((m >= 1) & (m <= 12) & (d == 0)) | ((m >= 1) & (d >= 1) & volledig)
    )


def validiteitsregels(k: Kolom) -> list[tuple[str, pl.Expr]]:
    """The contract's validity rules for one column, as (reason, ok-expression) pairs."""
    c = pl.col(k.naam)
    t = k.type
    if t == BSN:
        regels = _bsn_regels(c)
    elif t == DATUM:
        regels = [("geen geldige datum (JJJJ-MM-DD)", _datum_geldig(c))]
    elif t == GBADATUM:
        regels = [("geen geldige gbadatum (JJJJMMDD, 00 = onbekend)", _gba_geldig(c))]
    elif t in (CENT, INT):
        regels = [("geen geheel getal", c.str.contains(r"^-?\d+$"))]
        if k.minimum is not None:
            regels.append((f"kleiner dan {k.minimum}",
                           ~c.str.contains(r"^-?\d+$") | (c.cast(pl.Int64, strict=False) >= k.minimum)))
    elif t in (ENUM, VLAG):
        waarden = list(k.waarden or ("0", "1"))
        regels = [(f"onbekende waarde (toegestaan: {', '.join(waarden)})", c.is_in(waarden))]
    elif t == REGEX:
        regels = [(f"onjuist formaat ({k.patroon})", c.str.contains(k.patroon))]
    elif t == POSTCODE:
        regels = [("geen geldige postcode (1234AB)", normaliseer_postcode(c).str.contains(r"^[1-9]\d{3}[A-Z]{2}$"))]
    elif t == KENTEKEN:
        regels = [("geen geldig kenteken", normaliseer_kenteken(c).str.contains(r"^[A-Z0-9]{6}$"))]
    else:
        regels = []
    return [(f"{k.naam}: {reden}", (c.is_null() | ok).fill_null(True)) for reden, ok in regels]


# --- normalisation and typing ---------------------------------------------------------------

def normaliseer_postcode(c: pl.Expr) -> pl.Expr:
    return c.str.replace_all(r"\s", "").str.to_uppercase()


def normaliseer_kenteken(c: pl.Expr) -> pl.Expr:
    return c.str.replace_all(r"[-\s]", "").str.to_uppercase()


def gba_vroegst_laatst(c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Earliest and latest calendar date a (valid) gbadatum can mean; unknown parts widen it."""
    j, m, d = gba_delen(c)
    vroegst = pl.date(j, pl.max_horizontal(m, 1), pl.max_horizontal(d, 1))
    maand_einde = pl.date(j, pl.max_horizontal(m, 1), 1).dt.month_end()
    laatst = (pl.when(m == 0).then(pl.date(j, 12, 31))
              .when(d == 0).then(maand_einde)
              .otherwise(pl.date(j, pl.max_horizontal(m, 1), pl.max_horizontal(d, 1))))
    return vroegst, laatst


def getypeerde_kolommen(k: Kolom) -> list[pl.Expr]:
    """Typed output column(s) for an accepted value of column k."""
    c = pl.col(k.naam)
    t = k.type
    if t == DATUM:
        return [c.str.to_date("%Y-%m-%d", strict=False)]
    if t == GBADATUM:
        vroegst, laatst = gba_vroegst_laatst(c)
        return [c, vroegst.alias(f"{k.naam}_vroegst"), laatst.alias(f"{k.naam}_laatst")]
    if t in (CENT, INT):
        return [c.cast(pl.Int64, strict=False)]
    if t == VLAG:
        return [(c == "1").alias(k.naam)]
    if t == POSTCODE:
        return [normaliseer_postcode(c).alias(k.naam)]
    if t == KENTEKEN:
        return [normaliseer_kenteken(c).alias(k.naam)]
    return [c]


def duckdb_type(k: Kolom) -> list[tuple[str, str]]:
    """DuckDB column definitions of the staged table for column k."""
    t = k.type
    if t == DATUM:
        return [(k.naam, "DATE")]
    if t == GBADATUM:
        return [(k.naam, "VARCHAR"), (f"{k.naam}_vroegst", "DATE"), (f"{k.naam}_laatst", "DATE")]
    if t in (CENT, INT):
        return [(k.naam, "BIGINT")]
    if t == VLAG:
        return [(k.naam, "BOOLEAN")]
    return [(k.naam, "VARCHAR")]


BRONNEN = ("brp", "ib", "suwi", "rdw", "gemeente")

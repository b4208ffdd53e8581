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
class RijRegel:
    """A cross-column row rule: its reason, and the same acceptable-row test as a polars expression (the
    pandera row model) and as DuckDB SQL (the ingestion engine). NULL/null counts as acceptable in both;
    tests/sources/test_regels_sql.py holds the two renderings equal."""

    reden: str
    polars: pl.Expr
    sql: str

    def __repr__(self) -> str:  # the expression's text, not its address: rule versions hash this repr
        return f"RijRegel(reden={self.reden!r}, polars={str(self.polars)!r}, sql={self.sql!r})"


ISO_DATUM, GBA_DATUM = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "^[0-9]{8}$"  # the canonical texts of `datum` and `gbadatum`
GEHEEL = "^-?[0-9]+$"  # `cent` and `int`: ASCII digits, a minus sign allowed


def _gba_bovengrens(c: pl.Expr) -> pl.Expr:
    """The latest date a gbadatum text can mean, as comparable text: an unknown (00) month or day read as 99."""
    deel = [pl.when(c.str.slice(a, 2) == "00").then(pl.lit("99")).otherwise(c.str.slice(a, 2)) for a in (4, 6)]
    return pl.when(c.str.contains(GBA_DATUM)).then(pl.concat_str([c.str.slice(0, 4), *deel])).otherwise(c)


def _sql_gba_bovengrens(c: str) -> str:
    deel = [f"CASE WHEN substr({c}, {a}, 2) = '00' THEN '99' ELSE substr({c}, {a}, 2) END" for a in (5, 7)]
    return f"CASE WHEN regexp_matches({c}, '{GBA_DATUM}') THEN substr({c}, 1, 4) || {deel[0]} || {deel[1]} ELSE {c} END"


def niet_voor(later: str, eerder: str) -> RijRegel:
    """`later` is not before `eerder`: compared as canonical texts of the same kind (both `datum` or both
    `gbadatum`, whose text order is date order); a gbadatum with an unknown month or day is before only when its
    latest possible date is. An empty side passes, and so does a value that is no valid date: its own validity
    rule gives the reason."""
    lp, ep = pl.col(later), pl.col(eerder)
    vergelijkbaar = ((lp.str.contains(ISO_DATUM) & ep.str.contains(ISO_DATUM))
                     | (lp.str.contains(GBA_DATUM) & ep.str.contains(GBA_DATUM)))
    ls, es = f'"{later}"', f'"{eerder}"'
    vergelijkbaar_sql = (f"((regexp_matches({ls}, '{ISO_DATUM}') AND regexp_matches({es}, '{ISO_DATUM}')) OR "
                         f"(regexp_matches({ls}, '{GBA_DATUM}') AND regexp_matches({es}, '{GBA_DATUM}')))")
    # `later >= eerder` as text first: it passes every row it holds for (a gbadatum's latest date is not before
    # its text); in SQL a CASE, so that the pattern tests run only for the few rows that are before as text
    # (DuckDB evaluates both sides of an OR in a projection: 3.7 CPU-s per 10 M rows instead of 0.3)
    return RijRegel(f"{later}: ligt voor {eerder}",
                    lp.is_null() | ep.is_null() | (lp >= ep) | ~vergelijkbaar | (_gba_bovengrens(lp) >= ep),
                    f"CASE WHEN {ls} IS NULL OR {es} IS NULL OR {ls} >= {es} THEN true "
                    f"ELSE NOT {vergelijkbaar_sql} OR {_sql_gba_bovengrens(ls)} >= {es} END")


def past_niet(kolom: str, reden: str, patroon: str) -> RijRegel:
    """`kolom` does not match `patroon` (an empty value passes; `\\d` is an ASCII digit, see `cijfers`)."""
    return RijRegel(f"{kolom}: {reden}", pl.col(kolom).is_null() | ~pl.col(kolom).str.contains(cijfers(patroon)),
                    f'"{kolom}" IS NULL OR NOT regexp_matches("{kolom}", {sql_tekst(re2(patroon))})')


def cijfers(patroon: str) -> str:
    """A pattern of the contract with `\\d` as the contract means it: an ASCII digit 0-9. (Rust's `\\d`, polars',
    is any Unicode digit: '١٢٣' would pass as a number that no cast can read.)"""
    return patroon.replace(r"\d", "[0-9]")


@dataclass(frozen=True)
class Bestand:
    """One file of a source's delivery."""

    bron: str
    naam: str  # file name, e.g. personen.csv
    kolommen: tuple[Kolom, ...]
    sleutel: tuple[str, ...] = ()  # primary key: duplicates are quarantined (all copies)
    verwijzingen: tuple[Verwijzing, ...] = ()
    regels: tuple[RijRegel, ...] = ()  # cross-column row rules on the raw text
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
    return c.str.contains(rf"^[0-9]{{{n}}}$")


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
    """JJJJ-MM-DD exactly (no sign, no spaces, no short parts), a real calendar date, year 1 or later."""
    return (c.str.contains(ISO_DATUM) & (c.str.slice(0, 4) != "0000")
            & c.str.to_date("%Y-%m-%d", strict=False).is_not_null())


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
        geheel = c.str.contains(GEHEEL)
        regels = [("geen geheel getal", geheel),
                  ("getal te groot (meer dan 64 bits)", ~geheel | c.cast(pl.Int64, strict=False).is_not_null())]
        if k.minimum is not None:
            regels.append((f"kleiner dan {k.minimum}", ~geheel | (c.cast(pl.Int64, strict=False) >= k.minimum)))
    elif t in (ENUM, VLAG):
        waarden = list(k.waarden or ("0", "1"))
        regels = [(f"onbekende waarde (toegestaan: {', '.join(waarden)})", c.is_in(waarden))]
    elif t == REGEX:
        regels = [(f"onjuist formaat ({k.patroon})", c.str.contains(cijfers(k.patroon)))]
    elif t == POSTCODE:
        regels = [("geen geldige postcode (1234AB)", normaliseer_postcode(c).str.contains(r"^[1-9][0-9]{3}[A-Z]{2}$"))]
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

# The CSV dialect of every delivered file (extracts.md § CSV dialect), as a writer of a delivery uses it: UTF-8,
# `;` between fields, `"` quoting (a quote inside doubled), an empty field for an unknown value.
CODERING, SCHEIDINGSTEKEN, AANHALINGSTEKEN, LEEG = "utf-8", ";", '"', ""


# --- the same rules as DuckDB SQL ------------------------------------------------------------------
# The ingestion engine evaluates the rules inside DuckDB, in one pass over a file. Each SQL form below
# gives exactly what the polars form above gives on every text, including its quirks: polars' regex
# `\s` is a Unicode class (RE2's is ASCII; digits are ASCII on both sides, `cijfers`), `to_uppercase` maps
# ß and the Latin ligatures to capitals, and a NULL inside a rule counts as acceptable (fill_null(True)).

WIT = (r"[\t\n\x{0B}\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}"
       r"\x{3000}]")  # Unicode White_Space = Rust's \s
_HOOFDLETTERS = (("ß", "SS"), ("ﬀ", "FF"), ("ﬁ", "FI"), ("ﬂ", "FL"), ("ﬃ", "FFI"), ("ﬄ", "FFL"), ("ﬅ", "ST"),
                 ("ﬆ", "ST"))


def re2(patroon: str) -> str:
    """A Rust-regex pattern of the contract as RE2 with the same meaning (\\d an ASCII digit, `cijfers`; \\s
    Unicode white space, as Rust's)."""
    if "[" in patroon and "\\s" in patroon:
        raise ValueError(f"\\s inside a character class is not translated: {patroon}")
    return cijfers(patroon).replace(r"\s", WIT)


def sql_tekst(tekst: str) -> str:
    return "'" + tekst.replace("'", "''") + "'"


def _sql_digits(c: str, n: int) -> str:
    return f"regexp_matches({c}, '^[0-9]{{{n}}}$')"


def _sql_hoofdletters(x: str) -> str:
    for van, naar in _HOOFDLETTERS:
        x = f"replace({x}, '{van}', '{naar}')"
    return f"upper({x})"


def sql_postcode(c: str) -> str:
    return _sql_hoofdletters(f"regexp_replace({c}, '{WIT}', '', 'g')")


def sql_kenteken(c: str) -> str:
    return _sql_hoofdletters(f"regexp_replace({c}, '[-{WIT[1:]}', '', 'g')")


def sql_int(x: str) -> str:
    """polars' strict=False cast of text to an integer: ASCII digits with an optional sign, else NULL."""
    return f"CASE WHEN regexp_matches({x}, '^[+-]?[0-9]+$') THEN TRY_CAST({x} AS BIGINT) END"


def sql_datum(c: str) -> str:
    """`_datum_geldig`'s date: exactly JJJJ-MM-DD, a real calendar date from year 1 on; else NULL."""
    return (f"CASE WHEN regexp_matches({c}, '{ISO_DATUM}') AND substr({c}, 1, 4) <> '0000' THEN "
            f"try_strptime({c}, '%Y-%m-%d')::DATE END")


def _sql_cijfers(x: str) -> str:
    """The integer of a run of ASCII digits. Used only where the rule already requires them (elsewhere the
    value cannot change the verdict), so a plain TRY_CAST, which would also read ' 5' or '1_0', meets only
    digit runs."""
    return f"TRY_CAST({x} AS INTEGER)"


def _sql_gba_delen(c: str) -> tuple[str, str, str]:
    return tuple(_sql_cijfers(f"substr({c}, {a}, {n})") for a, n in ((1, 4), (5, 2), (7, 2)))


def _sql_gba_geldig(c: str) -> str:
    j, m, d = _sql_gba_delen(c)
    # a real calendar date; guarded by CASE so that no invalid date is ever built (no per-row exceptions)
    volledig = (f"coalesce(CASE WHEN {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND 31 THEN "
                f"{d} <= dayofmonth(last_day(make_date({j}, {m}, 1))) END, false)")
    return (f"{_sql_digits(c, 8)} AND ({j} >= 1800) AND ((({m} = 0) AND ({d} = 0)) OR "
            f"(({m} >= 1) AND ({m} <= 12) AND ({d} = 0)) OR (({m} >= 1) AND ({d} >= 1) AND {volledig}))")


def _sql_elfproef(c: str) -> str:
    som = " + ".join(f"{w} * {_sql_cijfers(f'substr({c}, {i + 1}, 1)')}"
                     for i, w in enumerate((9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return f"((({som}) % 11 = 0) AND ({c} <> '000000000'))"


# ASCII fast paths. Almost every delivered value is in its canonical ASCII form (nine ASCII digits for a
# BSN, eight for a gbadatum, '1234AB' for a postcode). A cheap ASCII test (`_snel`) recognises that form;
# for such a value a rule's verdict is computed with integer arithmetic instead of the Unicode-exact
# regexes, and every other value takes the full rule. The fast verdict equals the full rule's on every
# text the test admits (tests/sources/test_regels_sql.py holds both, on ASCII and Unicode texts).
# A BSN or gbadatum column's test and integer value are computed once per row, in a column of their own
# (`hulpkolommen_sql`) that its rules read: written into each rule, DuckDB evaluated the test once per rule
# and the cast once per digit (a BSN's four rules: 7.6 s for 25 M rows, 1.7 s with the column).

def _snel(c: str, patroon: str) -> str:
    return f"regexp_full_match({c}, '{patroon}')"


_GETAL = {BSN: ("[0-9]{9}", "BIGINT"), GBADATUM: ("[0-9]{8}", "INTEGER")}  # the fast path on an integer value


def _getal_naam(k: Kolom) -> str:
    """The helper column of a column with an integer fast path: the value of a canonical text, else NULL."""
    return f"_getal_{k.naam}"


def _getal(k: Kolom) -> str:
    return f'"{_getal_naam(k)}"'


def hulpkolommen_sql(kolommen) -> list[tuple[str, str]]:
    """(name, SQL) of the helper columns the rules of `kolommen` read (`validiteitsregels_sql`): per BSN or
    gbadatum column the integer value of a canonical ASCII text, NULL for any other text."""
    uit = []
    for k in kolommen:
        if k.type in _GETAL:
            patroon, type_ = _GETAL[k.type]
            c = f'"{k.naam}"'
            uit.append((_getal_naam(k), f"CASE WHEN {_snel(c, patroon)} THEN CAST({c} AS {type_}) END"))
    return uit


def met_hulpkolommen(kolommen, van: str, waar: str | None = None) -> str:
    """The rows of the query `van` with the helper columns the rules of `kolommen` read; `waar`: only for the
    rows where this SQL is TRUE (NULL elsewhere: a rule then takes its full path, so it is meant for rows whose
    rules are not evaluated at all)."""
    hulp = "".join(f", {sql if waar is None else f'CASE WHEN {waar} THEN {sql} END'} AS \"{naam}\""
                   for naam, sql in hulpkolommen_sql(kolommen))
    return f"SELECT *{hulp} FROM ({van})"


def _sql_elfproef_getal(n: str) -> str:
    """The 11-proef of a text of exactly nine ASCII digits, on its integer value `n` ('000000000' is 0)."""
    som = " + ".join(f"{w} * ({n} // {10 ** (8 - i)} % 10)" for i, w in enumerate((9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return f"((({som}) % 11 = 0) AND ({n} <> 0))"


def _sql_gba_geldig_getal(n: str) -> str:
    """`_sql_gba_geldig` of a text of exactly eight ASCII digits, on its integer value `n` (Gregorian calendar,
    as chrono and DuckDB both count it)."""
    j, m, d = f"({n} // 10000)", f"({n} // 100 % 100)", f"({n} % 100)"
    schrikkel = f"(({j} % 4 = 0 AND {j} % 100 <> 0) OR {j} % 400 = 0)"
    dagen = (f"CASE WHEN {m} = 2 THEN CASE WHEN {schrikkel} THEN 29 ELSE 28 END "
             f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END")
    return (f"({j} >= 1800 AND (({m} = 0 AND {d} = 0) OR ({m} BETWEEN 1 AND 12 AND {d} = 0) OR "
            f"({m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {dagen})))")


def validiteitsregels_sql(k: Kolom) -> list[tuple[str, str]]:
    """`validiteitsregels` as (reason, SQL that is TRUE when the row fails it) over the raw text column and, for a
    BSN or gbadatum, its helper column (`met_hulpkolommen`)."""
    c = f'"{k.naam}"'
    t = k.type
    # (ASCII test, per rule the failure SQL for a value that passes it); None: every value takes the full rule
    snel: tuple[str, list[str]] | None = None
    if t == BSN:
        snel = (f"{_getal(k)} IS NOT NULL", ["false", "false", "false", f"NOT {_sql_elfproef_getal(_getal(k))}"])
    elif t == GBADATUM:
        snel = (f"{_getal(k)} IS NOT NULL", [f"NOT {_sql_gba_geldig_getal(_getal(k))}"])
    elif t == POSTCODE:
        snel = (_snel(c, "[1-9][0-9]{3}[A-Z]{2}"), ["false"])
    elif t == KENTEKEN:
        snel = (_snel(c, "[A-Z0-9]{6}"), ["false"])
    if t == BSN:
        spaties = f"regexp_matches({c}, '{WIT}')"
        compact = f"regexp_replace({c}, '{WIT}', '', 'g')"
        regels = [("bevat spaties", f"NOT {spaties}"),
                  ("8 cijfers (voorloopnul verloren?)", f"{spaties} OR NOT {_sql_digits(compact, 8)}"),
                  ("geen 9 cijfers", f"{spaties} OR {_sql_digits(c, 8)} OR {_sql_digits(c, 9)}"),
                  ("voldoet niet aan de 11-proef", f"NOT {_sql_digits(c, 9)} OR {_sql_elfproef(c)}")]
    elif t == DATUM:
        regels = [("geen geldige datum (JJJJ-MM-DD)", f"{sql_datum(c)} IS NOT NULL")]
    elif t == GBADATUM:
        regels = [("geen geldige gbadatum (JJJJMMDD, 00 = onbekend)", _sql_gba_geldig(c))]
    elif t in (CENT, INT):
        geheel = f"regexp_matches({c}, '{GEHEEL}')"
        regels = [("geen geheel getal", geheel),
                  # up to 18 characters every integer fits: the pattern and the cast only for longer texts
                  ("getal te groot (meer dan 64 bits)", f"CASE WHEN length({c}) <= 18 THEN true "
                                                        f"ELSE NOT {geheel} OR TRY_CAST({c} AS BIGINT) IS NOT NULL END")]
        if k.minimum is not None:
            regels.append((f"kleiner dan {k.minimum}", f"NOT {geheel} OR ({sql_int(c)} >= {k.minimum})"))
    elif t in (ENUM, VLAG):
        waarden = list(k.waarden or ("0", "1"))
        regels = [(f"onbekende waarde (toegestaan: {', '.join(waarden)})",
                   f"{c} IN ({', '.join(sql_tekst(w) for w in waarden)})")]
    elif t == REGEX:
        regels = [(f"onjuist formaat ({k.patroon})", f"regexp_matches({c}, {sql_tekst(re2(k.patroon))})")]
    elif t == POSTCODE:
        regels = [("geen geldige postcode (1234AB)", f"regexp_matches({sql_postcode(c)}, '^[1-9][0-9]{{3}}[A-Z]{{2}}$')")]
    elif t == KENTEKEN:
        regels = [("geen geldig kenteken", f"regexp_matches({sql_kenteken(c)}, '^[A-Z0-9]{{6}}$')")]
    else:
        regels = []
    if snel is None:
        return [(f"{k.naam}: {reden}", f"({c} IS NOT NULL AND coalesce(NOT ({ok}), false))") for reden, ok in regels]
    test, fout_snel = snel
    return [(f"{k.naam}: {reden}", f"({c} IS NOT NULL AND CASE WHEN {test} THEN {fs} "
                                   f"ELSE coalesce(NOT ({ok}), false) END)")
            for (reden, ok), fs in zip(regels, fout_snel, strict=True)]


def getypeerde_kolommen_sql(k: Kolom) -> list[str]:
    """`getypeerde_kolommen` as SQL expressions over the raw text and, for a gbadatum, its helper column
    (`met_hulpkolommen`), in the order of `duckdb_type`."""
    c = f'"{k.naam}"'
    t = k.type
    if t == DATUM:
        return [sql_datum(c)]
    if t == GBADATUM:  # on the helper column's integer where it has one (every accepted value), else on the text
        def grenzen(j: str, m: str, d: str) -> tuple[str, str]:
            m1, d1 = f"greatest({m}, 1)", f"greatest({d}, 1)"
            return (f"try(make_date({j}, {m1}, {d1}))",
                    f"CASE WHEN {m} = 0 THEN try(make_date({j}, 12, 31)) WHEN {d} = 0 THEN "
                    f"try(last_day(make_date({j}, {m1}, 1))) ELSE try(make_date({j}, {m1}, {d1})) END")

        n = _getal(k)
        snel, traag = grenzen(f"({n} // 10000)", f"({n} // 100 % 100)", f"({n} % 100)"), grenzen(*_sql_gba_delen(c))
        return [c, *(f"CASE WHEN {n} IS NOT NULL THEN {a} ELSE {b} END" for a, b in zip(snel, traag))]
    if t in (CENT, INT):
        return [sql_int(c)]
    if t == VLAG:
        return [f"({c} = '1')"]
    if t == POSTCODE:  # a canonical postcode is its own normal form
        return [f"CASE WHEN {_snel(c, '[1-9][0-9]{3}[A-Z]{2}')} THEN {c} ELSE {sql_postcode(c)} END"]
    if t == KENTEKEN:
        return [f"CASE WHEN {_snel(c, '[A-Z0-9]{6}')} THEN {c} ELSE {sql_kenteken(c)} END"]
    return [c]


def sleutelwaarde(kolommen: tuple[str, ...], prefix: str = "") -> str:
    """A key of one or more columns as one SQL struct value, for `IN` against the keys that occur more than once:
    struct values compare NULL parts as equal (as a window's partition groups them) and hold columns of any type."""
    return f"struct_pack({', '.join(f'k{i} := {prefix}{chr(34)}{k}{chr(34)}' for i, k in enumerate(kolommen))})"


def dubbele_sleutels(kolommen: tuple[str, ...], van: str, waar: str) -> str:
    """SQL of the keys (as `sleutelwaarde`) that occur more than once among the rows of table `van` satisfying
    `waar`: grouped on the key columns alone, so that a row is marked by a join on this small set instead of a
    window that carries every column of every row through its partitions."""
    return (f"SELECT {sleutelwaarde(kolommen)} FROM {van} WHERE {waar} "
            f"GROUP BY {', '.join(chr(34) + k + chr(34) for k in kolommen)} HAVING count(*) > 1")

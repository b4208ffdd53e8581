"""The one CSV reader, row model and quarantine writer for every delivered file.

The row model is defined once per file from its `Bestand` (sources/contract.py): as a pandera (polars)
schema — the definition and the report (`rijmodel`, `redenen_per_rij`) — and compiled to DuckDB SQL, the
engine (`lees_in`). One pass over the file inside DuckDB parses the contract's CSV dialect (unparsable
lines are kept with their line), numbers the records, gives every row its reasons in the row model's
order (required fields and validity per column, cross-column rules, then duplicate keys and orphans,
which are facts of the whole delivery) and its content hash. Accepted rows are typed and staged with
INSERT ... SELECT; only quarantined rows come to Python, to be kept with file, line, raw values and
reasons. Delivered = accepted + quarantined, always. From here on persons are keyed by pseudonym: a BSN column
is staged as the HMAC of the validated BSN, computed in the same INSERT (sources/pseudoniem.py); the BSN stays
only in the quarantined raw values and, for the municipality's own clients, in `klant_bsn`.

The next delivery of a file validates only what changed: a row whose content an earlier ingestion of the
file judged under the same rule version (`regelversie`, a hash of the compiled rules) carries over its
row verdict (contents are recognised by a keyed hash: a row holds a BSN); duplicates and orphans are judged
on the whole delivery every time. A file that is byte for byte an earlier delivery of it, judged under the same
version (its files to check orphans against included), is not read at all: that delivery's outcome is copied.
A delivery judged in full computes each person's pseudonym once: the files after the BRP's personen look up the
pseudonyms it computed (`_KAART`, in memory for the run) instead of hashing their BSNs again.
`lees_in_pandera` is the reference path (pandera on Python batches), kept to hold the engine equal to it in
tests/sources.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import date
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import polars as pl

from kern import opslag
from sources import pseudoniem as ps
from sources.contract import (BSN, GBADATUM, Bestand, dubbele_sleutels, duckdb_type, getypeerde_kolommen,
                              getypeerde_kolommen_sql, hulpkolommen_sql, met_hulpkolommen, sleutelwaarde, sql_tekst,
                              validiteitsregels, validiteitsregels_sql)
from sources.levering import CSV_OPTIES, Levering, alle_lege_regels, fysiek, kolomtypes, leesbaar

if TYPE_CHECKING:
    import pandera.polars as pa

ONLEESBAAR = "regel niet leesbaar als CSV: "  # the reason of a line that is no CSV record, before DuckDB's error
CODEVERSIE = "1"  # bump when the reading or validation rules change: forces re-ingestion
AFGEKEURD = "_afgekeurd"  # DuckDB's rejects tables of the scan (temporary, per connection)
GELEZEN = "_gelezen"  # the file's parsable records in file order (temporary, per connection; rowid = record)


@dataclass
class Inlezing:
    """What happened to one delivered file."""

    bestand: Bestand
    geleverd: int
    geaccepteerd: int
    quarantaine: int
    redenen: dict[str, int] = field(default_factory=dict)  # reason -> rows
    extra_kolommen: list[str] = field(default_factory=list)
    hergebruikt: bool = False  # same file was staged before with the same rules
    rij_voor_rij: int | None = None  # rows validated row by row; the others carried over their verdict
    gekopieerd_van: date | None = None  # the same bytes as this earlier delivery of the file: its outcome copied


def rijmodel(spec: Bestand, uniek: bool = True) -> pa.DataFrameSchema:
    """The pandera row model of a file: the contract's rules over the raw text columns.

    Ingestion validates a file in batches and finds duplicate keys across the whole file in DuckDB
    (`uniek=False` here); the full model, uniqueness included, validates a whole frame at once.
    pandera is imported here, not with the module: a run uses the compiled SQL only, and importing pandera
    costs every run process 0.6 s.
    """
    import pandera.polars as pa

    def check(reden: str, ok: pl.Expr) -> pa.Check:
        return pa.Check(lambda data, ok=ok: data.lazyframe.select(ok), name=reden, error=reden)

    kolommen = {
        k.naam: pa.Column(pl.Utf8, nullable=not k.verplicht,
                          unique=uniek and spec.sleutel == (k.naam,), report_duplicates="all",
                          checks=[check(r, ok) for r, ok in validiteitsregels(k)])
        for k in spec.kolommen
    }
    return pa.DataFrameSchema(
        kolommen,
        checks=[check(r.reden, r.polars.fill_null(True)) for r in spec.regels],
        unique=list(spec.sleutel) if uniek and len(spec.sleutel) > 1 else None,
        report_duplicates="all",
        name=spec.naam,
    )


def _voorselectie(spec: Bestand) -> pl.Expr:
    """True for a row that passes every rule of the row model except uniqueness: the model's own rule
    expressions, fused into one pass. Pandera then validates only the rows this does not pass."""
    regels = [ok for k in spec.kolommen for _, ok in validiteitsregels(k)]
    regels += [pl.col(k.naam).is_not_null() for k in spec.kolommen if k.verplicht]
    regels += [r.polars.fill_null(True) for r in spec.regels]
    return pl.all_horizontal(regels) if regels else pl.lit(True)


def redenen_per_rij(spec: Bestand, frame: pl.DataFrame, uniek: bool = True) -> pl.DataFrame:
    """Row index -> '; '-joined reasons, for every row that fails the row model.

    Without uniqueness (batches) a row's verdict depends on that row alone, so pandera validates only
    the rows the fused pre-selection does not pass — the same rules, one pass instead of one per rule.
    """
    from pandera.errors import SchemaErrors

    index = None
    if not uniek:
        verdacht = frame.with_row_index("_index").filter(~_voorselectie(spec))
        if verdacht.height == 0:
            return pl.DataFrame(schema={"index": pl.Int64, "reden": pl.Utf8})
        index, frame = verdacht["_index"].cast(pl.Int64), verdacht.drop("_index")
    try:
        rijmodel(spec, uniek).validate(frame, lazy=True)
        return pl.DataFrame(schema={"index": pl.Int64, "reden": pl.Utf8})
    except SchemaErrors as fouten:
        fc = fouten.failure_cases
    fc = fc.filter(pl.col("index").is_not_null()).with_columns(pl.col("index").cast(pl.Int64))
    if index is not None:  # back to the row numbers of the whole batch
        fc = fc.with_columns(pl.col("index").map_batches(lambda i: index.gather(i), return_dtype=pl.Int64))
    redenen = fc.select(pl.when(pl.col("check") == "not_nullable").then(pl.col("column") + ": verplicht veld is leeg")
                        .when(pl.col("check").str.contains("uniqueness")).then(pl.lit("duplicaat"))
                        .otherwise(pl.col("check"))).to_series()
    return (fc.select("index", pl.Series("reden", redenen, dtype=pl.Utf8))
            .unique(maintain_order=True)
            .group_by("index", maintain_order=True).agg(pl.col("reden").str.join("; ")))


BATCH = 2_000_000  # rows per batch: bounds memory at national scale (~30 M rows per BRP file)


def _csv(pad, kolommen: list[str]) -> str:
    return f"read_csv('{str(pad).replace(chr(39), chr(39) * 2)}', {CSV_OPTIES}, columns={kolomtypes(kolommen)}, " \
           "store_rejects=true)"


def _voorronde(hoofd: duckdb.DuckDBPyConnection, spec: Bestand, pad, feiten: dict, leverdatum, key: bytes
               ) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, pl.Series]]:
    """Whole-file facts from DuckDB before the batches: the unparsable lines, the keys that occur more than
    once, and per reference the values that do not occur in the referenced file (orphans)."""
    kolommen = feiten["kolommen"]
    con = hoofd.cursor()  # a session of its own on the same database: sees the staged tables
    try:
        con.execute("SET enable_progress_bar = false")
        ps.maak_macro(con, key)
        wezen = {v.kolom: con.sql(
            f'SELECT DISTINCT "{v.kolom}" AS k FROM {_csv(pad, kolommen)} WHERE "{v.kolom}" IS NOT NULL '
            f"AND {_verwijzing_waarde(spec, v.kolom)} NOT IN (SELECT {v.doelkolom} FROM "
            f"{spec.bron}_{v.bestand.removesuffix('.csv')} WHERE leverdatum = ?)", params=[leverdatum]).pl()["k"]
            for v in spec.verwijzingen}
        if spec.sleutel:
            sleutel = ", ".join(f'"{k}"' for k in spec.sleutel)
            dubbel = con.sql(f"SELECT {sleutel} FROM {_csv(pad, kolommen)} WHERE "
                             + " AND ".join(f'"{k}" IS NOT NULL' for k in spec.sleutel)
                             + f" GROUP BY {sleutel} HAVING count(*) > 1").pl()
        else:
            con.sql(f"SELECT count(*) FROM {_csv(pad, kolommen)}").fetchall()
            dubbel = pl.DataFrame()
        afgekeurd = _onleesbaar(con, feiten, "reject_errors")
    finally:
        con.close()
    return dubbel, afgekeurd, wezen


def _batches(pad, kolommen: list[str]):
    """The parsable records as text, in file order, in batches of at most BATCH rows."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        lezer = con.sql(f"SELECT * FROM {_csv(pad, kolommen)}").to_arrow_reader(BATCH)
        for batch in iter(lezer.read_next_batch, None):
            yield pl.from_arrow(batch)
    finally:
        con.close()


def _regelnummers(start: int, n: int, afgekeurde_regels: np.ndarray) -> np.ndarray:
    """Line numbers of parsed records start..start+n-1 (0-based): the header is line 1 and every unparsable
    line before a record shifts it by one. Record k sits on line k + 2 + #{i : r_i - i - 2 <= k}."""
    k = np.arange(start, start + n, dtype=np.int64)
    if not len(afgekeurde_regels):
        return k + 2
    verschoven = np.sort(afgekeurde_regels).astype(np.int64) - np.arange(len(afgekeurde_regels)) - 2
    return k + 2 + np.searchsorted(verschoven, k, side="right")


def codeversie(spec: Bestand) -> str:
    return hashlib.sha256(f"{CODEVERSIE}|{spec!r}".encode()).hexdigest()[:12]


def _voeg_reden_toe(frame: pl.DataFrame, conditie: pl.Expr, reden: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(conditie).then(pl.concat_str([pl.col("reden"), pl.lit(reden)], separator="; ", ignore_nulls=True))
        .otherwise(pl.col("reden")).alias("reden"))


def _beoordeel(spec: Bestand, frame: pl.DataFrame, dubbel: pl.DataFrame, wezen: dict[str, pl.Series]) -> pl.DataFrame:
    """One batch with a `reden` column: null for an acceptable row, else every reason it fails."""
    fouten = redenen_per_rij(spec, frame.drop("regel"), uniek=False)
    frame = (frame.with_row_index("index").with_columns(pl.col("index").cast(pl.Int64))
             .join(fouten, on="index", how="left").drop("index"))
    if dubbel.height:
        frame = frame.join(dubbel.with_columns(pl.lit(True).alias("_dubbel")), on=list(spec.sleutel), how="left",
                           nulls_equal=False, maintain_order="left")
        frame = _voeg_reden_toe(frame, pl.col("_dubbel").fill_null(False), "duplicaat").drop("_dubbel")
    for v in spec.verwijzingen:
        wees = pl.col(v.kolom).is_in(wezen[v.kolom].implode())
        frame = _voeg_reden_toe(frame, wees, f"{v.kolom}: komt niet voor in {v.bestand}")
    return frame


def _staged_types(spec: Bestand) -> list[tuple[str, str]]:
    """The staged table's columns: the typed contract columns (not the special ones), line and leverdatum."""
    return [t for k in spec.kolommen if not k.bijzonder for t in duckdb_type(k)] + [
        ("regel", "BIGINT"), ("leverdatum", "DATE")]


def bijzondere_gegevens(spec: Bestand) -> tuple[list[str], str]:
    """The special personal data columns of a file, and their table in the audit schema."""
    return [k.naam for k in spec.kolommen if k.bijzonder], f"audit.{spec.tabel}_bijzonder"


def _sleutel(spec: Bestand, levering: Levering) -> dict:
    """The key of a file's delivery in `bestand_tellingen` and the quarantine."""
    return {"bron": spec.bron, "leverdatum": levering.leverdatum, "bestand": spec.naam}


def _maak_leeg(con: duckdb.DuckDBPyConnection, spec: Bestand, leverdatum: date, types: list[tuple[str, str]]
               ) -> tuple[list[str], str]:
    """Inside an ingestion's transaction, for both paths: the staged table, the table of special personal data and
    the clients' table exist and hold nothing of this delivery of the file, nor does the quarantine (a rerun
    replaces). Returns the special columns and their table in the audit schema."""
    bijzonder, bijzonder_tabel = bijzondere_gegevens(spec)
    opslag.maak(con, spec.tabel, types)
    opslag.verwijder(con, spec.tabel, {"leverdatum": leverdatum})
    if bijzonder:
        opslag.maak(con, bijzonder_tabel, [(spec.sleutel[0], "VARCHAR") if spec.sleutel else ("bsn", "VARCHAR"),
                                           *[(b, "VARCHAR") for b in bijzonder], ("leverdatum", "DATE")])
        opslag.verwijder(con, bijzonder_tabel, {"leverdatum": leverdatum})
    opslag.verwijder(con, "quarantaine", {"bron": spec.bron, "leverdatum": leverdatum, "bestand": spec.naam})
    _maak_klanten(con, spec, leverdatum)
    return bijzonder, bijzonder_tabel


def lees_in_pandera(con: duckdb.DuckDBPyConnection, levering: Levering, spec: Bestand,
                    sleutel_: bytes | None = None) -> Inlezing:
    """The reference path: the pandera (polars) row model on Python batches. Same outcome as `lees_in`, which
    runs the same rules compiled to SQL inside DuckDB; kept to hold the two equal (tests/sources)."""
    feiten = levering.bestanden[spec.naam]
    sleutel = _sleutel(spec, levering)
    key = sleutel_ if sleutel_ is not None else ps.sleutel(ps.werkmap_van(con))
    versie = tellingversie(con, f"{codeversie(spec)}-{ps.kenmerk(key)}", spec, levering)
    if (eerder := _overgenomen(con, spec, levering, versie)) is not None:
        return eerder

    with leesbaar(levering.pad / spec.naam, feiten) as pad:
        kolommen = feiten["kolommen"]
        dubbel, afgekeurd, wezen = _voorronde(con, spec, pad, feiten, levering.leverdatum, key)
        afgekeurde_regels = _overgeslagen(afgekeurd, feiten, pad)
        types = _staged_types(spec)
        quarantaine_kolommen = ["bron", "leverdatum", "bestand", "regel", "ruwe_waarden", "reden"]

        geaccepteerd = 0
        redenen: dict[str, int] = {}
        gelezen = 0
        with opslag.transactie(con):
            bijzonder, bijzonder_tabel = _maak_leeg(con, spec, levering.leverdatum, types)
            for ruw in _batches(pad, kolommen):
                regels = _regelnummers(gelezen, ruw.height, afgekeurde_regels)
                gelezen += ruw.height
                frame = _beoordeel(spec, ruw.select(spec.kolomnamen).with_columns(pl.Series("regel", regels)), dubbel,
                                   wezen)
                fout = pl.col("reden").is_not_null()
                goed = frame.filter(~fout)
                geaccepteerd += goed.height
                _klanten_pandera(con, spec, goed, levering.leverdatum, key)
                goed = goed.with_columns(ps.pseudoniemen(goed[k.naam], key).alias(k.naam)
                                         for k in spec.kolommen if k.type == BSN)  # persons by pseudonym from here on
                opslag.voeg_toe(con, spec.tabel, goed.select(
                    [e for k in spec.kolommen if not k.bijzonder for e in getypeerde_kolommen(k)]
                    + [pl.col("regel"), pl.lit(levering.leverdatum).alias("leverdatum")]), types)
                if bijzonder:  # special personal data: a separate table in the audit schema, never a theme input
                    opslag.voeg_toe(con, bijzonder_tabel, goed.select(
                        spec.sleutel[0], *bijzonder, pl.lit(levering.leverdatum).alias("leverdatum")))
                slecht = frame.filter(fout).select(
                    pl.col("regel"), pl.struct(spec.kolomnamen).struct.json_encode().alias("ruwe_waarden"), "reden")
                for reden, n in slecht.group_by("reden").len().iter_rows():
                    redenen[reden] = redenen.get(reden, 0) + n
                opslag.voeg_toe(con, "quarantaine", slecht.with_columns(
                    **{k: pl.lit(v) for k, v in sleutel.items()}).select(quarantaine_kolommen))
            onleesbaar = afgekeurd.select(
                pl.col("regel"), pl.struct(pl.col("ruw").alias("regel")).struct.json_encode().alias("ruwe_waarden"),
                (pl.lit(ONLEESBAAR) + pl.col("fout")).alias("reden"))
            for reden, n in onleesbaar.group_by("reden").len().iter_rows():
                redenen[reden] = redenen.get(reden, 0) + n
            opslag.voeg_toe(con, "quarantaine", onleesbaar.with_columns(
                **{k: pl.lit(v) for k, v in sleutel.items()}).select(quarantaine_kolommen))
            inlezing = _sluit_af(con, Inlezing(spec, geleverd=feiten["rijen"], geaccepteerd=geaccepteerd,
                                               quarantaine=sum(redenen.values()), redenen=redenen,
                                               extra_kolommen=feiten["extra"]), sleutel, feiten["sha256"], versie)
        return inlezing


def _sluit_af(con: duckdb.DuckDBPyConnection, inlezing: Inlezing, sleutel: dict, sha256: str, versie: str
              ) -> Inlezing:
    """The last write of an ingestion, inside its transaction: the file's counts, once delivered = accepted +
    quarantined holds (an invariant, not a data problem: the delivery check counted the same records)."""
    if inlezing.geaccepteerd + inlezing.quarantaine != inlezing.geleverd:
        raise RuntimeError(f"{inlezing.bestand.bron}/{inlezing.bestand.naam}: geleverd {inlezing.geleverd} != "
                           f"geaccepteerd {inlezing.geaccepteerd} + quarantaine {inlezing.quarantaine}")
    opslag.verwijder(con, "bestand_tellingen", sleutel)
    opslag.voeg_toe(con, "bestand_tellingen", pl.DataFrame([{
        **sleutel, "sha256": sha256, "geleverd": inlezing.geleverd, "geaccepteerd": inlezing.geaccepteerd,
        "quarantaine": inlezing.quarantaine, "extra_kolommen": ",".join(inlezing.extra_kolommen),
        "codeversie": versie}]))
    return inlezing


def _overgenomen(con: duckdb.DuckDBPyConnection, spec: Bestand, levering: Levering, versie: str) -> Inlezing | None:
    """The outcome of an earlier ingestion of the same bytes under the same `tellingversie`, or None: both paths
    take it over instead of reading the file again. Reasons most frequent first, equal counts by reason."""
    sleutel = [spec.bron, levering.leverdatum, spec.naam]
    eerder = con.sql("SELECT geleverd, geaccepteerd, quarantaine, extra_kolommen FROM bestand_tellingen "
                     "WHERE bron = ? AND leverdatum = ? AND bestand = ? AND sha256 = ? AND codeversie = ?",
                     params=[*sleutel, levering.bestanden[spec.naam]["sha256"], versie]).fetchall()
    if not eerder:
        return None
    g, a, q, extra = eerder[0]
    if not _gestaged(con, spec, levering.leverdatum, a, q, precies=False):
        return None  # retention removed its rows (pipelines/opschonen.py): judge the file again
    redenen = dict(con.sql("SELECT reden, count(*) FROM quarantaine WHERE bron = ? AND leverdatum = ? "
                           "AND bestand = ? GROUP BY reden ORDER BY count(*) DESC, reden", params=sleutel).fetchall())
    return Inlezing(spec, g, a, q, redenen, [e for e in (extra or "").split(",") if e], hergebruikt=True)


def _gestaged(con: duckdb.DuckDBPyConnection, spec: Bestand, leverdatum: date, geaccepteerd: int, quarantaine: int,
              precies: bool) -> bool:
    """Whether a delivery of the file still has its staged rows, its special personal data and its quarantine as
    `bestand_tellingen` counted them: retention (pipelines/opschonen.py) removes a delivery's rows, all of them,
    after the term but keeps the counts, and an outcome can only be taken over or copied from rows that are still
    there. `precies`: every count exactly (to copy rows), else only that none of them is gone (to take over an
    outcome: rows changed by hand since stay for the checks to find, tests/checks/test_controles.py)."""
    bijzonder, bijzonder_tabel = bijzondere_gegevens(spec)
    tellingen = [(spec.tabel, f"SELECT count(*) FROM {spec.tabel} WHERE leverdatum = ?", [leverdatum], geaccepteerd),
                 ("quarantaine", "SELECT count(*) FROM quarantaine WHERE bron = ? AND leverdatum = ? AND bestand = ?",
                  [spec.bron, leverdatum, spec.naam], quarantaine)]
    if bijzonder:
        tellingen.append((bijzonder_tabel, f"SELECT count(*) FROM {bijzonder_tabel} WHERE leverdatum = ?",
                          [leverdatum], geaccepteerd))
    for tabel, sql, params, verwacht in tellingen:
        n = con.sql(sql, params=params).fetchall()[0][0] if opslag.bestaat_tabel(con, tabel) else 0
        if (n != verwacht) if precies else (n == 0 < verwacht):
            return False
    return True


def _gekopieerd(con: duckdb.DuckDBPyConnection, spec: Bestand, levering: Levering, telling: str,
                types: list[tuple[str, str]]) -> Inlezing | None:
    """A file byte for byte the same as an earlier delivery of it that was judged under the same `tellingversie`
    (rules, key, and the bytes and versions of the files its orphan rules read) has the same outcome: that
    delivery's staged rows, special personal data and quarantine are copied under this leverdatum, in file order,
    instead of reading and judging the file again (a BRP extract whose addresses did not change, the municipality's
    daily files). None — judge the file — when there is no such delivery, when it is no longer staged in full
    (retention), or for a file that feeds the clients' table: its rows there are the delivery's, not the file's,
    and retention removes them apart from the staged rows, so a copy could not be checked."""
    if spec.tabel in ps.KLANTKOLOMMEN or not opslag.bestaat_tabel(con, spec.tabel):
        return None
    feiten = levering.bestanden[spec.naam]
    eerder = con.sql("SELECT leverdatum, geaccepteerd, quarantaine FROM bestand_tellingen WHERE bron = ? AND bestand = ? "
                     "AND sha256 = ? AND codeversie = ? AND leverdatum <> ? ORDER BY leverdatum DESC LIMIT 1",
                     params=[spec.bron, spec.naam, feiten["sha256"], telling, levering.leverdatum]).fetchall()
    if not eerder:
        return None
    oud, geaccepteerd, quarantaine = eerder[0]
    if not _gestaged(con, spec, oud, geaccepteerd, quarantaine, precies=True):
        return None
    bijzonder, bijzonder_tabel = bijzondere_gegevens(spec)
    sleutel = _sleutel(spec, levering)
    lever = f"DATE '{levering.leverdatum.isoformat()}'"
    with opslag.transactie(con):
        _maak_leeg(con, spec, levering.leverdatum, types)
        namen = ", ".join(f'"{n}"' for n, _ in types)
        # in file order without a sort: the earlier delivery's rows were inserted in file order in one statement,
        # and DuckDB keeps insertion order through a scan and filter (preserve_insertion_order)
        con.execute(f"INSERT INTO {spec.tabel} ({namen}) SELECT * REPLACE ({lever} AS leverdatum) FROM "
                    f"(SELECT {namen} FROM {spec.tabel} WHERE leverdatum = ?)", [oud])
        if bijzonder:
            con.execute(f"INSERT INTO {bijzonder_tabel} SELECT * REPLACE ({lever} AS leverdatum) FROM "
                        f"{bijzonder_tabel} WHERE leverdatum = ?", [oud])
        con.execute("INSERT INTO quarantaine (bron, leverdatum, bestand, regel, ruwe_waarden, reden) SELECT bron, "
                    f"{lever}, bestand, regel, ruwe_waarden, reden FROM quarantaine WHERE bron = ? AND leverdatum = ? "
                    "AND bestand = ? ORDER BY regel", [spec.bron, oud, spec.naam])
        # the reasons in the order the judging path reports them: rows by first line, then unparsable lines
        redenen = dict(con.sql(
            "SELECT reden, count(*) FROM quarantaine WHERE bron = ? AND leverdatum = ? AND bestand = ? GROUP BY reden "
            f"ORDER BY starts_with(reden, {sql_tekst(ONLEESBAAR)}), min(regel)",
            params=[spec.bron, levering.leverdatum, spec.naam]).fetchall())
        return _sluit_af(con, Inlezing(spec, geleverd=feiten["rijen"], geaccepteerd=int(geaccepteerd),
                                       quarantaine=int(quarantaine), redenen=redenen, extra_kolommen=feiten["extra"],
                                       rij_voor_rij=0, gekopieerd_van=oud), sleutel, feiten["sha256"], telling)


def tellingversie(con: duckdb.DuckDBPyConnection, versie: str, spec: Bestand, levering: Levering) -> str:
    """The version under which a file's outcome is kept in `bestand_tellingen` and taken over by a later
    ingestion of the same bytes: the rules' version and, when the file has orphan rules, per file they read its
    bytes and the version under which it was judged for this delivery (its rules decide which of its rows exist).
    The same file beside a changed personen.csv, or beside the same personen.csv judged under other rules, is
    judged again, since its orphans may have changed; its row verdicts still carry over (`rij_oordelen`)."""
    if not spec.verwijzingen:
        return versie
    doelen = []
    for v in dict.fromkeys(v.bestand for v in spec.verwijzingen):
        rij = opslag.eerste(con.sql("SELECT codeversie FROM bestand_tellingen WHERE bron = ? AND leverdatum = ? AND "
                                    "bestand = ?", params=[spec.bron, levering.leverdatum, v]))
        doelen.append(f"{v}:{levering.bestanden[v]['sha256']}:{rij[0] if rij else ''}")
    return f"{versie}-{hashlib.sha256('|'.join(doelen).encode()).hexdigest()[:12]}"


def _ph(kolom: str) -> str:
    """The column of `_rijen` that holds the pseudonym of BSN column `kolom` (computed once per row)."""
    return f'"_ph_{kolom}"'


def _verwijzing_waarde(spec: Bestand, kolom: str, berekend: bool = False) -> str:
    """The raw value of a referring column as the referenced staged table holds it: a BSN as its pseudonym
    (`berekend`: the row's pseudonym column, computed once in `lees_in`)."""
    if spec.kolom(kolom).type != BSN:
        return f'"{kolom}"'
    return _ph(kolom) if berekend else f'{ps.MACRO}("{kolom}")'


def _maak_klanten(con: duckdb.DuckDBPyConnection, spec: Bestand, leverdatum) -> None:
    if spec.tabel in ps.KLANTKOLOMMEN:
        opslag.maak(con, ps.KLANTEN, [("leverdatum", "DATE"), ("ph", "VARCHAR"), ("bsn", "VARCHAR")])
        opslag.verwijder(con, ps.KLANTEN, {"leverdatum": leverdatum})


def _klanten_pandera(con: duckdb.DuckDBPyConnection, spec: Bestand, goed: pl.DataFrame, leverdatum, key: bytes
                     ) -> None:
    if spec.tabel in ps.KLANTKOLOMMEN:
        bsns = pl.concat([goed[k] for k in ps.KLANTKOLOMMEN[spec.tabel]]).drop_nulls().unique()
        opslag.voeg_toe(con, ps.KLANTEN, pl.DataFrame({"leverdatum": [leverdatum] * len(bsns),
                                                       "ph": ps.pseudoniemen(bsns, key), "bsn": bsns}))


def _drempels(con: duckdb.DuckDBPyConnection, overgeslagen: np.ndarray) -> str:
    """The parsed records' line numbers when physical lines were skipped (unparsable or blank lines, their line
    numbers `overgeslagen`): record k sits on line k + 2 + #{i : s_i - i - 2 <= k}, s sorted. The thresholds go
    into a temporary table that an ASOF join reads (a list per row would cost rows x skipped lines); returns
    the SQL of the records with their line number `_regel`."""
    genummerd = f"(SELECT rowid AS _k, * FROM {GELEZEN})"
    if not len(overgeslagen):
        return f"SELECT *, _k + 2 AS _regel FROM {genummerd}"
    regels = np.unique(overgeslagen)
    drempel = regels - np.arange(regels.size) - 2  # non-decreasing
    tabel = pl.DataFrame({"d": drempel, "n": np.arange(1, regels.size + 1)}, schema={"d": pl.Int64, "n": pl.Int64}) \
        .group_by("d").agg(pl.col("n").max())  # noqa: F841 - read by name below
    con.execute("CREATE OR REPLACE TEMP TABLE _drempels AS SELECT d, n FROM tabel")
    return (f"SELECT g.*, g._k + 2 + coalesce(s.n, 0) AS _regel FROM {genummerd} g "
            "ASOF LEFT JOIN _drempels s ON g._k >= s.d")


# --- the engine: the row model compiled to SQL, one pass over the file inside DuckDB ----------------

def redenen_sql(spec: Bestand, leverdatum, heel_bestand: bool = True, records: str = GELEZEN
                ) -> list[tuple[str, str]]:
    """Every reason a row can fail, in the order the row model reports them, as (reason, SQL that is TRUE
    when the row fails it) over the raw text columns: per column (contract order) 'required' and its
    validity rules, then the cross-column rules, then duplicate keys and orphans (whole-file facts); a rule may
    also read its column's helper column (`met_hulpkolommen`).
    `records`: the table with every parsable record of the file (its raw key columns), where duplicate keys are
    counted."""
    uit: list[tuple[str, str]] = []
    for k in spec.kolommen:
        if k.verplicht:
            uit.append((f"{k.naam}: verplicht veld is leeg", f'"{k.naam}" IS NULL'))
        uit += validiteitsregels_sql(k)
    uit += [(r.reden, f"coalesce(NOT ({r.sql}), false)") for r in spec.regels]
    if not heel_bestand:
        return uit
    if spec.sleutel:
        gevuld = " AND ".join(f'"{k}" IS NOT NULL' for k in spec.sleutel)
        # (a window over the rows cost 18 M persons 30 of the statement's 59 CPU-seconds)
        uit.append(("duplicaat", f"CASE WHEN {gevuld} THEN {sleutelwaarde(spec.sleutel)} IN "
                                 f"({dubbele_sleutels(spec.sleutel, records, gevuld)}) ELSE false END"))
    for v in spec.verwijzingen:
        doel = f"{spec.bron}_{v.bestand.removesuffix('.csv')}"
        uit.append((f"{v.kolom}: komt niet voor in {v.bestand}",
                    f'coalesce("{v.kolom}" IS NOT NULL AND {_verwijzing_waarde(spec, v.kolom, True)} NOT IN (SELECT {v.doelkolom} FROM {doel} '
                    f"WHERE leverdatum = DATE '{leverdatum.isoformat()}'), false)"))
    return uit


def reden_sql(spec: Bestand, leverdatum, heel_bestand: bool = True) -> str:
    """One text column: NULL for an acceptable row, else its reasons joined by '; '."""
    delen = ", ".join(f"CASE WHEN {fout} THEN {sql_tekst(reden)} END"
                      for reden, fout in redenen_sql(spec, leverdatum, heel_bestand))
    return f"nullif(concat_ws('; ', {delen}), '')" if delen else "NULL::VARCHAR"


def met_bestand_redenen(spec: Bestand, leverdatum, rij: str, van: str, records: str = GELEZEN) -> str:
    """The rows of the query `van` with a column `reden`: their full reasons from the row-rule verdict `rij` (a
    column) and the whole-file facts (duplicate keys, orphans), which are always computed on the whole delivery
    (`records`: the table of all the file's parsable records, as in `redenen_sql`).
    Each fact is a column of its own before the reasons are joined, because `nullif` repeats its argument: an
    orphan rule written inside it would run its join against the referenced file twice."""
    alleen_rij = len(redenen_sql(spec, leverdatum, heel_bestand=False))
    heel = redenen_sql(spec, leverdatum, records=records)[alleen_rij:]
    feiten = [f"_feit{i}" for i in range(len(heel))]
    delen = "".join(f", CASE WHEN {k} THEN {sql_tekst(reden)} END" for k, (reden, _) in zip(feiten, heel))
    zonder = f" EXCLUDE ({', '.join(feiten)})" if feiten else ""
    return (f"SELECT *{zonder}, nullif(concat_ws('; ', {rij}{delen}), '') AS reden FROM "
            f"(SELECT *{''.join(f', {fout} AS {k}' for k, (_, fout) in zip(feiten, heel))} FROM ({van}))")


def regelversie(spec: Bestand) -> str:
    """The rule version of a file: a hash of its compiled rules and typing (not of the delivery)."""
    tekst = "|".join([CODEVERSIE, repr(spec), *(f"{r}={s}" for r, s in redenen_sql(spec, date(2000, 1, 1))),
                      *(f"{n}={s}" for n, s in hulpkolommen_sql(spec.kolommen)),
                      *(e for k in spec.kolommen for e in getypeerde_kolommen_sql(k))])
    return hashlib.sha256(tekst.encode()).hexdigest()[:12]


OORDELEN = "rij_oordelen"  # per file the row-rule verdict and pseudonyms of every row content of its latest ingestion
# Below this many rows, planning the rules statement costs more than running it: two of DuckDB's optimizer passes
# (common subexpressions, window self-join) take ~25 ms of its ~60 ms on a 300-row file, and save time only on
# large files (1 M rows: 15% less CPU with them). Off for small files only; they never change a result.
KLEIN = 20_000
KLEIN_OPTIMALISATIES = "common_subexpressions,window_self_join"


KAART = "_pseudoniemkaart"  # the name under which a cursor sees `_KAART`'s table while it judges a file
# Per key fingerprint: BSN text -> pseudonym, as the last file keyed by BSN that was judged in full in this process
# computed them (a first delivery of the BRP's personen, or one after a change of rules or key). The other files
# judged in full after it (verblijfplaatsen, relaties, ... of the same delivery) look their BSNs up instead of
# computing the HMAC again: at national scale 18 M persons, 80 M BSNs in verblijfplaatsen and relaties, each HMAC
# two SHA-256s. Kept in memory, never stored: whoever holds it can read a BSN from a pseudonym, as with the key.
# A pseudonym depends on the BSN and the key alone, so the table is right for any file under the same key;
# `vergeet_kaarten` drops it at the end of a Dagster run (kern/resources.py), and each new table replaces the last.
# DuckDB may spill the lookup's hash table to the werkmap's temporary directory, as it may the delivered rows.
_KAART: dict[str, object] = {}


def _maakt_kaart(spec: Bestand) -> bool:
    """Whether a file keyed by one BSN column (the BRP's personen) leaves `_KAART` when judged in full."""
    return len(spec.sleutel) == 1 and spec.kolom(spec.sleutel[0]).type == BSN


def _bewaar_kaart(con: duckdb.DuckDBPyConnection, key: bytes, kolom: str) -> None:
    """The pseudonyms just computed for the accepted rows of a file keyed by BSN column `kolom` (`_rijen`): one row
    per BSN, since the rule on duplicate keys quarantines every row of a BSN that occurs more than once."""
    _KAART.clear()
    _KAART[ps.kenmerk(key)] = con.sql(f'SELECT "{kolom}" AS bsn, {_ph(kolom)} AS ph FROM _rijen '
                                      f'WHERE reden IS NULL AND "{kolom}" IS NOT NULL').to_arrow_table()


@opslag.na_run
def vergeet_kaarten() -> None:
    """Drop the BSN -> pseudonym table of this process (the end of a run)."""
    _KAART.clear()


def inhoud_sql(spec: Bestand) -> str:
    """A row's content as one text over its contract columns (a JSON list: NULL distinct from any text, no two
    rows the same text), which the keyed content hash (`pseudoniem_inhoud`) turns into 128 bits."""
    return f"to_json([{', '.join(chr(34) + k + chr(34) for k in spec.kolomnamen)}])"


def _scan(pad, kolommen: list[str], spec: Bestand) -> str:
    """The file's parsable records in file order, the contract columns as text. Materialised into a table, the
    records keep file order (DuckDB preserves insertion order; the CSV reader's parallel blocks are put back in
    order), so the table's rowid numbers them from 0 without a window, which would read on one thread."""
    return (f"SELECT {', '.join(chr(34) + k + chr(34) for k in spec.kolomnamen)} "
            f"FROM read_csv('{str(pad).replace(chr(39), chr(39) * 2)}', {CSV_OPTIES}, columns={kolomtypes(kolommen)}, "
            f"store_rejects=true, rejects_table='{AFGEKEURD}', rejects_scan='{AFGEKEURD}_scan')")


def _onleesbaar(con: duckdb.DuckDBPyConnection, feiten: dict, tabel: str = AFGEKEURD) -> pl.DataFrame:
    """The unparsable lines of a scan (its rejects table), one row per line with the raw text and the errors, at
    their line in the file (`fysiek`: DuckDB counts a record that spans lines as one)."""
    # DuckDB reports a short row once per missing column ("Found: 5", "Found: 6", ...): the first says how many
    # fields the row has, the others would contradict it
    afgekeurd = con.sql(
        "SELECT line::BIGINT AS regel, any_value(trim(csv_line, chr(10) || chr(13))) AS ruw, "
        "string_agg(DISTINCT error_type::VARCHAR || ': ' || error_message, '; ' "
        "ORDER BY error_type::VARCHAR || ': ' || error_message) AS fout "
        f"FROM (SELECT * FROM {tabel} QUALIFY error_type::VARCHAR <> 'MISSING COLUMNS' "
        "OR column_idx = min(column_idx) OVER (PARTITION BY line, error_type)) GROUP BY line ORDER BY line").pl()
    return afgekeurd.with_columns(pl.Series("regel", fysiek(afgekeurd["regel"].to_list(), feiten), dtype=pl.Int64))


def _overgeslagen(afgekeurd: pl.DataFrame, feiten: dict, pad) -> np.ndarray:
    """The lines on which no parsed record begins: unparsable, blank and continuation lines (the blank ones found
    again in the file `pad` when there were more than its facts keep)."""
    vervolg = np.asarray(feiten.get("vervolgregels", []), dtype=np.int64)
    lege = np.setdiff1d(alle_lege_regels(pad), vervolg) if feiten.get("lege_regels_afgekapt") \
        else feiten.get("lege_regels", [])  # (a blank line inside a quoted field is a continuation line)
    return np.concatenate([np.asarray(d, dtype=np.int64) for d in (afgekeurd["regel"].to_numpy(), lege, vervolg)])


def _json_ruw(frame: pl.DataFrame, kolommen: list[str]) -> pl.Expr:
    return pl.struct(kolommen).struct.json_encode().alias("ruwe_waarden")


def lees_in(con: duckdb.DuckDBPyConnection, levering: Levering, spec: Bestand, voortgang=None,
            sleutel_: bytes | None = None) -> Inlezing:
    """Ingest one file of an accepted delivery into its staged table and the quarantine, in one transaction:
    a rerun of the same delivery replaces its rows. One pass over the file inside DuckDB gives every row its
    reasons (the row model compiled to SQL); accepted rows go into the staged table with INSERT ... SELECT,
    only the quarantined rows come to Python (to encode their raw values)."""
    with _planning(con, levering.bestanden[spec.naam]["rijen"]):
        return _lees_in(con, levering, spec, voortgang, sleutel_)


@contextmanager
def _planning(con: duckdb.DuckDBPyConnection, rijen: int):
    """Without the optimizer passes that cost more than they save on a small file (KLEIN), for the statements of
    one ingestion; the setting is the connection's again afterwards, also when the ingestion failed (after its
    transaction was rolled back: an aborted transaction refuses even a RESET)."""
    if rijen >= KLEIN:
        yield
        return
    con.execute(f"SET disabled_optimizers = '{KLEIN_OPTIMALISATIES}'")
    try:
        yield
    finally:
        con.execute("RESET disabled_optimizers")


def _lees_in(con: duckdb.DuckDBPyConnection, levering: Levering, spec: Bestand, voortgang,
             sleutel_: bytes | None) -> Inlezing:
    feiten = levering.bestanden[spec.naam]
    sleutel = _sleutel(spec, levering)
    # the key of the werkmap unless given: the staged table records which key made its pseudonyms
    key = sleutel_ if sleutel_ is not None else ps.sleutel(ps.werkmap_van(con))
    versie = f"{regelversie(spec)}-{ps.kenmerk(key)}"  # of the row verdicts; of the file's outcome: `telling`
    telling = tellingversie(con, versie, spec, levering)
    if (eerder := _overgenomen(con, spec, levering, telling)) is not None:
        return eerder
    types = _staged_types(spec)
    if (kopie := _gekopieerd(con, spec, levering, telling, types)) is not None:
        return kopie

    pad, kolommen = levering.pad / spec.naam, feiten["kolommen"]
    # persons by pseudonym from ingestion on: a BSN column is staged as the HMAC of the validated BSN
    bsn_kolommen = [k.naam for k in spec.kolommen if k.type == BSN]
    getypeerd = [e for k in spec.kolommen if not k.bijzonder
                 for e in ([_ph(k.naam)] if k.type == BSN else getypeerde_kolommen_sql(k))]
    quarantaine_kolommen = ["bron", "leverdatum", "bestand", "regel", "ruwe_waarden", "reden"]
    lever = f"DATE '{levering.leverdatum.isoformat()}'"
    namen = ", ".join(f'"{n}"' for n, _ in types)

    def uitvoeren(sql: str, fase: str) -> list[tuple]:  # a long statement reports its progress when asked to
        if voortgang is not None:
            return voortgang.volg(con, sql, feiten["rijen"], fase)
        return con.execute(sql).fetchall()

    # The scan first, on its own and in parallel, into a temporary table whose rowid numbers the records in file
    # order; the rules, hashes and pseudonyms below then run in parallel over the materialised records. Outside
    # the transaction, which writes nothing here: a table made inside one numbers its uncommitted rows from
    # DuckDB's transaction-local row ids instead of 0.
    for t in (AFGEKEURD, f"{AFGEKEURD}_scan"):
        con.execute(f"DROP TABLE IF EXISTS temp.{t}")
    with leesbaar(pad, feiten) as lezen:  # a file with both \n and \r\n line ends: through a copy with one
        uitvoeren(f"CREATE OR REPLACE TEMP TABLE {GELEZEN} AS {_scan(lezen, kolommen, spec)}", "lezen")
    eerste_k, laatste_k, records = con.sql(f"SELECT min(rowid), max(rowid), count(*) FROM {GELEZEN}").fetchall()[0]
    if records and (eerste_k, laatste_k) != (0, records - 1):
        raise RuntimeError(f"{spec.naam}: records genummerd {eerste_k}..{laatste_k}, verwacht 0..{records - 1}")
    afgekeurd = _onleesbaar(con, feiten)  # blank lines are no records, but they are lines
    gelezen = _drempels(con, _overgeslagen(afgekeurd, feiten, pad))

    with opslag.transactie(con):
        bijzonder, bijzonder_tabel = _maak_leeg(con, spec, levering.leverdatum, types)
        ps.maak_macro(con, key)
        # row rules only for rows whose content no earlier delivery of this file had under the same rules
        rij = reden_sql(spec, levering.leverdatum, heel_bestand=False)
        con.execute(f"CREATE TABLE IF NOT EXISTS {OORDELEN} (bron VARCHAR, bestand VARCHAR, regelversie VARCHAR, "
                    "inhoud UHUGEINT, reden VARCHAR, pseudoniemen VARCHAR[])")
        if not con.sql(f"SELECT 1 FROM information_schema.columns WHERE table_name = '{OORDELEN}' AND "
                       "column_name = 'pseudoniemen' AND table_catalog = current_database()").fetchall():
            # a werkmap of before pseudonyms were carried over: its verdicts go, the next delivery is judged in full
            con.execute(f"DELETE FROM {OORDELEN}")
            con.execute(f"ALTER TABLE {OORDELEN} ADD COLUMN pseudoniemen VARCHAR[]")
        oordelen = con.sql(
            f"SELECT 1 FROM {OORDELEN} WHERE bron = ? AND bestand = ? AND regelversie = ? LIMIT 1",
            params=[spec.bron, spec.naam, versie]).fetchall()
        # each BSN's pseudonym once per row, in a subquery: the orphan rule and the INSERTs read that column. A row
        # whose content an earlier delivery had carries over its pseudonyms too (the same content, the same key:
        # the rule version holds the key's fingerprint), so only new and changed rows pay for the HMAC
        kaart = None
        # the rules read helper columns (the integer value of a canonical BSN or date), computed only for the rows
        # they judge
        hulp = [n for n, _ in hulpkolommen_sql(spec.kolommen)]
        if oordelen:
            bron_sql = (f"SELECT * EXCLUDE (_oud_reden), CASE WHEN _nieuw THEN {rij} ELSE _oud_reden END AS _rij FROM ("
                        + met_hulpkolommen(spec.kolommen, (
                            f"SELECT s.*, o.reden AS _oud_reden, o._h IS NULL AS _nieuw, o._oud_ph FROM (SELECT *, "
                            f"{ps.MACRO}_inhoud({inhoud_sql(spec)}) AS _h FROM ({gelezen})) s LEFT JOIN (SELECT inhoud "
                            f"AS _h, reden, pseudoniemen AS _oud_ph FROM {OORDELEN} WHERE bron = '{spec.bron}' AND "
                            f"bestand = {sql_tekst(spec.naam)} AND regelversie = '{versie}') o USING (_h)"), "_nieuw")
                        + ")")
            met_ph = "".join(f', CASE WHEN _oud_ph IS NULL THEN {ps.MACRO}("{k}") ELSE _oud_ph[{i}] END AS {_ph(k)}'
                             for i, k in enumerate(bsn_kolommen, start=1))
        else:
            # judged in full: a BSN whose pseudonym a file keyed by BSN computed earlier in this process (the BRP's
            # personen, judged in full too) is looked up instead of hashed again (`_KAART`)
            kaart = _KAART.get(ps.kenmerk(key)) if bsn_kolommen and not _maakt_kaart(spec) else None
            gezocht, opzoeken = "", ""
            if kaart is not None:
                gezocht = "".join(f", _kp{i}" for i in range(len(bsn_kolommen)))
                opzoeken = "".join(f" LEFT JOIN (SELECT bsn AS _kb{i}, ph AS _kp{i} FROM {KAART}) _m{i} "
                                   f'ON _m{i}._kb{i} = s."{k}"' for i, k in enumerate(bsn_kolommen))
            bron_sql = (f"SELECT s.*, {ps.MACRO}_inhoud({inhoud_sql(spec)}) AS _h, {rij} AS _rij, true AS _nieuw, "
                        f"NULL::VARCHAR[] AS _oud_ph{gezocht} FROM ({met_hulpkolommen(spec.kolommen, gelezen)}) s"
                        f"{opzoeken}")
            met_ph = "".join(f', coalesce(_kp{i}, {ps.MACRO}("{k}")) AS {_ph(k)}' if kaart is not None
                             else f', {ps.MACRO}("{k}") AS {_ph(k)}' for i, k in enumerate(bsn_kolommen))
        weg = ", ".join(["_oud_ph", *(f'"{n}"' for n in hulp),
                         *(f"_kp{i}" for i in range(len(bsn_kolommen)) if kaart is not None)])
        beoordeel = "CREATE OR REPLACE TEMP TABLE _rijen AS " + met_bestand_redenen(
            spec, levering.leverdatum, "_rij", f"SELECT * EXCLUDE ({weg}){met_ph} FROM ({bron_sql})")
        if kaart is not None:
            con.register(KAART, kaart)
        try:
            uitvoeren(beoordeel, "regels")
        finally:
            if kaart is not None:
                con.unregister(KAART)
        if not oordelen and _maakt_kaart(spec):
            _bewaar_kaart(con, key, bsn_kolommen[0])
        con.execute(f"DROP TABLE {GELEZEN}")
        con.execute("DROP TABLE IF EXISTS _drempels")
        # in file order: sorted on the delivered text before it is typed (a GBA date becomes three columns), so the
        # sort carries fewer and smaller values; the projection after it keeps the order
        ruw = ", ".join(_ph(k.naam) if k.type == BSN else f'"{k.naam}"' for k in spec.kolommen if not k.bijzonder)
        # (a gbadatum is typed from its helper column, computed again after the sort rather than carried through it)
        gesorteerd = f"SELECT {ruw}, _regel FROM _rijen WHERE reden IS NULL ORDER BY _k"
        geaccepteerd = uitvoeren(
            f"INSERT INTO {spec.tabel} ({namen}) SELECT {', '.join(getypeerd)}, _regel, {lever} FROM "
            f"({met_hulpkolommen([k for k in spec.kolommen if k.type == GBADATUM], gesorteerd)})", "opslaan")[0][0]
        if spec.tabel in ps.KLANTKOLOMMEN:  # the BSN of the municipality's own clients, by pseudonym
            klant = ps.KLANTKOLOMMEN[spec.tabel]
            con.execute(f"INSERT INTO {ps.KLANTEN} SELECT DISTINCT {lever}, ph, b FROM (SELECT unnest(["
                        + ", ".join(_ph(k) for k in klant) + "]) AS ph, unnest([" + ", ".join(f'"{k}"' for k in klant)
                        + "]) AS b FROM _rijen WHERE reden IS NULL) WHERE b IS NOT NULL")
        if bijzonder:  # special personal data: a separate table in the audit schema, never a theme input. Read by
            # its key only (bias_audit/kenmerken.sql), so in no particular order: a sort of every row costs 3-4 s at
            # national scale
            con.execute(f"INSERT INTO {bijzonder_tabel} SELECT {_ph(spec.sleutel[0])}, "
                        f"{', '.join(chr(34) + b + chr(34) for b in bijzonder)}, {lever} FROM _rijen "
                        "WHERE reden IS NULL")
        slecht = con.sql(f"SELECT _regel AS regel, {', '.join(chr(34) + k + chr(34) for k in spec.kolomnamen)}, "
                         "reden FROM _rijen WHERE reden IS NOT NULL ORDER BY _k").pl()
        rij_voor_rij = con.sql("SELECT count(*) FILTER (_nieuw) FROM _rijen").fetchall()[0][0]
        # this delivery's row verdicts are what the next delivery of the file carries over
        # (only the difference is written: the contents this delivery no longer has go, its new contents come in)
        con.execute(f"DELETE FROM {OORDELEN} WHERE bron = ? AND bestand = ? AND (regelversie <> ? OR inhoud NOT IN "
                    "(SELECT _h FROM _rijen))", [spec.bron, spec.naam, versie])
        pseudoniemen = f"[{', '.join(_ph(k) for k in bsn_kolommen)}]" if bsn_kolommen else "NULL::VARCHAR[]"
        # one verdict per content: only contents that occur more than once (identical rows) are grouped, the
        # others go in as they are (half the cost of grouping every row with its verdict)
        vast = f"'{spec.bron}', {sql_tekst(spec.naam)}, '{versie}', _h"
        uitvoeren(f"INSERT INTO {OORDELEN} WITH meer AS (SELECT _h FROM _rijen WHERE _nieuw GROUP BY _h "
                  f"HAVING count(*) > 1) SELECT {vast}, _rij, {pseudoniemen} FROM _rijen WHERE _nieuw AND _h NOT IN "
                  f"(SELECT _h FROM meer) UNION ALL SELECT {vast}, any_value(_rij), any_value({pseudoniemen}) "
                  "FROM _rijen WHERE _nieuw AND _h IN (SELECT _h FROM meer) GROUP BY _h", "oordelen bewaren")
        con.execute("DROP TABLE _rijen")
        slecht = slecht.select("regel", _json_ruw(slecht, spec.kolomnamen), "reden")
        onleesbaar = afgekeurd.select(
            pl.col("regel"), pl.struct(pl.col("ruw").alias("regel")).struct.json_encode().alias("ruwe_waarden"),
            (pl.lit(ONLEESBAAR) + pl.col("fout")).alias("reden"))
        redenen: dict[str, int] = {}
        for deel in (slecht, onleesbaar):
            for reden, n in deel.group_by("reden", maintain_order=True).len().iter_rows():
                redenen[reden] = redenen.get(reden, 0) + n
            opslag.voeg_toe(con, "quarantaine", deel.with_columns(
                **{k: pl.lit(v) for k, v in sleutel.items()}).select(quarantaine_kolommen))
        inlezing = _sluit_af(con, Inlezing(spec, geleverd=feiten["rijen"], geaccepteerd=int(geaccepteerd),
                                           quarantaine=sum(redenen.values()), redenen=redenen,
                                           extra_kolommen=feiten["extra"], rij_voor_rij=int(rij_voor_rij)),
                             sleutel, feiten["sha256"], telling)
    return inlezing

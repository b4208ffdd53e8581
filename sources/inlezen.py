"""The one CSV reader, row model and quarantine writer for every delivered file.

Flow per file: DuckDB parses the contract's CSV dialect (rows it cannot parse are kept with their
line), a pandera (polars) row model built from the file's `Bestand` finds invalid values,
duplicates and broken cross-column rules, a lookup finds orphans; every failing row goes to
`quarantaine` with file, line, raw values and reasons, the rest is typed and staged. Delivered =
accepted + quarantined, always.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandera.polars as pa
import polars as pl

from sources import opslag
from sources.contract import Bestand, duckdb_type, getypeerde_kolommen, validiteitsregels
from sources.levering import CSV_OPTIES, Levering, kolomtypes

CODEVERSIE = "1"  # bump when the reading or validation rules change: forces re-ingestion


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


def rijmodel(spec: Bestand) -> pa.DataFrameSchema:
    """The pandera row model of a file: the contract's rules over the raw text columns."""

    def check(reden: str, ok: pl.Expr) -> pa.Check:
        return pa.Check(lambda data, ok=ok: data.lazyframe.select(ok), name=reden, error=reden)

    kolommen = {
        k.naam: pa.Column(pl.Utf8, nullable=not k.verplicht,
                          unique=spec.sleutel == (k.naam,), report_duplicates="all",
                          checks=[check(r, ok) for r, ok in validiteitsregels(k)])
        for k in spec.kolommen
    }
    return pa.DataFrameSchema(
        kolommen,
        checks=[check(reden, ok.fill_null(True)) for reden, ok in spec.regels],
        unique=list(spec.sleutel) if len(spec.sleutel) > 1 else None,
        report_duplicates="all",
        name=spec.naam,
    )


def _reden(kolom: str | None, check: str) -> str:
    if check == "not_nullable":
        return f"{kolom}: verplicht veld is leeg"
    if check in ("field_uniqueness", "multiple_fields_uniqueness") or "uniqueness" in check:
        return "duplicaat"
    return check


def redenen_per_rij(spec: Bestand, frame: pl.DataFrame) -> pl.DataFrame:
    """Row index -> '; '-joined reasons, for every row that fails the row model."""
    try:
        rijmodel(spec).validate(frame, lazy=True)
        return pl.DataFrame(schema={"index": pl.Int64, "reden": pl.Utf8})
    except pa.errors.SchemaErrors as fouten:
        fc = fouten.failure_cases
    fc = fc.filter(pl.col("index").is_not_null())
    redenen = [_reden(k, c) for k, c in zip(fc["column"].to_list(), fc["check"].to_list())] if fc.height < 2_000_000 \
        else None
    if redenen is None:  # vectorised path for very large failure sets
        redenen = fc.select(pl.when(pl.col("check") == "not_nullable")
                            .then(pl.col("column") + ": verplicht veld is leeg")
                            .when(pl.col("check").str.contains("uniqueness")).then(pl.lit("duplicaat"))
                            .otherwise(pl.col("check"))).to_series()
    return (fc.select(pl.col("index").cast(pl.Int64), pl.Series("reden", redenen, dtype=pl.Utf8))
            .unique(maintain_order=True)
            .group_by("index", maintain_order=True).agg(pl.col("reden").str.join("; ")))


def _lees_csv(pad, kolommen: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All parsable records as text (in file order) and the unparsable ones with their line."""
    con = duckdb.connect()
    try:
        frame = con.sql(f"SELECT * FROM read_csv(?, {CSV_OPTIES}, columns={kolomtypes(kolommen)}, store_rejects=true)",
                        params=[str(pad)]).pl()
        afgekeurd = con.sql(
            "SELECT line::BIGINT AS regel, any_value(trim(csv_line, chr(10) || chr(13))) AS ruw, "
            "string_agg(DISTINCT error_type::VARCHAR || ': ' || error_message, '; ') AS fout "
            "FROM reject_errors GROUP BY line ORDER BY line").pl()
    finally:
        con.close()
    return frame, afgekeurd


def _regelnummers(n_goed: int, afgekeurde_regels: np.ndarray) -> np.ndarray:
    """Line numbers of the parsed records: header is line 1, rejected lines are skipped."""
    totaal = n_goed + len(afgekeurde_regels)
    alle = np.arange(2, totaal + 2, dtype=np.int64)
    return alle[~np.isin(alle, afgekeurde_regels)] if len(afgekeurde_regels) else alle


def codeversie(spec: Bestand) -> str:
    return hashlib.sha256(f"{CODEVERSIE}|{spec!r}".encode()).hexdigest()[:12]


def lees_in(con: duckdb.DuckDBPyConnection, levering: Levering, spec: Bestand) -> Inlezing:
    """Ingest one file of an accepted delivery into its staged table and the quarantine."""
    feiten = levering.bestanden[spec.naam]
    sleutel = {"bron": spec.bron, "leverdatum": levering.leverdatum, "bestand": spec.naam}
    versie = codeversie(spec)
    eerder = con.sql("SELECT geleverd, geaccepteerd, quarantaine, extra_kolommen FROM bestand_tellingen "
                     "WHERE bron = ? AND leverdatum = ? AND bestand = ? AND sha256 = ? AND codeversie = ?",
                     params=[spec.bron, levering.leverdatum, spec.naam, feiten["sha256"], versie]).fetchall()
    if eerder:
        g, a, q, extra = eerder[0]
        redenen = dict(con.sql("SELECT reden, count(*) FROM quarantaine WHERE bron = ? AND leverdatum = ? "
                               "AND bestand = ? GROUP BY reden", params=list(sleutel.values())).fetchall())
        return Inlezing(spec, g, a, q, redenen, [e for e in (extra or "").split(",") if e], hergebruikt=True)

    ruw, afgekeurd = _lees_csv(levering.pad / spec.naam, feiten["kolommen"])
    regels = _regelnummers(ruw.height, afgekeurd["regel"].to_numpy())
    frame = ruw.select(spec.kolomnamen).with_columns(pl.Series("regel", regels))

    fouten = redenen_per_rij(spec, frame.drop("regel"))
    frame = frame.with_row_index("index").with_columns(pl.col("index").cast(pl.Int64))
    frame = frame.join(fouten, on="index", how="left").drop("index")
    for v in spec.verwijzingen:
        doel = f"{spec.bron}_{v.bestand.removesuffix('.csv')}"
        bekend = con.sql(f"SELECT DISTINCT {v.doelkolom} AS k FROM {doel} WHERE leverdatum = ?",
                         params=[levering.leverdatum]).pl()["k"]
        wees = pl.col(v.kolom).is_not_null() & ~pl.col(v.kolom).is_in(bekend.implode())
        frame = frame.with_columns(
            pl.when(wees).then(pl.concat_str([pl.col("reden"), pl.lit(f"{v.kolom}: komt niet voor in {v.bestand}")],
                                             separator="; ", ignore_nulls=True))
            .otherwise(pl.col("reden")).alias("reden"))

    fout = pl.col("reden").is_not_null()
    geweigerd = frame.filter(fout)
    quarantaine = pl.concat([
        geweigerd.select(pl.col("regel"),
                         pl.struct(spec.kolomnamen).struct.json_encode().alias("ruwe_waarden"),
                         pl.col("reden")),
        afgekeurd.select(pl.col("regel"), pl.struct(pl.col("ruw").alias("regel")).struct.json_encode()
                         .alias("ruwe_waarden"),
                         (pl.lit("regel niet leesbaar als CSV: ") + pl.col("fout")).alias("reden")),
    ]).sort("regel").with_columns(**{k: pl.lit(v) for k, v in sleutel.items()})
    geaccepteerd = frame.filter(~fout)

    getypeerd = geaccepteerd.select(
        [e for k in spec.kolommen if not k.bijzonder for e in getypeerde_kolommen(k)]
        + [pl.col("regel"), pl.lit(levering.leverdatum).alias("leverdatum")])
    types = [t for k in spec.kolommen if not k.bijzonder for t in duckdb_type(k)] + [
        ("regel", "BIGINT"), ("leverdatum", "DATE")]
    opslag.vervang(con, spec.tabel, getypeerd, {"leverdatum": levering.leverdatum}, types)
    bijzonder = [k.naam for k in spec.kolommen if k.bijzonder]
    if bijzonder:  # special personal data: a separate table in the audit schema, never a theme input
        opslag.vervang(con, f"audit.{spec.tabel}_bijzonder",
                       geaccepteerd.select(spec.sleutel[0], *bijzonder,
                                           pl.lit(levering.leverdatum).alias("leverdatum")),
                       {"leverdatum": levering.leverdatum},
                       [(spec.sleutel[0], "VARCHAR"), *[(b, "VARCHAR") for b in bijzonder], ("leverdatum", "DATE")])
    opslag.vervang(con, "quarantaine", quarantaine.select("bron", "leverdatum", "bestand", "regel", "ruwe_waarden",
                                                            "reden"), sleutel)
    inlezing = Inlezing(spec, geleverd=feiten["rijen"], geaccepteerd=geaccepteerd.height,
                        quarantaine=quarantaine.height,
                        redenen=dict(quarantaine.group_by("reden").len().iter_rows()),
                        extra_kolommen=feiten["extra"])
    if inlezing.geaccepteerd + inlezing.quarantaine != inlezing.geleverd:
        # Only possible when quoted fields span lines in a way the parser counted differently.
        raise RuntimeError(f"{spec.bron}/{spec.naam}: geleverd {inlezing.geleverd} != geaccepteerd "
                           f"{inlezing.geaccepteerd} + quarantaine {inlezing.quarantaine}")
    opslag.vervang(con, "bestand_tellingen", pl.DataFrame([{
        **sleutel, "sha256": feiten["sha256"], "geleverd": inlezing.geleverd, "geaccepteerd": inlezing.geaccepteerd,
        "quarantaine": inlezing.quarantaine, "extra_kolommen": ",".join(inlezing.extra_kolommen),
        "codeversie": versie}]), sleutel)
    return inlezing

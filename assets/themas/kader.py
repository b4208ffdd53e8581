"""What every theme control shares: the one door to the data, the population, exclusions, the control
sample, signal ids, `filter_versie` and the funnel recorder.

A theme module only states its rule (`bereken`); everything the menselijke maat demands of all
themes (domain.md: exclusions, kwetsbaar routing, the control sample, partial dates) happens here once.
"""
from __future__ import annotations

import ast
import csv
import hashlib
import importlib
import importlib.util
import io
import itertools
import json
import math
import tokenize
import types
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl
from polars.io.plugins import register_io_source

from kern import omgeving, opslag
from kern.configuratie import ConfiguratieFout, Model
from kern.sjablonen import nl_datum, nl_euro, nl_getal  # noqa: F401 - the Dutch formats of every theme
from sources import pseudoniem

# Special personal data: exists in the BRP extract for the bias audit only (domain.md). The staged
# brp_personen table does not even hold these columns; `Invoer` refuses them by name as well.
BIJZONDERE_VELDEN = frozenset({"brp.personen.geboorteland", "brp.personen.nationaliteit"})

# Fields every theme reads for the population and the exclusions.
GEMEENSCHAPPELIJKE_VELDEN = (
    "gemeente.uitkeringen.dossier_id", "gemeente.uitkeringen.bsn", "gemeente.uitkeringen.partner_bsn",
    "gemeente.uitkeringen.regeling", "gemeente.uitkeringen.normcategorie", "gemeente.uitkeringen.kostendelers",
    "gemeente.uitkeringen.datum_aanvang", "gemeente.uitkeringen.datum_einde", "gemeente.uitkeringen.kwetsbaar",
    "brp.personen.bsn", "brp.personen.datum_overlijden",
    "gemeente.onderzoeken.dossier_id", "gemeente.onderzoeken.thema", "gemeente.onderzoeken.uitkomst",
    "gemeente.onderzoeken.datum_start", "gemeente.onderzoeken.datum_einde", "gemeente.onderzoeken.bsn",
)

# Sources the exclusions read: a quarantined row of one of them may be exactly the exclusion that protects
# a resident, so its dossier is held out (domain.md, 'Unreadable evidence never turns into a signal').
# (bron, bestand, key fields that tie a row to a dossier, exclusion reason)
UITSLUITINGSBRONNEN = (
    ("gemeente", "onderzoeken", ("dossier_id", "bsn"), "onderzoeksgegevens onleesbaar"),
    ("brp", "personen", ("bsn",), "persoonsgegevens (BRP) onleesbaar"),
)


# Columns of every signal list and where they come from, whatever the theme (see Thema.kolom_lineage).
STANDAARD_LINEAGE = {"dossier_id": ("gemeente.uitkeringen.dossier_id",), "bsn": ("gemeente.uitkeringen.bsn",),
                     "kwetsbaar": ("gemeente.uitkeringen.kwetsbaar",)}


class VerbodenVeld(Exception):
    """A theme asked for a field it may not read (special data, or not declared)."""


class BronNietBeschikbaar(Exception):
    """The source has no accepted delivery for this peildatum."""


class ParameterFout(ConfiguratieFout):
    """The parameters lack something the rule needs for this peildatum; never guessed."""


def scan(con: duckdb.DuckDBPyConnection, sql: str, params: list,
         binnen: dict[str, pl.Series] | None = None) -> pl.LazyFrame:
    """A lazy Polars scan of a DuckDB query: Polars pushes its projections and filters down into DuckDB,
    so only the rows a rule needs leave the database. `binnen` (column -> allowed values) is a semi-join
    done inside DuckDB, so that e.g. only the residents of the addresses that matter are read, not the
    whole country. Every scan runs on a cursor of its own, so one plan may read a table twice (a
    self-join) or several tables at once."""
    binnen = binnen or {}
    if binnen:
        sql = f"SELECT * FROM ({sql}) q WHERE " + " AND ".join(
            f'q."{k}" IN (SELECT waarde FROM _binnen_{i})' for i, k in enumerate(binnen))

    def cursor() -> duckdb.DuckDBPyConnection:
        c = con.cursor()
        for i, waarden in enumerate(binnen.values()):
            c.register(f"_binnen_{i}", pl.DataFrame({"waarde": waarden.unique()}).to_arrow())
        return c

    schema = cursor().sql(f"SELECT * FROM ({sql}) LIMIT 0", params=params).pl().schema

    def bron(with_columns, predicate, n_rows, batch_size):
        lf = cursor().sql(sql, params=params).pl(lazy=True)
        if with_columns is not None:
            lf = lf.select(with_columns)
        if predicate is not None:
            lf = lf.filter(predicate)
        if n_rows is not None:
            lf = lf.head(n_rows)
        yield lf.collect()

    return register_io_source(bron, schema=schema, is_pure=True)


def _staged_kolommen(spec) -> frozenset[str]:
    """The columns of a file's staged table (sources/inlezen.py): never a special column, which is staged apart
    for the bias audit only."""
    from sources.contract import duckdb_type

    return frozenset(n for k in spec.kolommen if not k.bijzonder for n, _ in duckdb_type(k)) | {"regel", "leverdatum"}


def verbinding_van(inv: "Invoer") -> duckdb.DuckDBPyConnection:
    """The connection behind an Invoer, for the framework's own code (the exclusions' quarantine lookup, the
    verrekening's set-based query) — never for a theme module: a test fails when a
    theme uses it or anything else than the Invoer's public methods (tests/themas/test_alleen_invoer.py)."""
    return inv._con


class Invoer:
    """The only way theme code reads data: declared fields of the accepted delivery, never special data."""

    def __init__(self, con: duckdb.DuckDBPyConnection, peildatum: date, velden: tuple[str, ...]):
        # no public connection: theme code reads through `lees` only (domain.md: special data must be impossible
        # to read for a theme, not just unlikely); tests/themas/test_alleen_invoer.py holds theme modules to this
        self._con, self.peildatum = con, peildatum
        self.velden = frozenset(velden) | frozenset(GEMEENSCHAPPELIJKE_VELDEN)
        self._leverdata: dict[str, date] = {}

    def leverdatum(self, bron: str) -> date:
        if bron not in self._leverdata:
            self._leverdata.update(opslag.geaccepteerde_leveringen(self._con, self.peildatum))
        if bron not in self._leverdata:
            raise BronNietBeschikbaar(f"bron {bron} heeft geen geaccepteerde levering voor {self.peildatum}")
        return self._leverdata[bron]

    def levering_id(self, bron: str) -> str:
        """What identifies the run's delivery of a source as staged: the database, the delivery date and each
        file's content and rule version (a corrected delivery on the same date is another one). A key for what
        theme code derives once and shares (wonen.bewoners)."""
        database = opslag.database_van(self._con)
        staged = self._con.sql("SELECT string_agg(bestand || sha256 || codeversie, ',' ORDER BY bestand) "
                               "FROM bestand_tellingen WHERE bron = ? AND leverdatum = ?",
                               params=[bron, self.leverdatum(bron)]).fetchall()[0][0]
        return "\n".join([str(database), bron, str(self.leverdatum(bron)), str(staged)])

    def lees(self, bron: str, bestand: str, *kolommen: str, binnen: dict[str, pl.Series] | None = None
             ) -> pl.LazyFrame:
        """Declared columns of the run's accepted delivery; `binnen` limits rows to known key values. Only
        files and columns of the contract (sources/), never a special column, whatever a theme declares."""
        from sources.register import PER_BRON

        spec = next((s for s in PER_BRON.get(bron, ()) if s.stam == bestand), None)
        if spec is None:
            raise VerbodenVeld(f"{bron}.{bestand} is geen bestand van het contract")
        for k in [*kolommen, *(binnen or {})]:
            veld = f"{bron}.{bestand}.{k.removesuffix('_vroegst').removesuffix('_laatst')}"
            if veld in BIJZONDERE_VELDEN:
                raise VerbodenVeld(f"{veld} is een bijzonder persoonsgegeven: alleen de bias-audit mag het lezen")
            if veld not in self.velden:
                raise VerbodenVeld(f"{veld} is niet gedeclareerd als bronveld van dit thema")
            if k not in _staged_kolommen(spec):
                raise VerbodenVeld(f"{veld} is geen kolom van {bron}/{bestand}.csv zoals die klaarstaat")
        cols = ", ".join(f'"{k}"' for k in kolommen)
        return scan(self._con, f"SELECT {cols} FROM {bron}_{bestand} WHERE leverdatum = ?", [self.leverdatum(bron)],
                    binnen)


    def onleesbaar(self, bron: str, bestand: str, *sleutels: str) -> pl.DataFrame:
        """Key values readable from the quarantined rows of the run's delivery of this file: one row per
        (regel, waarde). A row kept whole (invalid values) gives its declared key fields; a line that could
        not even be parsed as CSV gives every field of it, to be matched against known keys by the caller."""
        for k in sleutels:
            if f"{bron}.{bestand}.{k}" not in self.velden:
                raise VerbodenVeld(f"{bron}.{bestand}.{k} is niet gedeclareerd als bronveld van dit thema")
        rijen = self._con.sql("SELECT regel, ruwe_waarden FROM quarantaine WHERE bron = ? AND leverdatum = ? "
                             "AND bestand = ?", params=[bron, self.leverdatum(bron), f"{bestand}.csv"]).fetchall()
        uit = []
        for regel, ruw in rijen:
            try:
                waarden = json.loads(ruw)
            except (TypeError, ValueError):
                waarden = {"regel": str(ruw)}
            if any(k in waarden for k in sleutels):
                uit += [(regel, str(waarden[k]).strip()) for k in sleutels if waarden.get(k) not in (None, "")]
            else:  # an unparsable line: its fields, split as the contract's CSV dialect would
                tekst = str(waarden.get("regel", ""))
                uit += [(regel, w.strip()) for w in next(csv.reader([tekst.replace("\n", " ")], delimiter=";"), [])
                        if w.strip()]
        return pl.DataFrame(uit, schema={"regel": pl.Int64, "waarde": pl.Utf8}, orient="row")


@dataclass
class Uitkomst:
    """A theme's rule applied: its own funnel steps and its hits with their facts."""

    stappen: dict[str, pl.DataFrame]  # step id -> frame with dossier_id (between population and rule)
    treffers: pl.DataFrame  # dossier_id, reden, bewijs (dict), prioriteit, onvolledig (text or null)
    opmerkingen: list[str] = field(default_factory=list)  # e.g. an unconfirmed legal amount


class ThemaParameters(Model):
    """The parameters every theme section may carry besides its own (parameters.yaml)."""

    # factor -> why a deviation on it is legitimate for this theme (read by the bias audit)
    legitieme_factoren: dict[str, str] | None = None


class Algemeen(Model):
    """Section `algemeen` of parameters.yaml: exclusions and the control sample, the same for every theme."""

    uitsluiting_geen_afwijking_maanden: int
    steekproef_fractie: float
    steekproef_minimum: int
    steekproef_zaad: int


@dataclass(frozen=True, kw_only=True)
class Thema:
    """The one record of a theme control: identity, the rule in words (rendered from the parameters in force),
    its parameter model, legal basis and categories, what it reads, its steps, lineage and the rule as code."""

    id: str
    titel: str
    doel: str
    regel_van: Callable[[dict], str]  # the rule in words for the parameters in force (checked against domain.md)
    parameters: type[ThemaParameters]  # the theme's section of parameters.yaml
    prioriteit: str
    bronnen: tuple[str, ...]
    velden: tuple[str, ...]
    stappen: tuple[tuple[str, str], ...]  # theme-specific steps (id, omschrijving), in order
    bereken: Callable[["Invoer", pl.DataFrame, dict], Uitkomst]
    lineage: dict[str, tuple[str, ...]]
    wettelijke_grondslag: str  # the theme's own legal basis (the general one is in the algoritmeregister)
    categorieen: tuple[str, ...] = ("Sociale zekerheid",)  # beleidsterreinen of the algoritmeregister

    def regel_tekst(self, parameters: dict) -> str:
        """The rule in words, with the values of `parameters` (the whole parameters file)."""
        return self.regel_van(parameters)

    @property
    def regel(self) -> str:
        """The rule in words with the project's standard parameters; outputs of a run use `regel_tekst`."""
        return self.regel_tekst(standaard_parameters())

    @property
    def kolom_lineage(self) -> dict[str, tuple[str, ...]]:
        """Output column of the signal list -> source fields: the theme's own, plus what every list carries."""
        return {**self.lineage, **STANDAARD_LINEAGE}

    @property
    def alle_velden(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(GEMEENSCHAPPELIJKE_VELDEN + self.velden))

    @property
    def alle_stappen(self) -> tuple[tuple[str, str], ...]:
        return (("populatie", "Actieve Participatiewet-dossiers op de peildatum"), *self.stappen,
                ("regel", "Voldoet aan de regel van het thema"),
                ("na_uitsluitingen", "Na uitsluitingen: overleden, lopend onderzoek, recent onderzoek zonder afwijking, "
                                     "onleesbare onderzoeks- of persoonsgegevens"))


# --- parameters and versioning --------------------------------------------------------------------

def laad_parameters(pad: str | Path) -> dict:
    """The theme parameters, validated against the parameter models of the themes (assets/themas/register.py);
    a broken file is a ParameterFout naming the file, the section and the key."""
    from assets.themas.register import laad_parameters as laad

    return laad(pad)


@cache
def standaard_parameters() -> dict:
    return laad_parameters(omgeving.STANDAARD_FILTERS)


def broncode(module: str) -> bytes:
    """The source of a module."""
    return Path(importlib.util.find_spec(module).origin).read_bytes()


def code_vorm(bron: bytes) -> bytes:
    """What of a module's source filter_versie hashes: the source without comments, docstrings, blank lines and
    trailing spaces. Rewording a comment is no new filter (a new version restarts the audit's pooled test over
    the last runs); any change to what runs is, the texts of the reasons included. The result is source text, cut
    where the tokenizer finds comments and the parser docstrings, so it is the same under every Python version
    (a dump of the syntax tree is not)."""
    tekst = bron.decode("utf-8")
    regels = io.StringIO(tekst).readlines()  # the lines as the tokenizer reads them
    begin = list(itertools.accumulate((len(r) for r in regels), initial=0))

    def plek(regel: int, kolom: int, utf8: bool = False) -> int:  # the parser counts columns in UTF-8 bytes
        return begin[regel - 1] + (len(regels[regel - 1].encode()[:kolom].decode()) if utf8 else kolom)

    weg = [(plek(*t.start), plek(*t.end)) for t in tokenize.generate_tokens(io.StringIO(tekst).readline)
           if t.type == tokenize.COMMENT]
    for knoop in ast.walk(ast.parse(tekst)):
        if isinstance(knoop, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and knoop.body \
                and isinstance(knoop.body[0], ast.Expr) and isinstance(knoop.body[0].value, ast.Constant) \
                and isinstance(knoop.body[0].value.value, str):
            d = knoop.body[0]
            weg.append((plek(d.lineno, d.col_offset, True), plek(d.end_lineno, d.end_col_offset, True)))
    delen, tot = [], 0
    for van, naar in sorted(weg):
        delen.append(tekst[tot:van])
        tot = max(tot, naar)
    delen.append(tekst[tot:])
    return "\n".join(r.rstrip() for r in "".join(delen).splitlines() if r.strip()).encode()


def code_modules(thema: Thema) -> tuple[str, ...]:
    """Every module whose code shapes the theme's outcome: the theme module, the modules of assets/themas it
    uses (this framework, the housing helpers; followed transitively), and the runner (uitvoering)."""
    gevonden: dict[str, None] = {}
    te_doen = [thema.bereken.__module__, __name__, "assets.themas.uitvoering"]
    while te_doen:
        naam = te_doen.pop(0)
        if naam in gevonden:
            continue
        gevonden[naam] = None
        for waarde in vars(importlib.import_module(naam)).values():
            onder = waarde.__name__ if isinstance(waarde, types.ModuleType) else getattr(waarde, "__module__", None)
            if isinstance(onder, str) and onder.startswith("assets.themas.") and onder not in gevonden:
                te_doen.append(onder)
    return tuple(sorted(gevonden))


def filter_versie(thema: Thema, parameters: dict) -> str:
    """Hash of the code that shapes the theme's outcome and of its parameters: any change gives a new version."""
    code = b"".join(m.encode() + b"\0" + code_vorm(broncode(m)) for m in code_modules(thema))
    # the legitimate factors are evidence for the bias audit, not part of the rule: they never change the version
    regel = {k: v for k, v in (parameters.get(thema.id) or {}).items() if k != "legitieme_factoren"}
    deel = {"thema": thema.id, "parameters": regel, "algemeen": parameters.get("algemeen")}
    return hashlib.sha256(code + json.dumps(deel, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _sha(s: pl.Series, voorvoegsel: str, lengte: int = 16) -> pl.Series:
    return pl.Series([hashlib.sha256(f"{voorvoegsel}{x}".encode()).hexdigest()[:lengte] for x in s.to_list()],
                     dtype=pl.Utf8)


def signaal_id(thema: str, soort: str, peildatum: date) -> pl.Expr:
    """Deterministic: the same theme, dossier and peildatum give the same id (per list: signal or sample)."""
    voorvoegsel = f"{thema}|{soort}|{peildatum.isoformat()}|"
    return pl.col("dossier_id").map_batches(lambda s: _sha(s, voorvoegsel), return_dtype=pl.Utf8)


# --- population and exclusions, the same for every theme --------------------------------------------

def populatie(inv: Invoer) -> pl.DataFrame:
    """Active PW dossiers on the peildatum: datum_aanvang <= P and datum_einde empty or >= P."""
    p = inv.peildatum
    return (inv.lees("gemeente", "uitkeringen", "dossier_id", "bsn", "partner_bsn", "regeling", "normcategorie",
                     "kostendelers", "datum_aanvang", "datum_einde", "kwetsbaar")
            .filter((pl.col("regeling") == "PW") & (pl.col("datum_aanvang") <= p)
                    & (pl.col("datum_einde").is_null() | (pl.col("datum_einde") >= p)))
            .drop("regeling", "datum_einde").sort("dossier_id").collect())


def huishouden(pop: pl.DataFrame) -> pl.DataFrame:
    """Applicant and partner per dossier, one row each: dossier_id, bsn, rol."""
    return pl.concat([
        pop.select("dossier_id", "bsn", pl.lit("aanvrager").alias("rol")),
        pop.filter(pl.col("partner_bsn").is_not_null())
        .select("dossier_id", pl.col("partner_bsn").alias("bsn"), pl.lit("partner").alias("rol")),
    ])


def uitsluitingen(inv: Invoer, pop: pl.DataFrame, thema: str, par: dict) -> pl.DataFrame:
    """Dossiers left out, with the reason (domain.md, 'Exclusions')."""
    p = inv.peildatum
    maanden = par["algemeen"]["uitsluiting_geen_afwijking_maanden"]
    overleden = (huishouden(pop).lazy()
                 .join(inv.lees("brp", "personen", "bsn", "datum_overlijden_vroegst"), on="bsn")
                 .filter(pl.col("datum_overlijden_vroegst") <= p)
                 .select("dossier_id", (pl.col("rol") + pl.lit(" overleden")).alias("reden")))
    onderzoek = inv.lees("gemeente", "onderzoeken", "dossier_id", "thema", "uitkomst", "datum_start", "datum_einde") \
        .filter(pl.col("thema") == thema)
    grens = pl.lit(p).dt.offset_by(f"-{maanden}mo")
    recent = onderzoek.filter((pl.col("uitkomst") == "geen_afwijking") & (pl.col("datum_einde") > grens)
                              & (pl.col("datum_einde") <= p)) \
        .select("dossier_id", pl.lit(f"onderzoek op dit thema zonder afwijking in de laatste {maanden} maanden")
                .alias("reden"))
    # running on the peildatum: started by then and not yet ended then (an end date after the peildatum, in a
    # delivery made later, is still a running investigation on the peildatum, whatever its outcome became)
    lopend = onderzoek.filter(((pl.col("uitkomst") == "lopend") | pl.col("datum_einde").is_null()
                               | (pl.col("datum_einde") > p)) & (pl.col("datum_start") <= p)) \
        .select("dossier_id", pl.lit("lopend onderzoek op dit thema").alias("reden"))
    return (pl.concat([overleden, recent, lopend, onleesbare_dossiers(inv, pop).lazy()])
            .join(pop.lazy().select("dossier_id"), on="dossier_id", how="semi")
            .unique().group_by("dossier_id").agg(pl.col("reden").sort().str.join("; ")).sort("dossier_id").collect())


def onleesbare_dossiers(inv: Invoer, pop: pl.DataFrame) -> pl.DataFrame:
    """Dossiers of the population tied to a quarantined row of a source the exclusions read: by its dossier_id,
    or by the BSN of the dossier's applicant or partner. Held out of every list of this run, with the reason.
    The quarantine keeps raw values; the household is keyed by pseudonym, so a raw value is matched as its
    pseudonym too."""
    hh = huishouden(pop).select("dossier_id", pl.col("bsn").alias("waarde"))
    sleutel = pseudoniem.sleutel(pseudoniem.werkmap_van(verbinding_van(inv)))
    per_dossier = pop.select("dossier_id", pl.col("dossier_id").alias("waarde"))
    delen = []
    for bron, bestand, sleutels, reden in UITSLUITINGSBRONNEN:
        waarden = inv.onleesbaar(bron, bestand, *sleutels)
        if waarden.is_empty():
            continue
        als_persoon = waarden.with_columns(pseudoniem.pseudoniemen(waarden["waarde"], sleutel).alias("waarde"))
        treffers = als_persoon.join(hh, on="waarde")
        if "dossier_id" in sleutels:
            treffers = pl.concat([treffers, waarden.join(per_dossier, on="waarde")])
        delen.append(treffers.select("dossier_id", pl.lit(reden).alias("reden")))
    return pl.concat(delen).unique() if delen else pl.DataFrame(schema={"dossier_id": pl.Utf8, "reden": pl.Utf8})


def steekproef(pop: pl.DataFrame, uitgesloten: pl.DataFrame, thema: str, peildatum: date, par: dict
               ) -> tuple[pl.DataFrame, int]:
    """Reproducible random sample from the population (after exclusions), independent of row order."""
    a = par["algemeen"]
    zaad = int(hashlib.sha256(f"{a['steekproef_zaad']}|{thema}|{peildatum.isoformat()}".encode())
               .hexdigest()[:8], 16)
    kandidaten = pop.join(uitgesloten, on="dossier_id", how="anti")
    n = min(kandidaten.height, max(a["steekproef_minimum"], math.ceil(a["steekproef_fractie"] * pop.height)))
    lot = kandidaten.with_columns(_sha(kandidaten["dossier_id"], f"{zaad}|").alias("_lot"))
    return lot.sort("_lot", "dossier_id").head(n).drop("_lot"), zaad


def treffers(rijen: list[dict]) -> pl.DataFrame:
    """The hits of a rule as a frame; `bewijs` (a dict of facts) becomes JSON text."""
    return pl.DataFrame(
        [{**r, "bewijs": json.dumps(r["bewijs"], ensure_ascii=False, default=str, sort_keys=True)} for r in rijen],
        schema={"dossier_id": pl.Utf8, "reden": pl.Utf8, "bewijs": pl.Utf8, "prioriteit": pl.Float64,
                "onvolledig": pl.Utf8})


def gba_onvolledig(kolom: str) -> pl.Expr:
    """True when a gbadatum text has an unknown month or day (LO GBA '00')."""
    return pl.col(kolom).str.contains(r"^\d{4}(00\d{2}|\d{2}00)$")

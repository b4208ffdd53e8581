"""Running one theme for one peildatum: the funnel, its members, the signals and the control sample,
stored per peildatum in DuckDB (replacing an earlier run of the same peildatum)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from assets.themas import kader
from assets.themas.kader import Invoer, Thema
from kern import opslag
from sources.pseudoniem import KLANTEN

SIGNAAL_KOLOMMEN = ["signaal_id", "thema", "peildatum", "dossier_id", "bsn", "reden", "bewijs", "bronnen",
                    "prioriteit", "kwetsbaar", "filter_versie"]


@dataclass
class Resultaat:
    thema: str
    berekend: bool
    reden: str | None = None
    filter_versie: str = ""
    stappen: list[dict] = field(default_factory=list)  # [{stap, omschrijving, aantal}]
    signalen: int = 0
    steekproef: int = 0
    zaad: int | None = None
    opmerkingen: list[str] = field(default_factory=list)


def bronvelden(thema: Thema) -> str:
    """The source fields the theme's rule reads (population and exclusion fields are the same for all)."""
    return ", ".join(thema.velden)


def populatie_tabel(con: duckdb.DuckDBPyConnection, peildatum: date) -> int:
    """Store the population, persons by pseudonym (as staged: sources/pseudoniem.py): the input of the bias audit."""
    pop = kader.populatie(Invoer(con, peildatum, ()))
    tabel = pop.select(
        pl.lit(peildatum).alias("peildatum"), "dossier_id",
        pl.col("bsn").alias("aanvrager_ph"), pl.col("partner_bsn").alias("partner_ph"),
        "normcategorie", "kostendelers", "kwetsbaar", "datum_aanvang")
    return opslag.vervang(con, "populatie", tabel, {"peildatum": peildatum})


def voer_uit(con: duckdb.DuckDBPyConnection, thema: Thema, peildatum: date, par: dict) -> Resultaat:
    versie = kader.filter_versie(thema, par)
    try:
        inv = Invoer(con, peildatum, thema.velden)
        for bron in thema.bronnen:
            inv.leverdatum(bron)
        pop = kader.populatie(inv)
        uitkomst = thema.bereken(inv, pop, par)
        uitgesloten = kader.uitsluitingen(inv, pop, thema.id, par)
        sample, zaad = kader.steekproef(pop, uitgesloten, thema.id, peildatum, par)
    except (kader.BronNietBeschikbaar, kader.ParameterFout) as fout:
        resultaat = Resultaat(thema.id, False, str(fout), versie)
        _bewaar_uitkomst(con, peildatum, resultaat)
        for tabel in ("funnel_stappen", "funnel_leden", "uitsluitingen", "signalen"):
            if _bestaat(con, tabel):  # a rerun that can no longer compute leaves no stale results behind
                con.execute(f"DELETE FROM {tabel} WHERE peildatum = ? AND thema = ?", [peildatum, thema.id])
        return resultaat

    regel = uitkomst.treffers.select("dossier_id")
    finaal = uitkomst.treffers.join(uitgesloten, on="dossier_id", how="anti")
    leden = {"populatie": pop.select("dossier_id"), **uitkomst.stappen, "regel": regel,
             "na_uitsluitingen": finaal.select("dossier_id")}
    omschrijvingen = dict(thema.alle_stappen)
    stappen = [{"stap_nr": i, "stap": s, "omschrijving": omschrijvingen[s], "aantal": leden[s].height}
               for i, (s, _) in enumerate(thema.alle_stappen)]
    sleutel = {"peildatum": peildatum, "thema": thema.id}
    opslag.vervang(con, "funnel_stappen", pl.DataFrame(stappen).with_columns(**{k: pl.lit(v) for k, v in sleutel.items()}),
                   sleutel)
    ph = con.sql("SELECT dossier_id, aanvrager_ph, partner_ph FROM populatie WHERE peildatum = ?",
                 params=[peildatum]).pl()
    opslag.vervang(con, "funnel_leden", pl.concat([
        leden[s["stap"]].select("dossier_id").unique().with_columns(pl.lit(s["stap_nr"]).alias("stap_nr"),
                                                                      pl.lit(s["stap"]).alias("stap"))
        for s in stappen]).join(ph, on="dossier_id", how="left").with_columns(
        **{k: pl.lit(v) for k, v in sleutel.items()}), sleutel)
    opslag.vervang(con, "uitsluitingen", uitgesloten.join(regel, on="dossier_id", how="semi")
                   .with_columns(**{k: pl.lit(v) for k, v in sleutel.items()}), sleutel,
                   [("dossier_id", "VARCHAR"), ("reden", "VARCHAR"), ("peildatum", "DATE"), ("thema", "VARCHAR")])

    kwetsbaar = pop.select("dossier_id", "kwetsbaar")
    signalen = (finaal.join(kwetsbaar, on="dossier_id")
                .with_columns(pl.when(pl.col("onvolledig").is_not_null())
                              # one sentence (outputs.md): the caveat joins it after a semicolon
                              .then(pl.col("reden").str.strip_suffix(".") + pl.lit("; let op: ")
                                    + pl.col("onvolledig") + pl.lit("."))
                              .otherwise(pl.col("reden")).alias("reden"),
                              pl.lit("signaal").alias("soort"),
                              kader.signaal_id(thema.id, "signaal", peildatum).alias("signaal_id")))
    steekproef = sample.select("dossier_id", "kwetsbaar").with_columns(
        pl.lit("Willekeurig getrokken voor de controlesteekproef van dit thema (geen aanwijzing van "
               "niet-naleving); dient om de trefkans van de signalen te vergelijken.").alias("reden"),
        pl.lit("{}").alias("bewijs"), pl.lit(0.0).alias("prioriteit"), pl.lit("steekproef").alias("soort"),
        kader.signaal_id(thema.id, "steekproef", peildatum).alias("signaal_id"))
    alles = pl.concat([signalen.select(steekproef.columns), steekproef]).with_columns(
        pl.lit(thema.id).alias("thema"), pl.lit(peildatum).alias("peildatum"),
        pl.lit(bronvelden(thema)).alias("bronnen"), pl.lit(versie).alias("filter_versie"))
    opslag.vervang(con, "signalen", alles, sleutel)
    resultaat = Resultaat(thema.id, True, None, versie, stappen, signalen.height, steekproef.height, zaad,
                          uitkomst.opmerkingen)
    _bewaar_uitkomst(con, peildatum, resultaat)
    return resultaat


def _bestaat(con, tabel: str) -> bool:
    return opslag.bestaat_tabel(con, tabel)


def _bewaar_uitkomst(con, peildatum: date, r: Resultaat) -> None:
    opslag.vervang(con, "thema_uitkomsten", pl.DataFrame([{
        "peildatum": peildatum, "thema": r.thema, "berekend": r.berekend, "reden": r.reden,
        "filter_versie": r.filter_versie, "stappen": json.dumps(r.stappen), "signalen": r.signalen,
        "steekproef": r.steekproef, "zaad": r.zaad, "opmerkingen": json.dumps(r.opmerkingen)}],
        schema_overrides={"reden": pl.Utf8, "zaad": pl.Int64}), {"peildatum": peildatum, "thema": r.thema})


def laad_uitkomst(con, peildatum: date, thema: str) -> Resultaat | None:
    rij = opslag.eerste(con.sql("SELECT berekend, reden, filter_versie, stappen, signalen, steekproef, zaad, "
                                "opmerkingen FROM thema_uitkomsten WHERE peildatum = ? AND thema = ?",
                                params=[peildatum, thema])) if _bestaat(con, "thema_uitkomsten") else None
    if rij is None:
        return None
    b, reden, versie, stappen, s, st, zaad, opm = rij
    return Resultaat(thema, b, reden, versie, json.loads(stappen), s, st, zaad, json.loads(opm))


def signaallijst(con, peildatum: date, thema: str, soort: str) -> pl.DataFrame:
    """The stored list with the applicant's BSN joined back (from the clients' table, by pseudonym): only for
    writing released lists."""
    return con.sql(
        "SELECT s.signaal_id, s.thema, s.peildatum, s.dossier_id, k.bsn, s.reden, s.bewijs, s.bronnen, s.prioriteit, "
        "s.kwetsbaar, s.filter_versie FROM signalen s JOIN gemeente_uitkeringen u ON u.dossier_id = s.dossier_id "
        "AND u.leverdatum = (SELECT leverdatum FROM run_bronnen WHERE peildatum = s.peildatum AND bron = 'gemeente') "
        f"JOIN {KLANTEN} k ON k.ph = u.bsn AND k.leverdatum = u.leverdatum "
        "WHERE s.peildatum = ? AND s.thema = ? AND s.soort = ? ORDER BY s.prioriteit DESC, s.signaal_id",
        params=[peildatum, thema, soort]).pl()

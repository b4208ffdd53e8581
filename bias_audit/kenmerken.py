"""The audit attributes of every population dossier (the applicant's), kept per peildatum in
`audit.bias_kenmerken`, keyed by dossier and pseudonym: no BSN, no raw country or nationality codes.

Attributes (domain.md): age band, gender, normcategorie, wijk, duration on benefit and, audit-only,
country of birth (NL/other) and nationality (Dutch/EU/other) from the BRP's special data.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl

from bias_audit import instellingen
from kern import opslag

TABEL = "audit.bias_kenmerken"
FACTOREN_TABEL = "audit.bias_factoren"
ONBEKEND = "onbekend"

# attribute id -> name in the report (Dutch)
KENMERKEN: dict[str, str] = {
    "leeftijd": "Leeftijd (jaren)",
    "geslacht": "Geslacht",
    "normcategorie": "Normcategorie",
    "wijk": "Wijk",
    "uitkeringsduur": "Duur van de uitkering (jaren)",
    "geboorteland": "Geboorteland",
    "nationaliteit": "Nationaliteit",
}
SQL = Path(__file__).with_name("kenmerken.sql").read_text(encoding="utf-8")

# Legitimate factors (domain.md, "Evidence for the committee"): properties a rule is about by design, never
# a special category nor an audit attribute. A theme names the ones that apply, each with its reason, in
# assets/themas/parameters.yaml (`legitieme_factoren`); the audit stratifies every root cause by them.
FACTOREN: dict[str, dict] = {
    "personen_in_dossier": {"omschrijving": "het aantal personen in het dossier (1 of 2)", "banden": None},
    "bewoners_op_adres": {"omschrijving": "het aantal levende bewoners met een actueel woonadres op het adres "
                                          "(1, 2, 3-4, 5-7, 8+)",
                          "banden": [[1, "1"], [2, "2"], [3, "3-4"], [5, "5-7"], [8, "8+"]]},
}


def groepen(kenmerk: str, inst: dict) -> list[str] | None:
    """The groups an attribute can take (None for wijk: any CBS wijk code WK + 6 digits, or onbekend)."""
    vast = {
        "leeftijd": ["<18", *[b for _, b in inst["leeftijdsbanden"]]],
        "geslacht": ["man", "vrouw"],
        "normcategorie": ["alleenstaande", "alleenstaande_ouder", "gehuwden"],
        "uitkeringsduur": [b for _, b in inst["duurbanden"]],
        "geboorteland": ["Nederland", "buiten Nederland"],
        "nationaliteit": ["Nederlands", "EU", "overig"],
    }
    return None if kenmerk == "wijk" else [*vast[kenmerk], ONBEKEND]


def geldige_groep(kenmerk: str, groep: str, inst: dict) -> bool:
    toegestaan = groepen(kenmerk, inst)
    if toegestaan is None:
        return groep == ONBEKEND or (len(groep) == 8 and groep.startswith("WK") and groep[2:].isdigit())
    return groep in toegestaan


class AuditNietMogelijk(Exception):
    """The audit lacks an input (no accepted BRP or gemeente delivery, no population) for this peildatum."""


def _band(kolom: str, banden: list, onder: str) -> pl.Expr:
    """Numeric years -> band label; below the first bound `onder`, missing -> onbekend."""
    expr = pl.when(pl.col(kolom).is_null()).then(pl.lit(ONBEKEND))
    for ondergrens, label in reversed(banden):
        expr = expr.when(pl.col(kolom) >= ondergrens).then(pl.lit(label))
    return expr.otherwise(pl.lit(onder))


def _groepen(ruw: pl.DataFrame, inst: dict) -> pl.DataFrame:
    eu = list(inst["nationaliteit_eu"])
    leeg = lambda k: pl.col(k).is_null() | (pl.col(k).str.strip_chars() == "") | (pl.col(k) == "0000")  # noqa: E731
    return ruw.select(
        "dossier_id", "aanvrager_ph",
        _band("leeftijd_jaren", inst["leeftijdsbanden"], "<18").alias("leeftijd"),
        pl.col("geslacht").replace_strict({"M": "man", "V": "vrouw"}, default=ONBEKEND, return_dtype=pl.Utf8)
        .alias("geslacht"),
        pl.col("normcategorie").fill_null(ONBEKEND).alias("normcategorie"),
        pl.col("wijk_code").fill_null(ONBEKEND).alias("wijk"),
        _band("duur_jaren", inst["duurbanden"], ONBEKEND).alias("uitkeringsduur"),
        pl.when(leeg("geboorteland")).then(pl.lit(ONBEKEND))
        .when(pl.col("geboorteland") == inst["land_nederland"]).then(pl.lit("Nederland"))
        .otherwise(pl.lit("buiten Nederland")).alias("geboorteland"),
        pl.when(leeg("nationaliteit")).then(pl.lit(ONBEKEND))
        .when(pl.col("nationaliteit").is_in(inst["nationaliteit_nederlands"])).then(pl.lit("Nederlands"))
        .when(pl.col("nationaliteit").is_in(eu)).then(pl.lit("EU"))
        .otherwise(pl.lit("overig")).alias("nationaliteit"),
        pl.col("personen_in_dossier").cast(pl.Utf8),
        _band("bewoners_op_adres", FACTOREN["bewoners_op_adres"]["banden"], ONBEKEND).alias("bewoners_op_adres"),
    )


# The attribute table of the run being executed (one entry): the four bias steps of one Dagster run share it. Its
# inputs (the BRP's and the municipality's staged tables, the population) are upstream of every theme's funnel,
# so they cannot change between the bias steps of one run; a later run has another run id and builds it anew.
_VAN_RUN: dict[tuple, pl.DataFrame] = {}


def _vergeet(con, peildatum: date) -> None:
    """No attribute table for this peildatum: an earlier run's (geboorteland and nationaliteit groups per dossier)
    goes, it no longer belongs to any audit of this peildatum (a rerun whose BRP delivery is now rejected)."""
    for tabel in (TABEL, FACTOREN_TABEL):
        opslag.verwijder(con, tabel, {"peildatum": peildatum})


def bouw(con, peildatum: date, inst: dict | None = None, run: str | None = None) -> pl.DataFrame:
    """The attribute table for the peildatum (also stored in audit.bias_kenmerken). Given the id of the Dagster
    run, a table this run already built with the same settings is returned as it was (and stored already)."""
    inst = inst or instellingen.laad()
    sleutel = None
    if run is not None:
        sleutel = (opslag.database_van(con), peildatum, run, json.dumps(inst, sort_keys=True, default=str))
        if sleutel in _VAN_RUN:
            return _VAN_RUN[sleutel]
    for bron in ("gemeente", "brp"):
        if opslag.eerste(con.sql("SELECT 1 FROM run_bronnen WHERE peildatum = ? AND bron = ? AND status = "
                                 "'geaccepteerd'", params=[peildatum, bron])) is None:
            _vergeet(con, peildatum)
            raise AuditNietMogelijk(f"bron {bron} heeft geen geaccepteerde levering voor {peildatum}")
    for tabel in ("populatie", "gemeente_uitkeringen", "brp_personen", "brp_verblijfplaatsen", "brp_adressen",
                  "audit.brp_personen_bijzonder"):
        if not opslag.bestaat_tabel(con, tabel):
            _vergeet(con, peildatum)
            raise AuditNietMogelijk(f"tabel {tabel} ontbreekt")
    ruw = con.sql(SQL, params={"peildatum": peildatum}).pl()
    tabel = _groepen(ruw, inst)
    opslag.vervang(con, TABEL, tabel.select("dossier_id", "aanvrager_ph", *KENMERKEN)
                   .with_columns(pl.lit(peildatum).alias("peildatum")), {"peildatum": peildatum},
                   [("peildatum", "DATE"), ("dossier_id", "VARCHAR"), ("aanvrager_ph", "VARCHAR"),
                    *[(k, "VARCHAR") for k in KENMERKEN]])
    opslag.vervang(con, FACTOREN_TABEL, tabel.select("dossier_id", *FACTOREN)
                   .with_columns(pl.lit(peildatum).alias("peildatum")), {"peildatum": peildatum},
                   [("peildatum", "DATE"), ("dossier_id", "VARCHAR"), *[(k, "VARCHAR") for k in FACTOREN]])
    if sleutel is not None:
        _VAN_RUN.clear()
        _VAN_RUN[sleutel] = tabel
    return tabel

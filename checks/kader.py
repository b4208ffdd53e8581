"""The one shape of a data-quality check: a `Controle` result, persisted per peildatum and shown in Dagster.

Checks are evaluated inside the staged table's asset step (declared as `check_specs`), so that the
release gate downstream always sees this run's verdicts; `controle_resultaten` is what it reads.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import dagster as dg
import duckdb
import polars as pl

from kern import opslag
from sources.contract import Bestand

FOUT, WAARSCHUWING = "error", "warning"


@dataclass
class Controle:
    """The verdict of one check on one staged table for one peildatum."""

    naam: str
    geslaagd: bool
    ernst: str = FOUT  # severity when it fails
    waarde: float | None = None
    drempel: str | None = None
    toelichting: str = ""
    details: dict = field(default_factory=dict)

    def als_check_result(self, asset_key: dg.AssetKey) -> dg.AssetCheckResult:
        metadata = {"toelichting": self.toelichting, "ernst": self.ernst}
        if self.waarde is not None:
            metadata["waarde"] = float(self.waarde)
        if self.drempel is not None:
            metadata["drempel"] = self.drempel
        for k, v in self.details.items():
            metadata[k] = v if isinstance(v, (int, float, str, bool)) else dg.MetadataValue.json(v)
        return dg.AssetCheckResult(
            asset_key=asset_key, check_name=self.naam, passed=self.geslaagd, metadata=metadata,
            severity=dg.AssetCheckSeverity.ERROR if self.ernst == FOUT else dg.AssetCheckSeverity.WARN)


@dataclass
class Context:
    """What a check may look at: the run's connection, peildatum, file spec and its ingestion."""

    con: duckdb.DuckDBPyConnection
    peildatum: date
    spec: Bestand
    levering: object  # sources.levering.Levering
    inlezing: object  # sources.inlezen.Inlezing
    drempels: dict


@dataclass(frozen=True)
class Definitie:
    naam: str
    omschrijving: str
    evalueer: Callable[[Context], Controle]


def bewaar(con: duckdb.DuckDBPyConnection, peildatum: date, spec: Bestand, controles: list[Controle]) -> None:
    frame = pl.DataFrame([{
        "peildatum": peildatum, "bron": spec.bron, "tabel": spec.tabel, "controle": c.naam, "soort": "kwaliteit",
        "ernst": c.ernst, "geslaagd": c.geslaagd, "waarde": None if c.waarde is None else float(c.waarde),
        "drempel": c.drempel, "toelichting": c.toelichting, "details": json.dumps(c.details, default=str)}
        for c in controles], schema_overrides={"waarde": pl.Float64, "drempel": pl.Utf8})
    opslag.vervang(con, "controle_resultaten", frame, {"peildatum": peildatum, "tabel": spec.tabel})


def blokkerende_fouten(con: duckdb.DuckDBPyConnection, peildatum: date, bronnen: list[str],
                       tabellen: list[str] | None = None) -> list[str]:
    """Failed error-severity checks on the given sources (only on the given staged tables, when given): each a
    reason line for the release gate."""
    rijen = con.sql(
        "SELECT tabel, controle, toelichting FROM controle_resultaten WHERE peildatum = ? AND soort = 'kwaliteit' "
        "AND ernst = 'error' AND NOT geslaagd AND list_contains(?, bron) "
        "AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], tabel)) ORDER BY tabel, controle",
        params=[peildatum, bronnen, tabellen, tabellen]).fetchall()
    return [f"datakwaliteit: controle {c} op {t} faalt: {u}" for t, c, u in rijen]

"""domain.md: no theme may read geboorteland or nationaliteit, and "the code must make that impossible, not just
unlikely". A theme gets an `Invoer` without a connection: it reads declared contract columns of staged tables
through `lees` only, and this test holds every theme module (and the housing helpers they share) to that, by
reading their code: no other way to data (no DuckDB, no file readers, no private attribute, no dynamic lookup).
A theme that needs more must extend the Invoer, where the guard is."""
from __future__ import annotations

import ast
import importlib
import inspect
from datetime import date

import pytest

from assets.themas import wonen
from assets.themas.kader import Invoer, VerbodenVeld
from assets.themas.register import THEMAS

TOEGESTAAN = {"__future__", "polars", "hashlib", "assets.themas", "assets.themas.kader", "assets.themas.wonen",
              "kern.sjablonen", "kern.configuratie",
              "decimal"}  # arithmetic only (bezetting rounds m² per person half up): it reaches no data
VERBODEN_NAMEN = {"open", "eval", "exec", "compile", "__import__", "getattr", "setattr", "vars", "globals", "locals",
                  "verbinding_van", "duckdb", "importlib"}
MODULES = sorted({inspect.getmodule(t.bereken).__name__ for t in THEMAS.values()} | {wonen.__name__})


def overtredingen(bron: str) -> list[str]:
    fouten = []
    for knoop in ast.walk(ast.parse(bron)):
        if isinstance(knoop, ast.Import):
            fouten += [f"import {a.name}" for a in knoop.names if a.name not in TOEGESTAAN]
        elif isinstance(knoop, ast.ImportFrom) and knoop.module not in TOEGESTAAN:
            fouten.append(f"from {knoop.module} import ...")
        elif isinstance(knoop, ast.ImportFrom) and any(a.name == "verbinding_van" for a in knoop.names):
            fouten.append("from assets.themas.kader import verbinding_van")
        elif isinstance(knoop, ast.Attribute) and (knoop.attr.startswith("_") or knoop.attr.startswith(
                ("read_", "scan_")) or knoop.attr in VERBODEN_NAMEN):
            fouten.append(f"attribuut .{knoop.attr} (regel {knoop.lineno})")
        elif isinstance(knoop, ast.Name) and knoop.id in VERBODEN_NAMEN:
            fouten.append(f"naam {knoop.id} (regel {knoop.lineno})")
    return fouten


@pytest.mark.parametrize("module", MODULES)
def test_theme_code_reads_data_through_the_invoer_only(module):
    assert overtredingen(inspect.getsource(importlib.import_module(module))) == []


@pytest.mark.parametrize("code", [
    "import duckdb", "from kern import opslag", "inv._con.sql('SELECT * FROM audit.brp_personen_bijzonder')",
    "pl.read_csv('landing/brp/2026-10-28/personen.csv')", "pl.scan_parquet('x')", "getattr(inv, '_con')",
    "from assets.themas.kader import verbinding_van", "open('landing/brp/2026-10-28/personen.csv')",
    "vars(inv)['_con']", "inv.__dict__"])
def test_the_code_check_catches_each_other_way_to_data(code):
    assert overtredingen(code)


def test_the_invoer_has_no_connection_and_refuses_special_and_non_contract_data():
    inv = Invoer(object(), date(2026, 10, 31), ("brp.personen.bsn", "brp.personen.geboorteland",
                                                "audit.brp_personen_bijzonder.geboorteland"))
    assert not hasattr(inv, "con")
    # refused before any database is touched (the connection here is no connection at all)
    with pytest.raises(VerbodenVeld, match="bijzonder persoonsgegeven"):
        inv.lees("brp", "personen", "bsn", "geboorteland")
    with pytest.raises(VerbodenVeld, match="geen bestand van het contract"):
        inv.lees("audit", "brp_personen_bijzonder", "geboorteland")
    with pytest.raises(VerbodenVeld, match="geen kolom"):
        Invoer(object(), date(2026, 10, 31), ("brp.personen.bsn FROM audit.x --",)).lees(
            "brp", "personen", "bsn FROM audit.x --")

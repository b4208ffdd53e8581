"""Great Expectations 1.x on every staged table: the suite of checks/suites.py, computed inside DuckDB.

GX's SQL execution engine computes every expectation as an aggregate query (`valideer`, `sql_batch`): those on
a row's own values over the staged table itself, those on what needs the whole table (uniqueness, existence in
another source) over boolean columns DuckDB computes once into an in-memory table of the delivery's lines.
`valideer_pandas`, the same suite on pandas batches, is the reference path that tests hold the SQL path equal to.
The combined result — with examples as line numbers and dossier ids, never a BSN — is kept in
`kwaliteit_validaties` for the Data Docs (checks/datadocs.py) and summed up as one `Controle`.
"""
from __future__ import annotations

import copy
import json
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import polars as pl

from checks.kader import FOUT, WAARSCHUWING, Context, Controle, Definitie
from checks.suites import BSN_KOLOMMEN, SUITES, Suite, Verwachting
from kern import opslag

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no usage statistics leave this machine

GX_ERNST = {FOUT: "critical", WAARSCHUWING: "warning"}
TABEL = "kwaliteit_validaties"
INDEX = ("regel", "dossier_id")  # how an engineer finds a failing row; never a BSN
GX_IDS = uuid.UUID("5b7e0c1e-6a52-4d0f-9c1a-7f3e2d9a4b60")  # namespace of the expectations' ids
GX_SCHEMA = "gx_batch"  # in-memory database with the facts of the whole delivery a suite validates
HEEL = "__heel"  # the table (and GX asset) of those facts: the staged table's name and this


@cache
def _batchdefinitie():
    """One ephemeral GX context per process with a pandas data source; suites are added per validation."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig)

    # in memory, without the temporary docs site GX's default ephemeral context leaves in /tmp
    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False)))
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("duckdb_batches").add_dataframe_asset("staged")
    return context, asset.add_batch_definition_whole_dataframe("batch")


def instelling(drempels: dict, tabel: str, v: Verwachting) -> dict:
    d = drempels["verwachtingen"]
    return {**d["soorten"][v.soort], **(d.get("uitzonderingen") or {}).get(f"{tabel}.{v.naam}", {})}


def gx_suite(suite: Suite, verwachtingen: list[Verwachting], drempels: dict):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    def expectation(v: Verwachting):
        inst = instelling(drempels, suite.tabel, v)
        kwargs = dict(v.kwargs)
        if v.gx not in ("ExpectColumnPairValuesAToBeGreaterThanB",):
            kwargs["mostly"] = float(inst["mostly"])
        return getattr(gxe, v.gx)(
            **kwargs, severity=GX_ERNST[inst["ernst"]], description=v.omschrijving,
            meta={"naam": v.naam, "soort": v.soort, "ernst": inst["ernst"], "mostly": float(inst["mostly"])})

    # All expectations through the constructor, none through `add_expectation` (which, once a suite of this name
    # is in a context's store, saves the whole suite again for every expectation it adds). The suite is not
    # stored in the context at all: `Batch.validate` takes it as it is. Each expectation gets the id a store
    # would give it, but derived from the suite and its name, so that results map back to the expectation and
    # the same suite has the same ids in every run.
    uit = gx.ExpectationSuite(name=suite.tabel, meta={"bron": suite.bron},
                              expectations=[expectation(v) for v in verwachtingen])
    for e, v in zip(uit.expectations, verwachtingen):
        e.id = str(uuid.uuid5(GX_IDS, f"{suite.tabel}.{v.naam}"))
    return uit


def leverdata(con, peildatum) -> dict[str, object]:
    """The accepted leverdatum per source for this peildatum."""
    return dict(con.sql("SELECT bron, leverdatum FROM run_bronnen WHERE peildatum = ? AND status = 'geaccepteerd'",
                        params=[peildatum]).fetchall())


def _query(suite: Suite, verwachtingen: list[Verwachting], kolommen: list[str], lev: dict, van: str | None = None
           ) -> str:
    basis = {k for v in verwachtingen if v.afgeleid is None for k in v.kolommen}
    index = [k for k in INDEX if k in kolommen]
    select = [f't."{k}"' for k in kolommen if k in basis or k in index]
    afgeleid = {v.afgeleid.naam: v.afgeleid for v in verwachtingen if v.afgeleid is not None}
    subst = {f"lev_{b}": f"DATE '{d.isoformat()}'" for b, d in lev.items()}
    select += [f"({a.sql.format(**subst)}) AS {a.naam}" for a in afgeleid.values()]
    return f"SELECT {', '.join(select)} FROM {van or suite.tabel} t WHERE t.leverdatum = ?"


def _veilig(waarde, kolom: str):
    return "<bsn>" if kolom in BSN_KOLOMMEN and waarde is not None else waarde


def _json(obj):
    return json.loads(json.dumps(obj, default=str))


class Optelling:
    """The counts of one expectation summed over the batches, with a bounded list of examples."""

    def __init__(self, v: Verwachting, inst: dict, max_voorbeelden: int):
        self.v, self.inst, self.max = v, inst, max_voorbeelden
        self.element = self.onverwacht = self.ontbrekend = 0
        self.index: list[dict] = []
        self.waarden: dict = {}
        self.uitzondering: str | None = None

    def tel(self, r) -> None:
        res = r.result or {}
        if r.exception_info and r.exception_info.get("raised_exception"):
            self.uitzondering = r.exception_info.get("exception_message") or "fout bij het evalueren"
        self.element += int(res.get("element_count") or 0)
        self.onverwacht += int(res.get("unexpected_count") or 0)
        self.ontbrekend += int(res.get("missing_count") or 0)
        kolommen = self.v.kolommen
        for rij in res.get("partial_unexpected_index_list") or []:
            if len(self.index) < self.max:
                # as text, the way GX's pandas engine reports them (its SQL engine keeps the column types)
                self.index.append({k: _veilig(None if w is None else str(w), k) for k, w in rij.items()})
        for item in res.get("partial_unexpected_counts") or []:
            w = _veilig(item["value"], kolommen[0]) if kolommen else item["value"]
            w = json.dumps(w, default=str) if isinstance(w, (list, dict)) else w
            self.waarden[w] = self.waarden.get(w, 0) + int(item["count"])

    @property
    def beoordeeld(self) -> int:
        return self.element - self.ontbrekend

    @property
    def percentage(self) -> float:
        return 100.0 * self.onverwacht / self.beoordeeld if self.beoordeeld else 0.0

    @property
    def geslaagd(self) -> bool:
        if self.uitzondering:
            return False
        return self.beoordeeld == 0 or (1 - self.onverwacht / self.beoordeeld) >= float(self.inst["mostly"]) - 1e-12

    def resultaat(self) -> dict:
        tellingen = sorted(self.waarden.items(), key=lambda kv: (-kv[1], str(kv[0])))[:self.max]
        return _json({
            "element_count": self.element, "unexpected_count": self.onverwacht, "missing_count": self.ontbrekend,
            "unexpected_percent": self.percentage, "unexpected_percent_nonmissing": self.percentage,
            "unexpected_percent_total": 100.0 * self.onverwacht / self.element if self.element else 0.0,
            "missing_percent": 100.0 * self.ontbrekend / self.element if self.element else 0.0,
            "partial_unexpected_list": [w for w, _ in tellingen],
            "partial_unexpected_counts": [{"value": w, "count": n} for w, n in tellingen],
            "partial_unexpected_index_list": sorted(self.index, key=lambda r: str(r.get("regel", "")).zfill(12)),
            "unexpected_index_column_names": [k for k in INDEX if any(k in r for r in self.index)]})

    def voorbeelden(self) -> list[str]:
        uit = []
        for rij in sorted(self.index, key=lambda r: str(r.get("regel", "")).zfill(12)):
            delen = [f"regel {rij['regel']}"] if "regel" in rij else []
            delen += [f"dossier {rij['dossier_id']}"] if rij.get("dossier_id") else []
            waarden = [f"{k}={w!r}" for k, w in rij.items() if k not in INDEX and k not in BSN_KOLOMMEN
                       and not isinstance(w, bool) and w is not None and k in self.v.kolommen
                       and self.v.afgeleid is None]
            uit.append(", ".join(delen + waarden))
        return uit


def _suite_en_actief(ctx: Context):
    suite = SUITES[ctx.spec.tabel]
    lev = leverdata(ctx.con, ctx.peildatum)
    actief, niet = [], []
    for v in suite.verwachtingen:
        if mist := [b for b in (v.afgeleid.bronnen if v.afgeleid else ()) if b not in lev]:
            niet.append(f"{v.naam}: niet te controleren, geen geaccepteerde levering van {', '.join(mist)}")
        else:
            actief.append(v)
    return suite, lev, actief, niet


@dataclass
class _Voorbereid:
    """What both paths (DuckDB and the pandas reference) set up identically for one suite validation."""

    suite: Suite
    lev: dict
    actief: list[Verwachting]
    niet: list[str]
    context: object
    batchdef: object
    gxs: object
    per_id: dict
    opgeteld: dict[str, Optelling]
    kolommen: list[str]
    formaat: dict


def _voorbereid(ctx: Context) -> _Voorbereid:
    suite, lev, actief, niet = _suite_en_actief(ctx)
    d = ctx.drempels["verwachtingen"]
    context, batchdef = _batchdefinitie()
    gxs = gx_suite(suite, actief, ctx.drempels)
    per_id = {e.id: v for e, v in zip(gxs.expectations, actief)}
    opgeteld = {v.naam: Optelling(v, instelling(ctx.drempels, suite.tabel, v), d["voorbeelden"]) for v in actief}
    kolommen = [r[0] for r in ctx.con.sql(f"DESCRIBE {suite.tabel}").fetchall()]
    formaat = {"result_format": "SUMMARY", "partial_unexpected_count": d["voorbeelden"],
               "unexpected_index_column_names": [k for k in INDEX if k in kolommen]}
    return _Voorbereid(suite, lev, actief, niet, context, batchdef, gxs, per_id, opgeteld, kolommen, formaat)


def _tel(uitslag, v: _Voorbereid):
    """Add one GX validation result's counts to the sums per expectation."""
    for r in uitslag.results:
        v.opgeteld[v.per_id[r.expectation_config.id].naam].tel(r)
    return uitslag


def valideer(ctx: Context) -> tuple[Controle, dict | None]:
    """Validate this delivery of the table against its suite inside DuckDB: GX's SQL execution engine computes
    every expectation as an aggregate query over the staged table (see `sql_batch`); returns the verdict and
    the GX result.

    Two batches: the expectations on a row's own values (and flags computed from them) read the staged table
    itself; those on a fact of the whole delivery or another table (`Afgeleid.heel`: a unique key, a value that
    occurs in another table) read those facts, computed once into an in-memory table of the delivery's line
    numbers and flags. Each expectation is validated on one batch, over every row of the delivery."""
    start = time.monotonic()
    v = _voorbereid(ctx)
    suite = v.suite
    lever = f"DATE '{ctx.levering.leverdatum.isoformat()}'"
    heel = [x for x in v.actief if x.afgeleid is not None and x.afgeleid.heel]
    eigen = [x for x in v.actief if x not in heel]
    # examples in file order, as GX's pandas engine gives them: staged rows are inserted in file order and
    # DuckDB keeps insertion order (preserve_insertion_order), so no sort of the whole delivery is needed
    rijen = ctx.con.sql(f"SELECT count(*) FROM {suite.tabel} WHERE leverdatum = ?",
                        params=[ctx.levering.leverdatum]).fetchall()[0][0]
    # both batches through an in-memory database that every DuckDB cursor of this database instance sees, under
    # names that do not change with the delivery (a GX asset whose query changes is made anew: ~60 ms each)
    ctx.con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {GX_SCHEMA}")
    uitslagen = []
    if eigen:  # a view of the staged table (a view in another database names its tables in full)
        db = ctx.con.sql("SELECT current_database()").fetchall()[0][0]
        query = _query(suite, eigen, v.kolommen, v.lev, van=f'"{db}".main.{suite.tabel}')
        ctx.con.execute(f"CREATE OR REPLACE VIEW {GX_SCHEMA}.{suite.tabel} AS "
                        + query.replace("t.leverdatum = ?", f"t.leverdatum = {lever}"))
        try:
            with sql_batch(v.context, ctx.con, suite.tabel, f"SELECT * FROM {GX_SCHEMA}.{suite.tabel}") as batch:
                uitslagen.append(_basis_dan_details(batch, v, eigen))
        finally:
            ctx.con.execute(f"DROP VIEW IF EXISTS {GX_SCHEMA}.{suite.tabel}")
    if heel:  # the facts, computed once into a table; GX's metric queries read that table
        naam = f"{suite.tabel}{HEEL}"
        feiten = _query(suite, heel, v.kolommen, v.lev).replace("t.leverdatum = ?", f"t.leverdatum = {lever}")
        ctx.con.execute(f"CREATE OR REPLACE TABLE {GX_SCHEMA}.{naam} AS {feiten}")
        try:
            with sql_batch(v.context, ctx.con, naam, f"SELECT * FROM {GX_SCHEMA}.{naam}") as batch:
                uitslagen.append(_basis_dan_details(batch, v, heel))
        finally:
            ctx.con.execute(f"DROP TABLE IF EXISTS {GX_SCHEMA}.{naam}")
    resultaat = _samengevoegd(_samen(uitslagen, v.gxs), v.gxs, v.per_id, v.opgeteld, suite, ctx, 1, rijen)
    bewaar(ctx, v.gxs, resultaat)
    controle = _controle(suite, v.opgeteld, v.niet, rijen, 1, time.monotonic() - start)
    return controle, resultaat


def _samen(uitslagen: list, gxs) -> dict:
    """One GX validation result (JSON) of the batches' results: the first's, with every expectation's result where
    GX puts it when it validates the whole suite at once. GX groups a suite's expectations by their column, the
    groups in the order of their first expectation, those without one column together (`Validator.
    process_expectations_for_validation`); tests/checks/test_gx_sql.py holds this result equal to the whole suite's
    on GX's pandas engine, so a GX that orders otherwise fails there."""
    groepen: dict[str | None, list[str]] = {}
    for e in gxs.expectations:
        kolom = e.configuration.kwargs.get("column")
        groepen.setdefault(kolom if isinstance(kolom, str) else None, []).append(e.id)
    plaats = {id_: i for i, id_ in enumerate(id_ for groep in groepen.values() for id_ in groep)}
    eerste = uitslagen[0].to_json_dict()
    eerste["results"] = sorted((r for u in uitslagen for r in u.to_json_dict()["results"]),
                               key=lambda r: plaats[r["expectation_config"]["id"]])
    return eerste


def _deel(gxs, gekozen: set[str]):
    """The suite's expectations whose ids are in `gekozen`, with the same ids (results map back to them)."""
    import great_expectations as gx

    oud = [e for e in gxs.expectations if e.id in gekozen]
    deel = gx.ExpectationSuite(name=gxs.name, meta=gxs.meta, expectations=[copy.copy(e) for e in oud])
    for e, o in zip(deel.expectations, oud, strict=True):
        e.id = o.id
    return deel


def _basis_dan_details(batch, v: _Voorbereid, verwachtingen: list[Verwachting]):
    """The expectations `verwachtingen` of the suite in GX's BASIC result format first: their counts, without the
    queries for examples, which scan the whole table when nothing is unexpected (value counts and index lists are
    not in BASIC; its partial list of unexpected values, a query with a LIMIT that a table without an unexpected
    value never reaches, is asked for with a limit of 0: a regex over every pseudonym of 25 M rows took 2.5 s for
    nothing). Only the expectations with an unexpected value or an exception are validated again in the full
    format for their examples. Every expectation ends up with the result the full format alone would give
    (tests/checks/test_gx_sql.py)."""
    ids = {e.id for e, x in zip(v.gxs.expectations, v.actief) if x in verwachtingen}
    basis = batch.validate(_deel(v.gxs, ids),
                           result_format={**v.formaat, "result_format": "BASIC", "partial_unexpected_count": 0})
    opnieuw = {r.expectation_config.id for r in basis.results
               if (r.result or {}).get("unexpected_count") or (r.exception_info or {}).get("raised_exception")}
    details = {}
    if opnieuw:
        details = {r.expectation_config.id: r
                   for r in batch.validate(_deel(v.gxs, opnieuw), result_format=v.formaat).results}
    for r in basis.results:
        r = details.get(r.expectation_config.id, r)
        v.opgeteld[v.per_id[r.expectation_config.id].naam].tel(r)
    return basis


class _Verbinding:
    """A DB-API connection for SQLAlchemy over a cursor of the run's DuckDB connection, whose cursors are each
    a DuckDB cursor of their own.

    The workaround of great_expectations#10738: duckdb-engine hands SQLAlchemy the connection itself as its
    cursor, so the rollback SQLAlchemy performs when GX closes the connection after `execute_query` discards
    the pending result and GX reads no rows (IndexError in `resolve_metric_bundle`). With a cursor per
    statement the result outlives the rollback. Only public APIs: SQLAlchemy's `creator`, duckdb-engine's
    `ConnectionWrapper`/`CursorWrapper`, DuckDB's `cursor()`."""

    def __new__(cls, con):
        from duckdb_engine import ConnectionWrapper, CursorWrapper

        class Verbinding(ConnectionWrapper):
            def __init__(self, c):
                super().__init__(c)
                self._basis = c

            def cursor(self):
                return CursorWrapper(self._basis.cursor(), self)

        return Verbinding(con.cursor())


class _Huidig:
    """The DuckDB connection the SQL data source's connections are made from while a batch is validated; the
    lock keeps one validation at a time per process (the data source and its pooled connection are shared)."""
    con = None
    slot = threading.Lock()


@cache
def _sql_bron(context):
    """The SQL data source on DuckDB, added to the (per-process) GX context once: adding or deleting a data
    source or an asset saves GX's whole project configuration (~60 ms each), too much to do per suite.

    DuckDB's SQLAlchemy dialect derives from PostgreSQL's, but GX recognises dialects by name and so does
    not know how to write a regex for it; we tell the engine (its public `dialect_module`) that the dialect
    is PostgreSQL's, whose `~` DuckDB implements."""
    import sqlalchemy as sa

    bron = context.data_sources.add_or_update_sql(
        "duckdb", connection_string="duckdb:///:memory:",
        kwargs={"creator": lambda: _Verbinding(_Huidig.con), "poolclass": sa.pool.StaticPool})
    bron.get_execution_engine().dialect_module = sa.dialects.postgresql
    return bron


@contextmanager
def sql_batch(context, con, naam: str, query: str):
    """A GX batch of `query` on the run's DuckDB database through GX's SQL execution engine.

    tests/checks/test_gx_sql.py holds the results of this path equal to GX's pandas engine on the same rows: a
    GX upgrade that changes either fails that test."""
    with _Huidig.slot:
        _Huidig.con = con  # adding the data source or an asset tests the connection already
        bron = None
        try:
            bron = _sql_bron(context)
            asset = next((a for a in bron.assets if a.name == naam), None)
            if asset is not None and asset.query != query:
                bron.delete_asset(naam)
                asset = None
            if asset is None:
                asset = bron.add_query_asset(naam, query=query)
            batchdef = next((b for b in asset.batch_definitions if b.name == "alles"), None) \
                or asset.add_batch_definition_whole_table("alles")
            yield batchdef.get_batch()
        finally:
            if bron is not None:  # the pooled connection wraps a cursor of this step's connection: closed now
                bron.get_execution_engine().engine.dispose()
            _Huidig.con = None


def valideer_pandas(ctx: Context) -> dict:
    """The reference path: the same suite on pandas batches streamed from DuckDB (GX's pandas engine).
    Kept to hold the SQL path equal to it (tests/checks/test_gx_sql.py); returns GX's result JSON."""
    v = _voorbereid(ctx)
    lezer = ctx.con.sql(_query(v.suite, v.actief, v.kolommen, v.lev), params=[ctx.levering.leverdatum]) \
        .to_arrow_reader(int(ctx.drempels["verwachtingen"]["batch_rijen"]))
    eerste, batches, rijen = None, 0, 0
    for batch in iter(lezer.read_next_batch, None):
        frame = batch.to_pandas(date_as_object=False)
        eerste = _valideer_batch(v, frame) or eerste
        batches, rijen = batches + 1, rijen + batch.num_rows
    if batches == 0:  # an empty delivery still gets its (trivially met) verdict and a page in the Data Docs
        eerste = _valideer_batch(v, lezer.schema.empty_table().to_pandas(date_as_object=False))
    return _samengevoegd(eerste, v.gxs, v.per_id, v.opgeteld, v.suite, ctx, batches, rijen)


def _valideer_batch(v: _Voorbereid, frame):
    batch = v.batchdef.get_batch(batch_parameters={"dataframe": frame})
    return _tel(batch.validate(v.gxs, result_format=v.formaat), v)


def _samengevoegd(eerste, gxs, per_id, opgeteld, suite, ctx, batches, rijen) -> dict:
    """One GX suite validation result for the whole table, in GX's own JSON shape (for the Data Docs)."""
    resultaat = eerste if isinstance(eerste, dict) else eerste.to_json_dict()
    for r in resultaat["results"]:
        o = opgeteld[per_id[r["expectation_config"]["id"]].naam]
        r["result"], r["success"] = o.resultaat(), o.geslaagd
        r["expectation_config"]["kwargs"].pop("batch_id", None)
        if o.uitzondering:
            r["exception_info"] = {"raised_exception": True, "exception_message": o.uitzondering,
                                   "exception_traceback": None}
    n_ok = sum(r["success"] for r in resultaat["results"])
    n = len(resultaat["results"])
    resultaat["success"] = n_ok == n
    resultaat["statistics"] = {"evaluated_expectations": n, "successful_expectations": n_ok,
                               "unsuccessful_expectations": n - n_ok,
                               "success_percent": 100.0 * n_ok / n if n else 100.0}
    meta = resultaat.setdefault("meta", {})
    meta["batch_spec"] = {"data_asset_name": suite.tabel,
                          "batch_data": f"DuckDB {suite.tabel}, leverdatum {ctx.levering.leverdatum}, "
                                        f"{rijen} rijen in {max(batches, 1)} batch(es)"}
    meta["run_id"] = {"run_name": ctx.peildatum.isoformat(), "run_time": f"{ctx.peildatum.isoformat()}T00:00:00Z"}
    meta["active_batch_definition"] = {"datasource_name": suite.bron, "data_connector_name": "duckdb",
                                       "data_asset_name": suite.tabel,
                                       "batch_identifiers": {"leverdatum": str(ctx.levering.leverdatum)}}
    meta["peildatum"] = ctx.peildatum.isoformat()
    return _json(resultaat)


def _controle(suite: Suite, opgeteld: dict[str, Optelling], niet: list[str], rijen: int, batches: int,
              duur: float) -> Controle:
    mislukt = [o for o in opgeteld.values() if not o.geslaagd]
    fouten = [o for o in mislukt if o.inst["ernst"] == FOUT]

    def regel(o: Optelling) -> str:
        if o.uitzondering:
            return f"{o.v.naam}: kon niet worden geëvalueerd ({o.uitzondering})"
        return (f"{o.v.naam}: {o.onverwacht} van {o.beoordeeld} rijen ({o.percentage:.2f}%) voldoen niet "
                f"(minimaal {100 * float(o.inst['mostly']):g}% moet voldoen)")

    n = len(opgeteld)
    if mislukt:
        toelichting = f"{len(mislukt)} van {n} verwachtingen niet gehaald: " + "; ".join(
            regel(o) for o in sorted(mislukt, key=lambda o: (o.inst["ernst"] != FOUT, o.v.naam)))
    else:
        toelichting = f"alle {n} verwachtingen gehaald ({rijen} rijen)"
    if niet:
        toelichting += "; " + "; ".join(niet)
    ernst = FOUT if fouten or not mislukt and any(o.inst["ernst"] == FOUT for o in opgeteld.values()) \
        else WAARSCHUWING
    return Controle(
        "verwachtingen", geslaagd=not mislukt, ernst=ernst, waarde=float(len(mislukt)),
        drempel="elke verwachting haalt haar minimum (mostly) per soort, zie checks/drempels.yaml",
        toelichting=toelichting,
        details={"suite": suite.tabel, "rijen": rijen, "batches": batches, "duur_s": round(duur, 2),
                 "verwachtingen": n, "gehaald": n - len(mislukt), "niet_gecontroleerd": niet,
                 "mislukt": [{"verwachting": o.v.naam, "omschrijving": o.v.omschrijving, "ernst": o.inst["ernst"],
                              "soort": o.v.soort, "onverwacht": o.onverwacht, "beoordeeld": o.beoordeeld,
                              "percentage": round(o.percentage, 4), "mostly": float(o.inst["mostly"]),
                              "voorbeelden": o.voorbeelden()} for o in mislukt]})


def bewaar(ctx: Context, gxs, resultaat: dict) -> None:
    opslag.vervang(ctx.con, TABEL, pl.DataFrame([{
        "peildatum": ctx.peildatum, "bron": ctx.spec.bron, "tabel": ctx.spec.tabel,
        "leverdatum": ctx.levering.leverdatum, "geslaagd": bool(resultaat["success"]),
        "suite": json.dumps(_json(gxs.to_json_dict()), ensure_ascii=False),
        "resultaat": json.dumps(resultaat, ensure_ascii=False)}]),
        {"peildatum": ctx.peildatum, "tabel": ctx.spec.tabel})


def verwachtingen(ctx: Context) -> Controle:
    return valideer(ctx)[0]


DEFINITIES = [Definitie("verwachtingen", "Great Expectations-suite: sleutels, waardenlijsten, formaten, bereiken, "
                                         "datumlogica en verwijzingen tussen bronnen", verwachtingen)]

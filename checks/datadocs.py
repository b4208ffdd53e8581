"""Great Expectations Data Docs for one peildatum, readable offline.

The validation results kept in `kwaliteit_validaties` are put into a GX file context inside the
werkmap (`<werkmap>/gx/<peildatum>/`, rebuilt from DuckDB on every run) and rendered by GX into
`output/<peildatum>/kwaliteit/data_docs/`. GX's pages load Bootstrap, jQuery, Vega and fonts from
CDNs and a logo from S3; we strip every external reference, inline a small stylesheet of our own and
replace GX's index (which is drawn by bootstrap-table from JavaScript) by a static Dutch one that lists
every suite with its result.
"""
from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

from checks.suites import SUITES
from kern.sjablonen import render, stijl

DATA_DOCS = "data_docs"

# GX's own pages use Bootstrap's markup; without Bootstrap they need these few rules on top of the shared
# stylesheet of every report (kern/sjablonen/stijl.css).
GX_AANVULLING = """
.container,.container-fluid{max-width:1400px}
.row{display:flex;flex-wrap:wrap}.col-12,.col-md-12{flex:0 0 100%;max-width:100%}
.col-md-2,.col-lg-2{flex:0 0 18%;max-width:18%}.col-md-10,.col-lg-10{flex:0 0 80%;max-width:80%}
.card{border:1px solid #dee2e6;border-radius:6px;margin:12px 0;background:#fff}
.card-header{background:#f1f3f5;padding:8px 12px;border-bottom:1px solid #dee2e6;font-weight:600}
.card-body{padding:10px 12px}
table{width:100%}.table-sm td,.table-sm th{padding:3px 6px}
.text-danger{color:#b02a37}.text-success{color:#146c43}.text-warning{color:#997404}
.alert{padding:8px 12px;border-radius:6px;margin:8px 0;border:1px solid #dee2e6;background:#f8f9fa}
.badge{display:inline-block;padding:2px 6px;border-radius:4px;font-size:12px;background:#e9ecef}
.fa-check-circle:before{content:"\\2714";color:#146c43}.fa-times:before{content:"\\2716";color:#b02a37}
.fa-exclamation-triangle:before{content:"!";color:#997404;font-weight:bold}
.fas,.fa{font-style:normal}
.collapse,.tab-pane,.fade{display:block!important;opacity:1!important}
.d-none{display:none}.d-sm-block,.d-md-block{display:block}
.navbar{display:flex;gap:16px;align-items:center;padding:8px 24px;border-bottom:1px solid #dee2e6}
.navbar-brand{font-weight:700}.nav{list-style:none;padding-left:0}.nav-link{display:block;padding:2px 0}
.btn{display:inline-block;padding:2px 8px;border:1px solid #adb5bd;border-radius:4px;background:#f8f9fa}
.sticky,.sticky-top{position:static}
.cooltip .top{display:none}.cooltip:hover .top{display:block;position:absolute;background:#222;color:#fff;padding:6px}
"""
STIJL = stijl() + GX_AANVULLING

_EXTERN_TAG = re.compile(r"<(link|img|iframe)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I | re.S)
_EXTERN_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>.*?</script>", re.I | re.S)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)  # inline scripts all need jQuery/Bootstrap
_EXTERN_ATTR = re.compile(r"\b(href|src|action)\s*=\s*([\"'])(?:https?:)?//[^\"']*\2", re.I)
_CSS_URL = re.compile(r"@import\s+url\([^)]*\);?|url\(\s*[\"']?(?:https?:)?//[^)]*\)", re.I)


def offline(tekst: str) -> str:
    """An HTML page without a single reference to the network, with our own inline stylesheet."""
    tekst = _EXTERN_SCRIPT.sub("", tekst)
    tekst = _SCRIPT.sub("", tekst)
    tekst = _EXTERN_TAG.sub("", tekst)
    tekst = _EXTERN_ATTR.sub(lambda m: f'{m.group(1)}="#"', tekst)
    tekst = _CSS_URL.sub("none", tekst)
    return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + f"<style>{STIJL}</style>", tekst, count=1, flags=re.I)


def _validaties(con, peildatum: date) -> list[tuple]:
    """This run's validation results: only for the delivery the run actually used per source."""
    from kern import opslag

    if not opslag.bestaat_tabel(con, "kwaliteit_validaties"):
        return []
    return con.sql(
        "SELECT k.bron, k.tabel, k.leverdatum, k.geslaagd, k.suite, k.resultaat FROM kwaliteit_validaties k "
        "JOIN run_bronnen r ON r.peildatum = k.peildatum AND r.bron = k.bron AND r.leverdatum = k.leverdatum "
        "AND r.status = 'geaccepteerd' WHERE k.peildatum = ? ORDER BY k.tabel", params=[peildatum]).fetchall()


def _context(werkmap: Path, peildatum: date, doel: Path):
    import os

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    root = Path(werkmap) / "gx" / peildatum.isoformat()
    shutil.rmtree(root, ignore_errors=True)  # rebuilt from DuckDB: no stale results of an earlier run
    root.mkdir(parents=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.enable_analytics(False)
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)
    context.add_data_docs_site("kwaliteit", {
        "class_name": "SiteBuilder", "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(doel)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    return context


def bouw(con, peildatum: date, werkmap: Path, kwaliteit: Path) -> list[dict]:
    """Render the Data Docs into kwaliteit/data_docs; returns one entry per suite (every staged table)."""
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier)

    doel = kwaliteit / DATA_DOCS
    shutil.rmtree(doel, ignore_errors=True)
    doel.mkdir(parents=True)
    rijen = _validaties(con, peildatum)
    context = _context(werkmap, peildatum, doel)
    tijd = datetime(peildatum.year, peildatum.month, peildatum.day, tzinfo=timezone.utc)
    gevonden = {}
    for bron, tabel, leverdatum, geslaagd, suite_json, resultaat_json in rijen:
        suite = json.loads(suite_json)
        context.suites.add(gx.ExpectationSuite(name=tabel, expectations=suite["expectations"],
                                               meta=suite.get("meta") or {}))
        sleutel = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=tabel),
                                             RunIdentifier(run_name=peildatum.isoformat(), run_time=tijd),
                                             f"{bron}-{leverdatum.isoformat()}")
        context.validation_results_store.set(sleutel, ExpectationSuiteValidationResultSchema().load(
            json.loads(resultaat_json)))
        resultaat = json.loads(resultaat_json)
        gevonden[tabel] = {"pagina": "/".join(("validations", *sleutel.to_tuple())) + ".html",
                           "leverdatum": leverdatum.isoformat(), "geslaagd": bool(geslaagd),
                           "statistieken": resultaat.get("statistics", {}), "resultaten": resultaat["results"]}
    if rijen:
        context.build_data_docs(site_names=["kwaliteit"])
    for pagina in doel.rglob("*.html"):
        pagina.write_text(offline(pagina.read_text(encoding="utf-8")), encoding="utf-8")
    for stijl in doel.rglob("*.css"):
        stijl.write_text(_CSS_URL.sub("none", stijl.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.rmtree(doel / "static" / "fonts", ignore_errors=True)  # unused without GX's stylesheet
    overzicht = []
    for tabel, s in SUITES.items():
        g = gevonden.get(tabel)
        overzicht.append({"suite": tabel, "bron": s.bron, **({
            "status": "geslaagd" if g["geslaagd"] else _zwaarste(g["resultaten"]), "leverdatum": g["leverdatum"],
            "verwachtingen": g["statistieken"].get("evaluated_expectations", 0),
            "gehaald": g["statistieken"].get("successful_expectations", 0),
            "pagina": f"{DATA_DOCS}/{g['pagina']}", "suite_pagina": f"{DATA_DOCS}/expectations/{tabel}.html",
            "mislukt": [_mislukt(r) for r in g["resultaten"] if not r["success"]]} if g else {
            "status": "niet gevalideerd", "leverdatum": None, "verwachtingen": 0, "gehaald": 0, "pagina": None,
            "suite_pagina": None, "mislukt": []})})
    (doel / "index.html").write_text(index_html(peildatum, overzicht), encoding="utf-8")
    return overzicht


def _zwaarste(resultaten: list[dict]) -> str:
    ernst = {(r["expectation_config"].get("meta") or {}).get("ernst") for r in resultaten if not r["success"]}
    return "fout" if "error" in ernst else "waarschuwing"


def _mislukt(r: dict) -> dict:
    meta = r["expectation_config"].get("meta") or {}
    res = r.get("result") or {}
    return {"verwachting": meta.get("naam"), "ernst": meta.get("ernst"),
            "onverwacht": res.get("unexpected_count"), "percentage": round(res.get("unexpected_percent") or 0, 4)}


def index_html(peildatum: date, overzicht: list[dict]) -> str:
    """Our own static index (GX's is drawn by JavaScript), a template like every report."""
    return render("data_docs_index.html", peildatum=peildatum.isoformat(), overzicht=overzicht,
                  prefix=DATA_DOCS + "/")

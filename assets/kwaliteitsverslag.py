"""The data-quality part of a run's report: output/<peildatum>/kwaliteit/ and the "kwaliteit" key of run.json.

Every check of the run (controle_resultaten) is summed up in samenvatting.json and samenvatting.html
(Dutch), with the themes each failed error blocks; the Great Expectations Data Docs are rendered next to
it (checks/datadocs.py). Warnings never block but are listed here, for the data engineer.
"""
from __future__ import annotations

import hashlib
import json
import traceback
from datetime import date
from pathlib import Path

from assets.themas.register import THEMAS
from checks import datadocs
from checks.kader import FOUT, blokkerende_fouten
from checks.register import DEFINITIES, DREMPELS_PAD
from kern import opslag
from kern.sjablonen import render
from sources.contract import BRONNEN


def controles(con, peildatum: date) -> list[dict]:
    if not opslag.bestaat_tabel(con, "controle_resultaten"):
        return []
    volgorde = {d.naam: i for i, d in enumerate(DEFINITIES)}
    rijen = con.sql("SELECT bron, tabel, controle, ernst, geslaagd, waarde, drempel, toelichting, details "
                    "FROM controle_resultaten WHERE peildatum = ? AND soort = 'kwaliteit'",
                    params=[peildatum]).fetchall()
    uit = [{"bron": b, "tabel": t, "controle": c, "ernst": e, "geslaagd": bool(g), "waarde": w, "drempel": d,
            "toelichting": u, "details": json.loads(x or "{}")} for b, t, c, e, g, w, d, u, x in rijen]
    bronvolgorde = {b: i for i, b in enumerate(BRONNEN)}
    return sorted(uit, key=lambda c: (bronvolgorde.get(c["bron"], 99), c["tabel"], volgorde.get(c["controle"], 99)))


def geblokkeerde_themas(con, peildatum: date) -> dict[str, list[str]]:
    """Per theme the failed error checks on the sources it needs (the data-quality part of its gate)."""
    uit = {}
    for thema_id, thema in THEMAS.items():
        redenen = blokkerende_fouten(con, peildatum, list(thema.bronnen))
        if redenen:
            uit[thema_id] = redenen
    return uit


def regel(c: dict) -> str:
    return f"{c['bron']}/{c['tabel']}: {c['controle']}: {c['toelichting']}"


def stel_op(con, peildatum: date) -> dict:
    alle = controles(con, peildatum)
    fouten = [c for c in alle if not c["geslaagd"] and c["ernst"] == FOUT]
    waarschuwingen = [c for c in alle if not c["geslaagd"] and c["ernst"] != FOUT]
    drempels = DREMPELS_PAD.read_bytes()
    return {
        "peildatum": peildatum.isoformat(),
        "status": "fouten" if fouten else "waarschuwingen" if waarschuwingen else "geslaagd",
        "aantallen": {"controles": len(alle), "geslaagd": sum(c["geslaagd"] for c in alle), "fouten": len(fouten),
                      "waarschuwingen": len(waarschuwingen)},
        "fouten": [regel(c) for c in fouten],
        "waarschuwingen": [regel(c) for c in waarschuwingen],
        "geblokkeerde_themas": geblokkeerde_themas(con, peildatum),
        "drempels_versie": hashlib.sha256(drempels).hexdigest()[:12],
        "controles": alle,
    }


def vingerafdruk(con, peildatum: date) -> str:
    """A digest of every stored check and validation result of the peildatum: what the quality outputs show."""
    h = hashlib.sha256()
    for tabel in ("controle_resultaten", "kwaliteit_validaties"):
        if opslag.bestaat_tabel(con, tabel):
            for rij in con.sql(f"SELECT * FROM {tabel} WHERE peildatum = ? ORDER BY ALL", params=[peildatum]).fetchall():
                h.update(repr(rij).encode())
    return h.hexdigest()[:16]


def _vorige(kwaliteit: Path) -> dict:
    try:
        return json.loads((kwaliteit / "samenvatting.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def kwaliteit_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/kwaliteit/ (Data Docs + summary); return a dict merged into run.json."""
    kwaliteit = Path(uitvoer) / "kwaliteit"
    kwaliteit.mkdir(parents=True, exist_ok=True)
    samenvatting = stel_op(con, peildatum)
    samenvatting["vingerafdruk"] = vingerafdruk(con, peildatum)
    vorige = _vorige(kwaliteit)
    try:
        if vorige.get("vingerafdruk") == samenvatting["vingerafdruk"] and not vorige.get("data_docs_fout") \
                and (kwaliteit / datadocs.DATA_DOCS / "index.html").is_file():
            # the Data Docs are rendered from the stored results only: the same results, the same pages (e.g. a
            # `vrijgeven` after a committee decision, whose version folder starts as a copy of the publication)
            samenvatting["suites"] = vorige["suites"]
        else:
            samenvatting["suites"] = datadocs.bouw(con, peildatum, Path(werkomgeving.werkmap), kwaliteit)
        docs_fout = None
    except Exception as fout:  # the summary and run.json must still say what the checks found
        samenvatting["suites"] = []
        docs_fout = f"Data Docs niet gemaakt: {fout.__class__.__name__}: {fout}"
        samenvatting["data_docs_fout"] = docs_fout + "\n" + traceback.format_exc(limit=5)
    opslag.schrijf_json(kwaliteit / "samenvatting.json", samenvatting)
    opslag.schrijf_tekst(kwaliteit / "samenvatting.html", samenvatting_html(samenvatting))
    deel = {k: samenvatting[k] for k in ("status", "aantallen", "fouten", "waarschuwingen", "geblokkeerde_themas",
                                         "drempels_versie")}
    deel.update({"samenvatting": "kwaliteit/samenvatting.html",
                 "data_docs": f"kwaliteit/{datadocs.DATA_DOCS}/index.html",
                 "suites": {s["suite"]: s["status"] for s in samenvatting["suites"]}})
    if docs_fout:
        deel["data_docs_fout"] = docs_fout
    return {"kwaliteit": deel}


STATUS_NL = {"geslaagd": "alle controles geslaagd", "waarschuwingen": "geslaagd met waarschuwingen",
             "fouten": "fouten: thema's die deze bronnen gebruiken worden niet vrijgegeven"}


def samenvatting_html(s: dict) -> str:
    return render("kwaliteit.html", s=s, status_nl=STATUS_NL, fout=FOUT, data_docs=datadocs.DATA_DOCS)

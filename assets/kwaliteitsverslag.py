"""The data-quality part of a run's report: output/<peildatum>/kwaliteit/ and the "kwaliteit" key of run.json.

Every check of the run (controle_resultaten) is summed up in samenvatting.json and samenvatting.html
(Dutch), with the themes each failed error blocks; the Great Expectations Data Docs are rendered next to
it (checks/datadocs.py). Warnings never block but are listed here, for the data engineer.
"""
from __future__ import annotations

import hashlib
import html
import json
import traceback
from datetime import date
from pathlib import Path

from assets.themas.register import THEMAS
from checks import datadocs
from checks.kader import FOUT, blokkerende_fouten
from checks.register import DEFINITIES, DREMPELS_PAD
from kern import opslag
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


def kwaliteit_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/kwaliteit/ (Data Docs + summary); return a dict merged into run.json."""
    kwaliteit = Path(uitvoer) / "kwaliteit"
    kwaliteit.mkdir(parents=True, exist_ok=True)
    samenvatting = stel_op(con, peildatum)
    try:
        samenvatting["suites"] = datadocs.bouw(con, peildatum, Path(werkomgeving.werkmap), kwaliteit)
        docs_fout = None
    except Exception as fout:  # the summary and run.json must still say what the checks found
        samenvatting["suites"] = []
        docs_fout = f"Data Docs niet gemaakt: {fout.__class__.__name__}: {fout}"
        samenvatting["data_docs_fout"] = docs_fout + "\n" + traceback.format_exc(limit=5)
    (kwaliteit / "samenvatting.json").write_text(
        json.dumps(samenvatting, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (kwaliteit / "samenvatting.html").write_text(samenvatting_html(samenvatting), encoding="utf-8")
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
    e = html.escape
    rijen = []
    for c in s["controles"]:
        uitslag = "geslaagd" if c["geslaagd"] else ("fout" if c["ernst"] == FOUT else "waarschuwing")
        rijen.append(f'<tr><td>{e(c["bron"])}</td><td>{e(c["tabel"])}</td><td>{e(c["controle"])}</td>'
                     f'<td>{e(c["ernst"] == FOUT and "fout" or "waarschuwing")}</td>'
                     f'<td class="{uitslag}">{uitslag}</td><td>{e(c["drempel"] or "")}</td>'
                     f'<td>{e(c["toelichting"] or "")}</td></tr>')
    blokkades = "".join(f"<li><b>{e(t)}</b>: " + "; ".join(e(r) for r in redenen) + "</li>"
                        for t, redenen in s["geblokkeerde_themas"].items()) or "<li>geen</li>"
    waarschuwingen = "".join(f"<li>{e(w)}</li>" for w in s["waarschuwingen"]) or "<li>geen</li>"
    suites = "".join(f'<li>{e(x["suite"])}: {e(x["status"])}</li>' for x in s.get("suites", []))
    a = s["aantallen"]
    fout = f'<p class="fout">{e(s["data_docs_fout"].splitlines()[0])}</p>' if s.get("data_docs_fout") else ""
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Datakwaliteit peildatum '
            f'{e(s["peildatum"])}</title><style>{datadocs.STIJL}</style></head><body><div class="container">'
            f'<h1>Datakwaliteit — peildatum {e(s["peildatum"])}</h1>'
            f'<p>Uitkomst: <b>{e(STATUS_NL[s["status"]])}</b>. {a["controles"]} controles, {a["geslaagd"]} geslaagd, '
            f'{a["fouten"]} fouten, {a["waarschuwingen"]} waarschuwingen. Een fout blokkeert precies de thema\'s die '
            f"de bron gebruiken; een waarschuwing blokkeert niet. Drempels: checks/drempels.yaml (versie "
            f'{e(s["drempels_versie"])}).</p>{fout}'
            f"<h2>Geblokkeerde thema's door datakwaliteit</h2><ul>{blokkades}</ul>"
            f"<h2>Waarschuwingen</h2><ul>{waarschuwingen}</ul>"
            f'<h2>Great Expectations</h2><p><a href="{datadocs.DATA_DOCS}/index.html">Data Docs</a> (werken zonder '
            f"netwerk)</p><ul>{suites}</ul>"
            "<h2>Alle controles</h2><table><thead><tr><th>Bron</th><th>Tabel</th><th>Controle</th><th>Ernst</th>"
            "<th>Uitslag</th><th>Drempel</th><th>Toelichting</th></tr></thead><tbody>"
            + "".join(rijen) + "</tbody></table></div></body></html>")

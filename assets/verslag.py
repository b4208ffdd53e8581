"""run.json: what a data engineer reads after a run — deliveries with their counts, themes with their verdict."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from kern import opslag
from sources.contract import BRONNEN

VOLTOOID, MET_BLOKKADES, MISLUKT = "voltooid", "voltooid_met_blokkades", "mislukt"
# run.json's status as a tag on the Dagster run: a run whose every theme is blocked is green in Dagster (no step
# failed); the tag lets the runs list and an alert tell it from one that released everything
STATUS_TAG = "systeemanalyse/status"


def bronnen_deel(con, peildatum: date) -> dict:
    deel = {}
    for bron, leverdatum, status, reden, waarschuwingen in con.sql(
            "SELECT bron, leverdatum, status, reden, waarschuwingen FROM run_bronnen WHERE peildatum = ?",
            params=[peildatum]).fetchall():
        bestanden = {} if status != "geaccepteerd" else {
            b: {"geleverd": g, "geaccepteerd": a, "quarantaine": q}
            for b, g, a, q in con.sql("SELECT bestand, geleverd, geaccepteerd, quarantaine FROM bestand_tellingen "
                                      "WHERE bron = ? AND leverdatum = ? ORDER BY bestand",
                                      params=[bron, leverdatum]).fetchall()}
        deel[bron] = {"leverdatum": leverdatum.isoformat() if leverdatum else None, "status": status,
                      "reden": reden, "bestanden": bestanden, "waarschuwingen": json.loads(waarschuwingen or "[]")}
    return {b: deel[b] for b in BRONNEN if b in deel}


def themas_deel(con, peildatum: date) -> dict:
    return {t: {"status": s, "redenen": json.loads(r), "signalen": n, "steekproef": m, "filter_versie": v,
                "steekproef_zaad": z, "opmerkingen": json.loads(o)}
            for t, s, r, n, m, v, z, o in con.sql(
                "SELECT thema, status, redenen, signalen, steekproef, filter_versie, zaad, opmerkingen FROM vrijgaven "
                "WHERE peildatum = ? ORDER BY thema", params=[peildatum]).fetchall()}


def status(bronnen: dict, themas: dict) -> str:
    geblokkeerd = any(t["status"] != "vrijgegeven" for t in themas.values())
    afgewezen = any(b["status"] != "geaccepteerd" for b in bronnen.values())
    return MET_BLOKKADES if geblokkeerd or afgewezen else VOLTOOID


def schrijf(pad: Path, inhoud: dict) -> None:
    opslag.schrijf_json(pad, inhoud)


def stel_op(con, peildatum: date, extra: dict | None = None) -> dict:
    bronnen, themas = bronnen_deel(con, peildatum), themas_deel(con, peildatum)
    return {"peildatum": peildatum.isoformat(), "status": status(bronnen, themas), "bronnen": bronnen,
            "themas": themas, **(extra or {})}


def blokkaderegels(run: dict) -> list[str]:
    """One line per reason, for stderr."""
    regels = [f"levering afgewezen: {b}: {d['reden']}" for b, d in run.get("bronnen", {}).items()
              if d["status"] != "geaccepteerd"]
    regels += [f"thema geblokkeerd: {t}: {r}" for t, d in run.get("themas", {}).items()
               if d["status"] != "vrijgegeven" for r in d["redenen"]]
    verrekening = run.get("verrekening") or {}
    regels += [f"verrekening niet gemaakt: {r}" for r in verrekening.get("redenen", [])
               if verrekening.get("status") == "niet_gemaakt"]
    return regels

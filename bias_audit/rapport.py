"""bias/rapport.html for the ethics committee (Dutch): per theme the rule, the funnel, the composition of
every step against the population in tables and inline SVG charts, verdicts, explanations, power,
drift and the fields used. Self-contained (no scripts, no external resources), printable; no BSN and
no pseudonym — it is built only from the stored audit documents, whose counts below 10 are suppressed.
"""
from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path

from markupsafe import Markup

from assets.lineage import lineage_svg, omschrijving
from assets.themas.register import THEMAS
from bias_audit import audit
from bias_audit.instellingen import laad as laad_instellingen
from bias_audit.kenmerken import KENMERKEN
from kern.sjablonen import render

KLEUREN = ["#9e9e9e", "#1f5fa8", "#4a90d9", "#7fb3e6", "#b3d1f0", "#d9e8f7"]
MAX_GROEPEN_GRAFIEK = 20


def grafiek(kenmerk: str, populatie: list[dict], per_stap: dict[str, dict[str, dict]], stappen: list[str]) -> dict:
    """Geometry of the grouped horizontal bars (per group the share in the population and in each funnel step);
    the markup is in kern/sjablonen/bias_thema.html."""
    getoond = [g for g in populatie if g["aandeel"] is not None]
    groepen = getoond[:MAX_GROEPEN_GRAFIEK]
    series = ["populatie", *stappen]
    balk, tussen, links, breed = 9, 10, 150, 520
    rij_h = balk * len(series) + tussen
    maximum = max([g["aandeel"] for g in groepen] + [c.get("aandeel_selectie") or 0
                                                      for s in per_stap.values() for c in s.values()] + [0.01])
    kleur = [KLEUREN[min(j, len(KLEUREN) - 1)] for j in range(len(series))]
    rijen = []
    for i, g in enumerate(groepen):
        y0 = 20 + i * rij_h
        balken = []
        for j, s in enumerate(series):
            cel = g if s == "populatie" else per_stap.get(s, {}).get(g["groep"], {})
            waarde = cel.get("aandeel" if s == "populatie" else "aandeel_selectie")
            # a share withheld: "<10" when the count is below the limit, else "–" (suppressed to protect another)
            label = cel.get("n" if s == "populatie" else "x")
            balken.append({"serie": s, "y": y0 + j * balk, "waarde": waarde, "kleur": kleur[j],
                           "label": label if isinstance(label, str) and label.startswith("<") else "–",
                           "w": None if waarde is None else round(breed * waarde / maximum, 1)})
        rijen.append({"groep": g["groep"], "y": y0 + rij_h / 2, "balken": balken})
    y = 24 + rij_h * len(groepen)
    return {"titel": f"Aandeel per groep, {KENMERKEN.get(kenmerk, kenmerk)}: populatie en elke trechterstap",
            "links": links, "balk": balk, "breedte": links + breed + 90,
            "hoogte": y + 18 * ((len(series) + 2) // 3) + 6, "rijen": rijen,
            "legenda": [{"serie": s, "kleur": kleur[j], "x": links + (j % 3) * 190, "y": y + 18 * (j // 3)}
                        for j, s in enumerate(series)],
            "ingekort": len(getoond) > MAX_GROEPEN_GRAFIEK}


def _kenmerk(doc: dict, kenmerk: str) -> dict | None:
    """Per group of one characteristic: the population and, per funnel step, its cell of the statistics."""
    populatie = [g for g in doc.get("populatie", []) if g["kenmerk"] == kenmerk]
    if not populatie:
        return None
    stappen = [s["stap"] for s in doc["trechter"] if s["stap_nr"] >= 1]
    per_stap: dict[str, dict[str, dict]] = {}
    for c in doc["statistieken"]:
        if c["kenmerk"] == kenmerk:
            per_stap.setdefault(c["stap"], {})[c["groep"]] = c
    rijen = []
    for g in populatie:
        cellen = [per_stap.get(s, {}).get(g["groep"]) for s in stappen]
        laatste = next((c for c in reversed(cellen) if c is not None), None)
        k = laatste and laatste.get("kleinste_aantoonbare_ratio")
        getoetst = laatste is not None and laatste["oordeel"] != "niet getoetst"
        # with n suppressed the smallest detectable ratio is withheld (it would give n back)
        geen = "niet gepubliceerd" if isinstance(g["n"], str) else "niet aantoonbaar"
        rijen.append({"groep": g["groep"], "n": g["n"], "aandeel": g["aandeel"], "cellen": cellen,
                      "kleinste": k if k else (geen if getoetst else None)})
    return {"naam": KENMERKEN.get(kenmerk, kenmerk), "stappen": stappen, "rijen": rijen,
            "grafiek": grafiek(kenmerk, populatie, per_stap, stappen) if any(
                g["aandeel"] is not None for g in populatie) else None}


def _velden(velden: list[str]) -> list[dict]:
    rijen = []
    for v in velden:
        try:
            tekst = omschrijving(v)
        except KeyError:
            tekst = ""
        rijen.append({"veld": v, "omschrijving": tekst})
    return rijen


def _thema(doc: dict) -> dict:
    """Everything the theme's section of the report shows, taken from its stored audit document."""
    thema = THEMAS.get(doc["thema"])
    lineage = fout = None
    if thema is not None:
        try:  # generated by assets/lineage.py from the theme's record: markup without user text in it
            lineage = Markup(lineage_svg(thema))
        except (KeyError, ValueError) as e:
            fout = str(e)
    drift_data = sorted({p["peildatum"] for r in doc["drift"] for p in r["reeks"]})[-8:]
    return {**doc, "afwijkingen_hoofd": [a for a in doc["afwijkingen"] if not a.get("afgeleid")],
            "afgeleid": sum(bool(a.get("afgeleid")) for a in doc["afwijkingen"]),
            "kenmerken": [k for k in (_kenmerk(doc, k) for k in KENMERKEN) if k],
            "drift_data": drift_data,
            "drift_rijen": [{**r, "per_datum": {p["peildatum"]: p for p in r["reeks"]}} for r in doc["drift"]],
            "velden": _velden(doc["bronvelden"]), "lineage": lineage, "lineage_fout": fout}


def bouw_html(docs: dict[str, dict], peildatum: date, werkmap: str = "<werkmap>", monitoring: bool = False) -> str:
    volgorde = [t for t in THEMAS if t in docs] + sorted(t for t in docs if t not in THEMAS)
    m = next(iter(docs.values()))["methode"] if docs else audit.methode(laad_instellingen())
    return render("bias_rapport.html", peildatum=peildatum, oorzaken=beslisblad(docs, volgorde, werkmap),
                  drempel=m.get("drempel_oververtegenwoordiging", 1.25),
                  vrijgeven=f"systeemanalyse vrijgeven --werkmap {shlex.quote(str(werkmap))} --peildatum {peildatum}",
                  monitoring=monitoring, methode=m, themas=[_thema(docs[t]) for t in volgorde],
                  kenmerk_namen=KENMERKEN)


def verklaar_commando(werkmap: str, thema: str, o: dict) -> str:
    """The exact command that records the committee's decision on this root cause."""
    stap = o["stappen"][0] if len(o["stappen"]) == 1 else "*"
    delen = ["systeemanalyse verklaar", f"--werkmap {shlex.quote(werkmap)}", f"--thema {thema}",
             f"--stap {shlex.quote(stap)}", f"--kenmerk {shlex.quote(o['kenmerk'])}",
             f"--groep {shlex.quote(o['groep'])}", '--verklaring "…"', '--vastgesteld-door "…"', '--besluit "…"',
             "--geldig-tot JJJJ-MM-DD"]
    return " \\\n    ".join(delen)


def beslisblad(docs: dict[str, dict], volgorde: list[str], werkmap: str) -> list[dict]:
    """One row per root cause over all themes: open ones first, each with its evidence and its command."""
    rijen = [{**o, "thema": t, "titel": docs[t]["titel"], "runs": len(docs[t].get("gepoold", {}).get("runs", [])),
              "commando": verklaar_commando(werkmap, t, o)}
             for t in volgorde for o in docs[t].get("oorzaken", [])]
    return sorted(rijen, key=lambda r: (r["status"] == "verklaard", volgorde.index(r["thema"]), r["stap_nr"]))


def rapport_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/bias/rapport.html; return a dict merged into run.json."""
    docs = audit.laad(con, peildatum)
    pad = Path(uitvoer) / "bias" / "rapport.html"
    pad.parent.mkdir(parents=True, exist_ok=True)
    monitoring = (Path(uitvoer) / "monitoring" / "rapport.html").exists()
    pad.write_text(bouw_html(docs, peildatum, str(werkomgeving.werkmap), monitoring), encoding="utf-8")
    return {"bias": {
        "rapport": str(pad.relative_to(uitvoer)),
        "themas": {t: {"blokkerend": d["oordeel"]["blokkerend"], "afwijkingen": d["oordeel"]["afwijkingen"],
                       "verklaard": d["oordeel"]["verklaard"],
                       "ondervertegenwoordiging": d["oordeel"]["ondervertegenwoordiging"],
                       "hoofdoorzaken": d["oordeel"].get("oorzaken", 0),
                       "niet_verklaard": d["oordeel"].get("oorzaken_open", 0),
                       "redenen": d["oordeel"]["redenen"], "document": f"bias/{t}.json"} for t, d in docs.items()}}}

"""The verdict: the stored audit of a theme judged against the explanations registry in force.

Computing the audit (statistics, root causes, evidence) and judging it are separate: after the committee
records a decision, the stored audit is judged again — nothing is ingested or computed again. A root cause
is explained when a registered decision in force covers it at every step where it deviates; the deviations
derived from it are covered by that explanation. Each unexplained root cause is one blocking reason, with
the number of deviations derived from it; a derived deviation is never a reason of its own.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bias_audit import verklaringen as vk


def registerregel(thema: str, fout: str) -> str:
    return f"bias-audit {thema}: verklaringenregister ongeldig, daarom blokkeert de audit elk thema: {fout}"


def lees_register(pad: str | Path | None) -> tuple[list[vk.Verklaring], str | None]:
    """All decisions in the registry (none when there is no registry), or the error that makes it unusable."""
    if pad is None or not Path(pad).exists():
        return [], None
    try:
        return vk.lees(pad), None
    except vk.VerklaringenFout as fout:
        return [], str(fout)


def _reden(thema: str, o: dict, open_stappen: list[str]) -> str:
    stappen = ", ".join(o["stappen"])
    afgeleid = len(o["afgeleid"])
    waar = "gepoold over de laatste runs, " if o.get("gepoold") else ""
    if o.get("ratio") is None:  # counts below the suppression limit: no number that gives them back
        getallen = "ratio, interval en p niet gepubliceerd (kleine aantallen)"
    else:
        getallen = (f"ratio {o['ratio']:.2f} (95%-BI {o['ci_laag']:.2f}-{o['ci_hoog']:.2f}), gecorrigeerde "
                    f"p = {o['p_gecorrigeerd']:.2g}")
    tekst = (f"bias-afwijking in {thema}, stap {o['stap']} ({o['stap_nr']}), kenmerk {o['kenmerk']}, groep "
             f"{o['groep']}: {getallen}; {waar}hoofdoorzaak in stap(pen) {stappen}; {afgeleid} afgeleide "
             f"afwijking(en); geen geldige verklaring in het verklaringenregister")
    if open_stappen != o["stappen"]:
        tekst += f" voor stap(pen) {', '.join(open_stappen)}"
    return tekst


def beoordeel(doc: dict, alle: list[vk.Verklaring], registerfout: str | None, dag: date) -> dict:
    """Fill in the verdict of a computed audit document (in place) and return it. `dag`: the day the release is
    judged (today, for a run or `vrijgeven`): the decisions in force on that day count."""
    thema = doc["thema"]
    eigen = [v for v in alle if v.thema == thema]
    van_kracht = [v for v in eigen if v.geldig_op(dag)]
    doc["verklaringen"] = {"van_kracht": [v.als_dict() for v in van_kracht],
                           "verlopen": [v.als_dict() for v in eigen if v.geldig_tot < dag],
                           "nog_niet_van_kracht": [v.als_dict() for v in eigen if v.datum > dag],
                           "beoordeeld_op": dag.isoformat(), "fout": registerfout}
    redenen = [registerregel(thema, registerfout)] if registerfout else []
    redenen += doc.get("fouten", [])
    gedekt: dict[tuple[str, str, str], dict] = {}  # (step, attribute, group) of a root cause -> the decision
    for o in doc.get("oorzaken", []):
        per_stap = {s: vk.zoek(van_kracht, thema, s, o["kenmerk"], o["groep"]) for s in o["stappen"]}
        open_stappen = [s for s, v in per_stap.items() if v is None]
        for s, v in per_stap.items():
            if v is not None:
                gedekt[(s, o["kenmerk"], o["groep"])] = v.als_dict()
        o["status"] = "niet verklaard" if open_stappen else "verklaard"
        o["verklaring"] = next((v.als_dict() for v in per_stap.values() if v is not None), None)
        if open_stappen:
            redenen.append(_reden(thema, o, open_stappen))
    for a in doc.get("afwijkingen", []):
        eigen = vk.zoek(van_kracht, thema, a["stap"], a["kenmerk"], a["groep"])
        wortel = a.get("oorzaak") or {"kenmerk": a["kenmerk"], "groep": a["groep"]}
        v = eigen.als_dict() if eigen else gedekt.get((a["stap"], wortel["kenmerk"], wortel["groep"]))
        a["status"] = "verklaard" if v else "niet verklaard"
        a["verklaring"] = v
    oorzaken = doc.get("oorzaken", [])
    doc["oordeel"] = {"blokkerend": bool(redenen) or not doc.get("berekend", False), "redenen": redenen,
                      "afwijkingen": len(doc.get("afwijkingen", [])),
                      "verklaard": sum(a["status"] == "verklaard" for a in doc.get("afwijkingen", [])),
                      "oorzaken": len(oorzaken),
                      "oorzaken_open": sum(o["status"] != "verklaard" for o in oorzaken),
                      "ondervertegenwoordiging": len(doc.get("ondervertegenwoordiging", []))}
    return doc


def open_afwijkingen(doc: dict, v: vk.Verklaring) -> list[dict]:
    """The open root causes (and the deviations derived from them) of a judged document that `v` covers."""
    uit = []
    for o in doc.get("oorzaken", []):
        if o.get("status") == "verklaard":
            continue
        stappen = [s for s in o["stappen"] if vk.dekt(v, doc["thema"], s, o["kenmerk"], o["groep"])]
        if stappen:
            uit.append({"peildatum": doc["peildatum"], "thema": doc["thema"], "stappen": stappen,
                        "kenmerk": o["kenmerk"], "groep": o["groep"], "ratio": o.get("ratio"),
                        "afgeleid": len(o["afgeleid"]), "volledig": stappen == o["stappen"],
                        "gepoold": bool(o.get("gepoold"))})
    return uit


def afgeleid_gedekt(doc: dict, v: vk.Verklaring) -> list[dict]:
    """The open derived deviations of a judged document that `v` covers while it covers none of their root causes:
    a derived deviation does not block on its own, so such a decision releases nothing (its root cause does)."""
    uit = []
    for o in doc.get("oorzaken", []):
        if o.get("status") == "verklaard" or any(vk.dekt(v, doc["thema"], s, o["kenmerk"], o["groep"])
                                                 for s in o["stappen"]):
            continue
        for a in o.get("afgeleid", []):
            if vk.dekt(v, doc["thema"], a["stap"], a["kenmerk"], a["groep"]):
                uit.append({"peildatum": doc["peildatum"], "thema": doc["thema"], "stap": a["stap"],
                            "kenmerk": a["kenmerk"], "groep": a["groep"], "ratio": a.get("ratio"),
                            "hoofdoorzaak": f"kenmerk {o['kenmerk']}, groep {o['groep']}"})
    return uit

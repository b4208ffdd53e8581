"""Evidence for the committee (domain.md, "Evidence for the committee"): per root cause, the Mantel–Haenszel
ratio stratified by each legitimate factor of the theme, with its 95% interval, and a draft explanation.

The audit's ratio compares a group's selection rate with the population's. The Mantel–Haenszel estimator
compares the group with the rest of the population within each stratum (risk ratio, Greenland–Robins
variance). Both are put on the audit's scale: with s the group's share of the population, a group/rest risk
ratio RR corresponds to the ratio RR / (s·RR + 1 − s) to the population — exactly the audit's ratio when
there is one stratum — so the adjusted ratio can be read against the same threshold of 1.25. When the
group coincides with strata (all `gehuwden` are two-person dossiers), no stratum holds both group members
and others, and the audit says so ("samenvallend") instead of computing a ratio.
"""
from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy import stats

from kern.sjablonen import nl_getal


def mantel_haenszel(a, n1, c, n0, betrouwbaarheid: float = 0.95) -> tuple[float, float, float] | None:
    """Mantel–Haenszel risk ratio of group vs rest over strata, with the Greenland–Robins interval.

    a: selected in the group, n1: group size, c: selected in the rest, n0: rest size (arrays over strata).
    None when undefined (no stratum with both group and rest, or nobody selected on one side)."""
    a, n1, c, n0 = (np.asarray(v, float) for v in (a, n1, c, n0))
    t = n1 + n0
    geldig = (n1 > 0) & (n0 > 0)
    a, n1, c, n0, t = a[geldig], n1[geldig], c[geldig], n0[geldig], t[geldig]
    r = np.sum(a * n0 / t)
    s = np.sum(c * n1 / t)
    if r <= 0 or s <= 0:
        return None
    rr = r / s
    var = np.sum((n1 * n0 * (a + c) / t ** 2) - (a * c / t)) / (r * s)
    z = stats.norm.ppf(0.5 + betrouwbaarheid / 2)
    marge = z * math.sqrt(max(var, 0.0))
    return float(rr), float(rr * math.exp(-marge)), float(rr * math.exp(marge))


def naar_populatie(rr: float, aandeel: float) -> float:
    """A group/rest risk ratio on the audit's scale (group rate over the population's rate)."""
    return rr / (aandeel * rr + 1 - aandeel)


def bewijs(groep: pl.Series, geselecteerd: pl.Series, strata: pl.Series, inst: dict) -> dict:
    """The adjusted ratio of one group (boolean per population dossier) stratified by one factor."""
    df = pl.DataFrame({"g": groep, "s": geselecteerd, "f": strata.fill_null("onbekend")})
    per = df.group_by("f").agg(
        (pl.col("g") & pl.col("s")).sum().alias("a"), pl.col("g").sum().alias("n1"),
        (~pl.col("g") & pl.col("s")).sum().alias("c"), (~pl.col("g")).sum().alias("n0")).sort("f")
    n1_totaal = max(int(per["n1"].sum()), 1)
    gemengd = per.filter((pl.col("n1") > 0) & (pl.col("n0") > 0))
    samenvallend = gemengd["n1"].sum() < inst["samenvallend_onder"] * n1_totaal
    strata = [{"stratum": r["f"], "groep": int(r["n1"]), "groep_geselecteerd": int(r["a"]),
               "rest": int(r["n0"]), "rest_geselecteerd": int(r["c"])} for r in per.iter_rows(named=True)]
    leeg = {"ratio": None, "ci_laag": None, "ci_hoog": None, "rr_mh": None}
    if samenvallend:
        return {**leeg, "samenvallend": True, "strata": strata}
    mh = mantel_haenszel(per["a"], per["n1"], per["c"], per["n0"], inst["betrouwbaarheid"])
    if mh is None:
        return {**leeg, "samenvallend": False, "strata": strata}
    aandeel = n1_totaal / df.height
    rr, laag, hoog = mh
    return {"ratio": naar_populatie(rr, aandeel), "ci_laag": naar_populatie(laag, aandeel),
            "ci_hoog": naar_populatie(hoog, aandeel), "rr_mh": rr, "samenvallend": False, "strata": strata}


def voorstel(groep: str, gecorrigeerd: list[dict], factoren: dict[str, dict], drempel: float,
             getallen: bool = True) -> str | None:
    """A draft explanation in Dutch when an adjusted interval reaches down to the threshold; never an approval.
    `getallen=False`: without the ratio and interval (the group's counts are suppressed in publication)."""
    for g in gecorrigeerd:
        if g["ratio"] is not None and g["ci_laag"] <= drempel:
            f = factoren[g["factor"]]
            waarde = (f"is de ratio {nl_getal(g['ratio'])} ({nl_getal(g['ci_laag'])}–{nl_getal(g['ci_hoog'])})"
                      if getallen else f"reikt het interval van de ratio tot {nl_getal(drempel)} of lager (ratio "
                                       "niet gepubliceerd: te kleine aantallen)")
            return (f"Na correctie voor {f['omschrijving']} {waarde}: de oververtegenwoordiging van {groep} "
                    f"valt binnen wat deze factor verklaart. Reden dat de factor legitiem is: {f['reden']} "
                    "(concept — alleen een vastgelegd besluit van de commissie geeft het thema vrij)")
    return None

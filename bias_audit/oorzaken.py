"""Root causes instead of walls of findings (domain.md, "Root causes, not walls of findings").

One real pattern shows up as many deviations: when `gehuwden` is over-selected, so are `man × gehuwden`,
`27-39 × gehuwden` … An intersection deviation `A=a × B=b` is *derived* from a deviating single group
`A=a` at the same step when, within `a`, members with `B=b` are not selected significantly more often
than the rest of `a`: the conditional ratio rate(a∧b) / rate(a), tested within `a` (the same test as
every cell: Fisher exact or chi-square on the 2x2 table inside `a`), corrected with Holm over every
conditional test of the theme at the intersections' share of the run's alpha, and only "beyond" when it
is significant *and* above the over-representation threshold. An intersection that deviates beyond both
parents (or whose parents do not deviate) is a root cause itself. Root causes are reported once per
attribute and group, at their first deviating step, with every step where they deviate.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from bias_audit import statistiek

KRUIS = "×"


def delen(kenmerk: str, groep: str) -> list[tuple[str, str]]:
    """('geslacht×normcategorie', 'man × gehuwden') -> [('geslacht', 'man'), ('normcategorie', 'gehuwden')]."""
    return list(zip(kenmerk.split(KRUIS), [g.strip() for g in groep.split(f" {KRUIS} ")]))


def _conditioneel(afw_paren: pl.DataFrame, enkel: pl.DataFrame) -> pl.DataFrame:
    """Per deviating intersection and each of its two parents that deviates at the same step: the counts of
    the intersection within the parent (x, n) and of the parent itself (X, N)."""
    ouders = enkel.select("stap_nr", pl.col("kenmerk").alias("ouder_kenmerk"), pl.col("groep").alias("ouder_groep"),
                          pl.col("x").alias("ouder_x"), pl.col("n").alias("ouder_n"),
                          (pl.col("oordeel") == "afwijking").alias("ouder_afwijking"),
                          pl.col("ratio").alias("ouder_ratio"))
    rijen = []
    for r in afw_paren.iter_rows(named=True):
        for kant, (k, g) in enumerate(delen(r["kenmerk"], r["groep"])):
            rijen.append({"stap_nr": r["stap_nr"], "kenmerk": r["kenmerk"], "groep": r["groep"], "kant": kant,
                          "ouder_kenmerk": k, "ouder_groep": g, "x": r["x"], "n": r["n"]})
    schema = {"stap_nr": pl.Int64, "kenmerk": pl.Utf8, "groep": pl.Utf8, "kant": pl.Int64,
              "ouder_kenmerk": pl.Utf8, "ouder_groep": pl.Utf8, "x": pl.Int64, "n": pl.Int64}
    return pl.DataFrame(rijen, schema=schema).join(ouders, on=["stap_nr", "ouder_kenmerk", "ouder_groep"],
                                                   how="left")


def analyseer(cellen: pl.DataFrame, inst: dict, gewicht: float) -> tuple[list[dict], pl.DataFrame]:
    """Root causes of one family of cells (singles and intersections of one theme, or of the pooled test).

    `cellen`: the audit's cells with soort, stap_nr, stap, kenmerk, groep, n, x, ratio, ci_laag, ci_hoog,
    p_gecorrigeerd, oordeel. `gewicht`: the share of the run's alpha of the intersections (Holm within it).
    Returns the root causes (without verdict) and, per deviating intersection, its conditional test and the
    root it derives from (null when it is a root cause itself)."""
    afw = cellen.filter(pl.col("oordeel") == "afwijking")
    enkel = cellen.filter(pl.col("soort") == "kenmerk")
    paren = afw.filter(pl.col("soort") == "intersectie")
    cond = _conditioneel(paren, enkel).filter(pl.col("ouder_afwijking").fill_null(False))
    x, n, X, N = (cond[k].to_numpy().astype(float) for k in ("x", "n", "ouder_x", "ouder_n"))
    toetsbaar = (n < N) & (X > 0) & (X < N) if len(x) else np.zeros(0, bool)
    p, _ = statistiek.toets(x, n, X, N, inst["exact_onder_verwachting"], toetsbaar)
    pc = np.full(len(p), np.nan)
    if toetsbaar.any():
        pc[toetsbaar] = np.minimum(1.0, statistiek.holm(p[toetsbaar]) / gewicht)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where((n > 0) & (X > 0), (x / n) / (X / N), np.nan)
    voorbij = toetsbaar & (pc <= inst["alfa_run"]) & (ratio > inst["drempel_oververtegenwoordiging"])
    cond = cond.with_columns(pl.Series("ratio_binnen", ratio), pl.Series("p_binnen", pc),
                             pl.Series("voorbij_ouder", voorbij))
    # derived from the deviating parent it does not go beyond; with two such parents, the stronger one
    bron = (cond.filter(~pl.col("voorbij_ouder")).sort("ouder_ratio", "kant", descending=[True, False])
            .group_by("stap_nr", "kenmerk", "groep", maintain_order=True).first()
            .select("stap_nr", "kenmerk", "groep", "ouder_kenmerk", "ouder_groep", "ratio_binnen", "p_binnen"))
    afgeleid = paren.select("stap_nr", "stap", "kenmerk", "groep", "ratio", "p_gecorrigeerd", "n", "x") \
        .join(bron, on=["stap_nr", "kenmerk", "groep"], how="left")

    wortels = pl.concat([
        afw.filter(pl.col("soort") == "kenmerk"),
        afw.filter(pl.col("soort") == "intersectie").join(
            bron.select("stap_nr", "kenmerk", "groep"), on=["stap_nr", "kenmerk", "groep"], how="anti"),
    ], how="vertical_relaxed").sort("stap_nr", "soort", "kenmerk", "groep")
    oorzaken = []
    for (kenmerk, groep), deel in wortels.group_by("kenmerk", "groep", maintain_order=True):
        eerste = deel.row(0, named=True)
        onder = afgeleid.filter((pl.col("ouder_kenmerk") == kenmerk) & (pl.col("ouder_groep") == groep)) \
            .sort("stap_nr", "kenmerk", "groep")
        oorzaken.append({
            "soort": eerste["soort"], "stap": eerste["stap"], "stap_nr": eerste["stap_nr"],
            "stappen": deel["stap"].to_list(), "kenmerk": kenmerk, "groep": groep,
            "n": eerste["n"], "x": eerste["x"], "ratio": eerste["ratio"], "ci_laag": eerste["ci_laag"],
            "ci_hoog": eerste["ci_hoog"], "p_gecorrigeerd": eerste["p_gecorrigeerd"],
            "afgeleid": [{"stap": r["stap"], "kenmerk": r["kenmerk"], "groep": r["groep"], "ratio": r["ratio"],
                          "p_gecorrigeerd": r["p_gecorrigeerd"], "ratio_binnen_groep": r["ratio_binnen"],
                          "p_binnen_groep": r["p_binnen"]} for r in onder.iter_rows(named=True)],
        })
    oorzaken.sort(key=lambda o: (o["stap_nr"], o["soort"] != "kenmerk", o["kenmerk"], o["groep"]))
    return oorzaken, afgeleid

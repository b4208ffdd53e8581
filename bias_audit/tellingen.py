"""Counting the funnel's composition: per step and group, how many dossiers of the population are
selected, also against the previous step (which condition of the filter produces a skew)."""
from __future__ import annotations

from itertools import combinations

import polars as pl

from bias_audit.verklaringen import KRUIS

KOLOMMEN = ["kenmerk", "groep", "stap_nr", "n", "x", "x_vorig", "x_cond", "N", "X", "X_vorig", "X_cond"]


def combinaties(kenmerken: list[str], grootte: int) -> list[tuple[str, ...]]:
    return list(combinations(kenmerken, grootte))


def kubus(leden: pl.DataFrame, km: pl.DataFrame, attrs: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One pass over the members: counts per step and full combination of the attributes (a small cube), and the
    same among those that were in the previous step. Every combination's counts are marginals of these cubes."""
    lk = leden.select("dossier_id", "stap_nr").join(km.select("dossier_id", *attrs), on="dossier_id", how="inner")
    in_vorige = lk.join(leden.select("dossier_id", (pl.col("stap_nr") + 1).alias("stap_nr")),
                        on=["dossier_id", "stap_nr"], how="semi")
    return (lk.group_by("stap_nr", *attrs).len("x").with_columns(pl.col("stap_nr").cast(pl.Int64)),
            in_vorige.group_by("stap_nr", *attrs).len("x_cond").with_columns(pl.col("stap_nr").cast(pl.Int64)))


def tel(leden: pl.DataFrame, km: pl.DataFrame, combos: list[tuple[str, ...]], stappen: list[int] | None = None,
        kubussen: tuple[pl.DataFrame, pl.DataFrame] | None = None) -> pl.DataFrame:
    """One row per (attribute combination, group, step >= 1) for every group present in the population.

    leden: dossier_id, stap_nr (step 0 is the population); km: dossier_id and the attribute columns.
    n = group size in the population, x = selected at the step, x_vorig = in the previous step,
    x_cond = selected at the step among those in the previous step; capitals are the totals.
    `stappen` limits the steps counted (the previous step is always counted along)."""
    k, k_cond = kubussen if kubussen is not None else kubus(leden, km, list(dict.fromkeys(c for cb in combos for c in cb)))
    alle_stappen = sorted(s for s in k["stap_nr"].unique().to_list() if s >= 1)
    doel = [s for s in alle_stappen if stappen is None or s in stappen]
    totaal = k.group_by("stap_nr").agg(pl.col("x").sum().alias("X"))
    cond_totaal = k_cond.group_by("stap_nr").agg(pl.col("x_cond").sum().alias("X_cond"))
    N = totaal.filter(pl.col("stap_nr") == 0)["X"].sum()
    stapframe = (pl.DataFrame({"stap_nr": doel}, schema={"stap_nr": pl.Int64})
                 .join(totaal, on="stap_nr", how="left")
                 .join(totaal.select((pl.col("stap_nr") + 1).alias("stap_nr"), pl.col("X").alias("X_vorig")),
                       on="stap_nr", how="left")
                 .join(cond_totaal, on="stap_nr", how="left")
                 .with_columns(pl.col("X", "X_vorig", "X_cond").fill_null(0), pl.lit(N).alias("N")))
    if not combos:
        return pl.DataFrame(schema={k: pl.Utf8 if k in ("kenmerk", "groep") else pl.Int64 for k in KOLOMMEN})
    # Every combination at once, in long form (combination i, step, group): one aggregate of the cube per
    # combination, then a fixed number of joins however many combinations (~90 per theme), instead of ~10 eager
    # operations per combination. A group is keyed by its values with nulls spelled out (`sleutel`); its label
    # is null when a value is null, and such a group, as a join on the attribute columns would leave it, has no
    # selected members (x, x_vorig, x_cond = 0).
    def lang(kub: pl.DataFrame, waarde: str) -> pl.LazyFrame:
        delen = []
        for i, combo in enumerate(combos):
            waarden = [pl.col(c).cast(pl.Utf8) for c in combo]
            delen.append(kub.lazy().group_by("stap_nr", *combo).agg(pl.col(waarde).sum()).select(
                pl.lit(i, pl.Int32).alias("_i"), "stap_nr",
                pl.concat_str([w.fill_null("\x00") for w in waarden], separator="\x1f").alias("sleutel"),
                pl.concat_str(waarden, separator=f" {KRUIS} ").alias("groep"), waarde))
        return pl.concat(delen)

    # only the steps counted, the step before each and the population (step 0) are read (the exploratory scan
    # counts its last step only), and each long form is computed once for the joins below
    nodig = sorted({0, *doel, *(s - 1 for s in doel)})
    per, cond = (lang(kub.filter(pl.col("stap_nr").is_in(nodig)), w).collect().lazy()
                 for kub, w in ((k, "x"), (k_cond, "x_cond")))
    sleutel = ["_i", "stap_nr", "sleutel"]
    namen = pl.DataFrame({"_i": range(len(combos)), "kenmerk": [KRUIS.join(c) for c in combos]},
                         schema={"_i": pl.Int32, "kenmerk": pl.Utf8}).lazy()
    pop = per.filter(pl.col("stap_nr") == 0).select("_i", "sleutel", "groep", pl.col("x").alias("n"))
    uit = (pop.join(stapframe.lazy(), how="cross")
           .join(per.select(*sleutel, "x"), on=sleutel, how="left")
           .join(per.select("_i", (pl.col("stap_nr") + 1).alias("stap_nr"), "sleutel", pl.col("x").alias("x_vorig")),
                 on=sleutel, how="left")
           .join(cond.select(*sleutel, "x_cond"), on=sleutel, how="left")
           .join(namen, on="_i", how="left")
           .with_columns(pl.when(pl.col("groep").is_null()).then(0).otherwise(pl.col(c).fill_null(0)).alias(c)
                         for c in ("x", "x_vorig", "x_cond"))
           .sort("_i", "groep", "stap_nr", nulls_last=True))
    return uit.select(KOLOMMEN).with_columns(
        pl.col(k).cast(pl.Int64) for k in KOLOMMEN if k not in ("kenmerk", "groep")).collect()

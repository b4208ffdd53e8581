"""Suppression of small counts in what the audit publishes (domain.md: "Published tables suppress counts
below 10"): bias/<thema>.json, bias/rapport.html and the reasons in run.json. The tables in DuckDB
(`bias_statistieken`) keep every value; only the published document is suppressed.

Hiding the count alone is not enough: a published cell also shows its n and the step's totals (X selected of
N), so every number computed from x gives x back — the ratio (x = ratio·n·X/N), the interval (Wilson's
interval is invertible in x), the shares x/X and x/n, the p-values (monotone in x for fixed n, X, N: search
x = 0..9), the ratio against the previous step, and the next step's ratio against this one. And what one
table hides, a sum gives back: the groups of an attribute add up to the step's total, the intersections
a × B add up to a. So, per published cell:

- **primary**: a cell with x below the limit shows x as "<10" and none of the numbers computed from x; a
  group with n below the limit shows n as "<10" and none of the numbers computed from n (its share, and,
  since x is published, the ratio, rate, interval, p-values and the smallest detectable ratio);
- **secondary**: in every set of published cells whose sum is published too (the groups of an attribute at
  a step and the step's total; a × B and a; the population's groups and N) a hidden count must not be
  determined by the others: when it would be (one hidden cell, or hidden cells that the bounds 0 <= x <= 9
  pin down, or a hidden total whose parts are all shown), the smallest shown cell of that set is hidden as
  well ("onderdrukt"), until no set gives a hidden count back.

What stays for the committee: that a cell was tested, which test decided it, its verdict (afwijking,
ondervertegenwoordiging, geen) and the explanation that covers it — a deviation of a small group still
blocks and is still listed. The verdict only says that x lies in the range where ratio > 1.25 and the
corrected p is small enough; numbers that pin x down within that range go.
"""
from __future__ import annotations

import polars as pl

from bias_audit.verklaringen import KRUIS

GEHEIM = "onderdrukt"  # a count hidden because it would give a smaller one back (secondary suppression)
# the numbers of a cell that are computed from its x (with n, X and N published) or from its n
UIT_X = ("aandeel_selectie", "selectiegraad", "ratio", "ci_laag", "ci_hoog", "p", "p_gecorrigeerd", "ratio_stap",
         "p_stap")
UIT_N = ("aandeel_populatie", "kleinste_aantoonbare_ratio")

Sleutel = tuple  # (stap_nr, kenmerk, groep)


def vastgelegd(verborgen: list[tuple[int, float]], som: int, grens: int) -> bool:
    """Whether the hidden parts of a published sum are given back by it: `verborgen` holds per hidden part its
    count and its upper bound as a reader knows it (grens - 1 or its published n for a primary one, unbounded
    for a secondary one), `som` what the hidden parts add up to. True when a part's range
    [max(0, som - sum of the others' bounds), min(bound, som)] is one value."""
    if not verborgen:
        return False
    totaal_grens = sum(b for _, b in verborgen)
    return any(max(0, som - (totaal_grens - b)) >= min(b, som) for _, b in verborgen)


class Onderdrukking:
    """Which counts of one family of published cells are hidden (see the module's docstring).

    `cellen`: every cell counted (stap_nr, kenmerk, groep, n, x), published or not — they say which groups
    make up a sum. `gepubliceerd`: the keys of the cells whose numbers appear anywhere in the document.
    `totalen`: the published step totals X per stap_nr (None when the total itself is suppressed), `N` the
    population's total."""

    def __init__(self, cellen: pl.DataFrame, gepubliceerd: set[Sleutel], totalen: dict[int, int | None],
                 N: int | None, grens: int):
        self.grens = grens
        self.x: dict[Sleutel, int] = {}
        self.n: dict[tuple[str, str], int] = {}
        if cellen.height:  # a group with an unknown value selects nobody by construction (tellingen.tel): no cell
            cellen = cellen.filter(pl.col("groep").is_not_null())
            s_, k_, g_, n_, x_ = (cellen[c].to_list() for c in ("stap_nr", "kenmerk", "groep", "n", "x"))
            self.x = dict(zip(zip(s_, k_, g_), map(int, x_)))
            self.n = dict(zip(zip(k_, g_), map(int, n_)))
        self.gepubliceerd = {c for c in gepubliceerd if c in self.x}
        self.x_weg = {c for c in self.gepubliceerd if self.x[c] < grens}
        self.n_weg = {(k, g) for (_, k, g) in self.gepubliceerd if self.n[(k, g)] < grens}
        self.x_geheim: set[Sleutel] = set()
        self.n_geheim: set[tuple[str, str]] = set()
        self._n_pub = {(k, g) for (_, k, g) in self.gepubliceerd}
        self._x_sommen, self._n_sommen = self._sommen()
        self._totalen, self._N = totalen, N
        self._sluit()

    def _sommen(self) -> tuple[list, list]:
        """The published sums: per (step, parent cell, the attribute left out) the cells that add up to the
        parent's count (`_x_sommen`), and per (parent group, attribute left out) the groups that add up to the
        parent's n (`_n_sommen`) — only the sums whose parts are all published. One pass in Polars over every
        cell (at landelijk 700,000 cells a theme, most of them unpublished intersections of three attributes), in
        the order a loop over the cells and their attributes would meet them (tests/bias_audit/test_onderdrukking.py
        holds it equal to the same sums through Polars lists: 3.0 -> 1.7 s a theme at landelijk)."""
        if not self.x:
            return [], []
        # The parts of a sum share their attributes (only the group of the attribute left out differs), so a sum
        # with a published part has all its parts among the cells of a published cell's attributes; the others
        # (at landelijk most of the 700,000) can make no published sum and are left out, in their order.
        gezien = {k for (_, k, _) in self.gepubliceerd}
        sleutels = [c for c in self.x if c[1] in gezien]
        if not sleutels:
            return [], []
        pub = pl.DataFrame({"_pub": [c in self.gepubliceerd for c in sleutels],
                            "_npub": [(k, g) in self._n_pub for (_, k, g) in sleutels]})
        cel = pl.DataFrame(sleutels, schema={"stap_nr": pl.Int64, "kenmerk": pl.Utf8, "groep": pl.Utf8},
                           orient="row").hstack(pub).with_row_index("_r").with_columns(
            (pl.col("kenmerk").str.count_matches(KRUIS, literal=True) + 1).alias("_m"))
        # per cell and attribute i (in that order: `_r`, `_i`) the parent without attribute i. Cells of one, two or
        # three attributes (the exploratory scan: most of them) by plain string splits; more attributes through lists
        kolommen = ["_r", "stap_nr", "kenmerk", "groep", "_pub", "_npub"]
        delen = [cel.filter(pl.col("_m") == 1).select(
            *kolommen, pl.lit(0, pl.Int64).alias("_i"), pl.lit("").alias("_o_a"), pl.lit("").alias("_o_g"),
            pl.col("kenmerk").alias("_weg"))]
        for m in (2, 3):
            deel = cel.filter(pl.col("_m") == m).with_columns(
                pl.col("kenmerk").str.split_exact(KRUIS, m - 1).alias("_a"),
                pl.col("groep").str.split_exact(f" {KRUIS} ", m - 1).alias("_g"))
            for i in range(m):
                blijft = [f"field_{j}" for j in range(m) if j != i]
                delen.append(deel.select(
                    *kolommen, pl.lit(i, pl.Int64).alias("_i"),
                    pl.concat_str([pl.col("_a").struct.field(f) for f in blijft], separator=KRUIS).alias("_o_a"),
                    pl.concat_str([pl.col("_g").struct.field(f).str.strip_chars() for f in blijft],
                                  separator=f" {KRUIS} ").alias("_o_g"),
                    pl.col("_a").struct.field(f"field_{i}").alias("_weg")))
        meer = cel.filter(pl.col("_m") > 3).with_columns(
            pl.col("kenmerk").str.split(KRUIS).alias("_a"),
            pl.col("groep").str.split(f" {KRUIS} ").list.eval(pl.element().str.strip_chars()).alias("_g"))
        zonder_i = [pl.concat_list(pl.col(c).list.slice(0, pl.col("_i")), pl.col(c).list.slice(pl.col("_i") + 1))
                    .list.join(sep).alias(f"_o{c}") for c, sep in (("_a", KRUIS), ("_g", f" {KRUIS} "))]
        delen.append(meer.with_columns(pl.int_ranges(0, pl.col("_a").list.len()).alias("_i")).explode("_i")
                     .with_columns(*zonder_i, pl.col("_a").list.get(pl.col("_i")).alias("_weg"))
                     .select(delen[0].columns))
        uit = pl.concat(delen).sort("_r", "_i")
        x_sommen = (uit.group_by("stap_nr", "_o_a", "_o_g", "_weg", maintain_order=True)
                    .agg(pl.col("_r"), pl.col("_pub").all()).filter(pl.col("_pub")))
        x_lijst = [(s, (s, ko, go) if ko else None, [sleutels[r] for r in leden])
                   for s, ko, go, _, leden, _ in x_sommen.iter_rows()]
        n_sommen = (uit.group_by("_o_a", "_o_g", "_weg", maintain_order=True)
                    .agg(pl.struct("kenmerk", "groep").unique(maintain_order=True).alias("_leden"), pl.col("_npub").all())
                    .filter(pl.col("_npub")))
        n_lijst = [((ko, go) if ko else None, [(d["kenmerk"], d["groep"]) for d in leden])
                   for ko, go, _, leden, _ in n_sommen.iter_rows()]
        return x_lijst, n_lijst

    def _sluit(self) -> None:
        """Secondary suppression until no published sum gives a hidden count back."""
        veranderd = True
        while veranderd:
            veranderd = False
            for s, ouder, leden in self._x_sommen:
                if ouder is None:
                    totaal = self._totalen.get(s)
                    totaal = None if totaal is None or totaal < self.grens else totaal
                elif ouder in self.gepubliceerd:
                    totaal = None if self.x_verborgen(ouder) else self.x[ouder]
                else:
                    continue  # the parent's count is not published: no sum to subtract from
                veranderd |= self._controleer(leden, totaal, self.x, self.x_verborgen, self.x_geheim,
                                              lambda c: self.n[(c[1], c[2])], ouder is not None or s in self._totalen)
            for ouder, leden in self._n_sommen:
                if ouder is None:
                    totaal, bestaat = (None if self._N is None or self._N < self.grens else self._N), True
                elif ouder in self._n_pub:
                    totaal, bestaat = None if self.n_verborgen(*ouder) else self.n[ouder], True
                else:
                    continue
                veranderd |= self._controleer(leden, totaal, self.n, lambda c: self.n_verborgen(*c), self.n_geheim,
                                              lambda c: self.grens - 1, bestaat)

    def _controleer(self, leden, totaal, waarde, verborgen, geheim: set, bovengrens, totaal_bestaat: bool) -> bool:
        """One sum: hide the smallest shown part when the sum (shown total) or its parts (hidden total) give
        a hidden count back. Returns whether anything was hidden."""
        weg = [c for c in leden if verborgen(c)]
        zichtbaar = sorted((c for c in leden if not verborgen(c)), key=lambda c: (waarde[c], str(c)))
        if not zichtbaar:
            return False
        if totaal is None:
            # a hidden total whose parts are all shown is their sum
            if not (totaal_bestaat and not weg):
                return False
        else:
            som = totaal - sum(waarde[c] for c in zichtbaar)
            grenzen = [(waarde[c], min(self.grens - 1, bovengrens(c)) if waarde[c] < self.grens else float("inf"))
                       for c in weg]
            if not vastgelegd(grenzen, som, self.grens):
                return False
        geheim.add(zichtbaar[0])
        return True

    # -- what a published cell shows ------------------------------------------------------------------------
    def x_verborgen(self, c: Sleutel) -> bool:
        return c in self.x_weg or c in self.x_geheim or (c not in self.gepubliceerd and self.x.get(c, 0) < self.grens)

    def n_verborgen(self, kenmerk: str, groep: str) -> bool:
        c = (kenmerk, groep)
        return c in self.n_weg or c in self.n_geheim or (c not in self._n_pub and self.n.get(c, 0) < self.grens)

    def verborgen(self, c: Sleutel) -> bool:
        """Whether the numbers computed from this cell's x or n are withheld."""
        return self.x_verborgen(c) or self.n_verborgen(c[1], c[2])

    def stap_verborgen(self, c: Sleutel) -> bool:
        """Whether the ratio against the previous step is withheld (it is computed from both steps' x)."""
        s, k, g = c
        return self.verborgen(c) or (s > 1 and self.x_verborgen((s - 1, k, g)))

    def telling(self, waarde, verborgen: bool):
        if waarde is None:
            return None
        if waarde < self.grens:
            return f"<{self.grens}"
        return GEHEIM if verborgen else int(waarde)

    def toon_x(self, c: Sleutel, x):
        return self.telling(x, self.x_verborgen(c))

    def toon_n(self, kenmerk: str, groep: str, n):
        return self.telling(n, self.n_verborgen(kenmerk, groep))


def kolommen_weg(rij: dict, verborgen: bool, n_verborgen: bool, stap_verborgen: bool) -> dict:
    """The published cell `rij` without the numbers that would give a hidden count back."""
    uit = dict(rij)
    if verborgen:
        for k in UIT_X:
            if k in uit:
                uit[k] = None
    if stap_verborgen:
        for k in ("ratio_stap", "p_stap"):
            if k in uit:
                uit[k] = None
    if n_verborgen:
        for k in UIT_N:
            if k in uit:
                uit[k] = None
    uit["onderdrukt"] = bool(verborgen)
    return uit


def aanvullend(waarden: list[int], totaal_bekend: bool, grens: int) -> list[bool]:
    """For one column of counts whose total is published: which to hide so that no count below `grens` is
    given back by the total (primary: below grens; secondary: the smallest others while needed)."""
    weg = [w < grens for w in waarden]
    if not totaal_bekend:
        return weg
    while True:
        verborgen = [(w, grens - 1 if w < grens else float("inf")) for w, v in zip(waarden, weg) if v]
        som = sum(w for w, v in zip(waarden, weg) if v)
        zichtbaar = [i for i, v in enumerate(weg) if not v]
        if not verborgen or not zichtbaar or not vastgelegd(verborgen, som, grens):
            return weg
        weg[min(zichtbaar, key=lambda i: waarden[i])] = True

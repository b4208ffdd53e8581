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

from collections import defaultdict

import polars as pl

from bias_audit.verklaringen import KRUIS

GEHEIM = "onderdrukt"  # a count hidden because it would give a smaller one back (secondary suppression)
# the numbers of a cell that are computed from its x (with n, X and N published) or from its n
UIT_X = ("aandeel_selectie", "selectiegraad", "ratio", "ci_laag", "ci_hoog", "p", "p_gecorrigeerd", "ratio_stap",
         "p_stap")
UIT_N = ("aandeel_populatie", "kleinste_aantoonbare_ratio")

Sleutel = tuple  # (stap_nr, kenmerk, groep)


def _delen(kenmerk: str, groep: str) -> tuple[list[str], list[str]]:
    return kenmerk.split(KRUIS), [g.strip() for g in groep.split(f" {KRUIS} ")]


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
        for s, k, g, n, x in cellen.select("stap_nr", "kenmerk", "groep", "n", "x").iter_rows():
            if g is None:  # a group with an unknown value selects nobody by construction (tellingen.tel)
                continue
            self.x[(s, k, g)] = int(x)
            self.n[(k, g)] = int(n)
        self.gepubliceerd = {c for c in gepubliceerd if c in self.x}
        self.x_weg = {c for c in self.gepubliceerd if self.x[c] < grens}
        self.n_weg = {(k, g) for (_, k, g) in self.gepubliceerd if self.n[(k, g)] < grens}
        self.x_geheim: set[Sleutel] = set()
        self.n_geheim: set[tuple[str, str]] = set()
        # the sums: per (step, parent cell, the attribute left out) the cells that add up to the parent's count
        x_sommen: dict[tuple, list[Sleutel]] = defaultdict(list)
        n_sommen: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
        for (s, k, g) in self.x:
            attrs, groepen = _delen(k, g)
            for i in range(len(attrs)):
                ouder = (KRUIS.join(attrs[:i] + attrs[i + 1:]), f" {KRUIS} ".join(groepen[:i] + groepen[i + 1:]))
                x_sommen[(s, *ouder, attrs[i])].append((s, k, g))
                if (k, g) not in n_sommen[(*ouder, attrs[i])]:
                    n_sommen[(*ouder, attrs[i])].append((k, g))
        self._x_sommen = [(s, (s, ko, go) if ko else None, leden) for (s, ko, go, _), leden in x_sommen.items()
                          if all(c in self.gepubliceerd for c in leden)]
        self._n_pub = {(k, g) for (_, k, g) in self.gepubliceerd}
        self._n_sommen = [((ko, go) if ko else None, leden) for (ko, go, _), leden in n_sommen.items()
                          if all(c in self._n_pub for c in leden)]
        self._totalen, self._N = totalen, N
        self._sluit()

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

"""How the planted cases are drawn: by systematic sampling among the active PW dossiers, so that the planted
non-compliance carries no pattern by wijk or origin.

Which cases are planted is declared per theme (`GEVALLEN` in vermogen_voertuigen, vermogen_bank,
huisvesting_bezetting and huisvesting_kostendelers); `sources.demo.blok.GEPLANT` joins them in that order.
The order matters: the draws follow it.
"""
from __future__ import annotations

import numpy as np

from sources.demo.hulp import _aantal
from sources.demo.toestand import Blok

# Pools of households a planted case may be drawn from (by household size).
POOLS = {"alle": None, "klein": 4, "tot6": 6, "tot7": 7}


def trek(s: Blok, fractie: float, pool: np.ndarray) -> np.ndarray:
    """Draw round(fractie * active PW dossiers) households of the pool that carry no planted case yet.

    The candidates are sorted by stratum (wijk, age band, duration on benefit, household type, born in NL or
    not), then at random, and taken at a fixed step from a random start: every wijk and group gets its
    proportional share.
    """
    rng, act_pw, gebruikt, strata = s.rng, s.act_pw, s.gebruikt, s.strata
    k = _aantal(s.n_act, fractie, minimum_bij=50)
    kand = act_pw[(~gebruikt[act_pw]) & pool[act_pw]]
    k = min(k, len(kand))
    if k == 0:
        return np.zeros(0, np.int64)
    kand = kand[np.lexsort((rng.random(len(kand)), strata[kand]))]
    stap = len(kand) / k
    sel = np.sort(kand[np.floor(rng.random() * stap + stap * np.arange(k)).astype(np.int64)])
    gebruikt[sel] = True
    return sel


def trek_gevallen(s: Blok, geplant: dict[str, tuple[float, str]]) -> None:
    """Draw the planted cases of every theme among the active PW dossiers: `s.h_cat` holds the case per
    household (its code in `s.cat`, 0 = none)."""
    H, h_size, h_age, P, h_start, h_wijk, h_type = s.H, s.h_size, s.h_age, s.P, s.h_start, s.h_wijk, s.h_type
    h_origin = s.h_origin
    s.cat = {naam: i + 1 for i, naam in enumerate(geplant)}
    h_cat = np.zeros(H, dtype=np.int64)  # index into GEPLANT (+1); 0 = none
    s.gebruikt = np.zeros(H, dtype=bool)
    pools = {naam: np.ones(H, bool) if grens is None else h_size <= grens for naam, grens in POOLS.items()}
    leeftijdsband = np.digitize(h_age, [27, 40, 55, 67])
    duurband = np.digitize(P - h_start, [365, 3 * 365, 5 * 365])
    s.strata = (((h_wijk * 5 + leeftijdsband) * 4 + duurband) * 6 + h_type) * 2 + (h_origin != 0)
    for naam, (frac, pool) in geplant.items():
        h_cat[trek(s, frac, pools[pool])] = s.cat[naam]
    s.h_cat = h_cat


def tel_huishoudens(s: Blok) -> None:
    """Count the planted cases (households) in the summary."""
    ctx, hh, c = s.ctx, s.hh, s.cat
    for naam in c:
        ctx.tel(ctx.geplant, naam, int((hh["cat"] == c[naam]).sum()))
    ctx.tel(ctx.geplant, "K_GROEP_adressen", int(((hh["gast"] < 0) & hh["groep"]).sum()))
    ctx.tel(ctx.geplant, "K_GROEP_dossiers", int(hh["groep"].sum()))
    ctx.tel(ctx.geplant, "dakloos_briefadres", int(hh["dakloos"].sum()))
    ctx.tel(ctx.geplant, "overleden_aanvrager", int(hh["dood"].sum()))

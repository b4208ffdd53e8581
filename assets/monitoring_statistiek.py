"""The arithmetic of the feedback loop, free of data access: one arm's hit rate with its Wilson interval,
the one-sided exact test of signals against their control sample, quartiles and small-count suppression."""
from __future__ import annotations

import numpy as np
from scipy import stats

from kern.statistiek import wilson

def arm(onderzocht: int, afgerond: int, niet_naleving: int, niet_meegewerkt: int) -> dict:
    """One arm (signals or control sample) as outputs.md defines it; `niet_meegewerkt` is neither a hit nor
    compliance, so it leaves the denominator."""
    noemer = afgerond - niet_meegewerkt
    if noemer > 0:
        laag, hoog = wilson(np.array([niet_naleving]), np.array([noemer]))
        trefkans, ci_laag, ci_hoog = niet_naleving / noemer, float(laag[0]), float(hoog[0])
    else:
        trefkans = ci_laag = ci_hoog = None
    return {"onderzocht": int(onderzocht), "afgerond": int(afgerond), "niet_naleving": int(niet_naleving),
            "niet_meegewerkt": int(niet_meegewerkt), "trefkans": _rond(trefkans), "ci_laag": _rond(ci_laag),
            "ci_hoog": _rond(ci_hoog)}


def noemer(a: dict) -> int:
    return a["afgerond"] - a["niet_meegewerkt"]


def vergelijk(signalen: dict, steekproef: dict, minimum: int = 30, alfa: float = 0.05) -> dict:
    """Do the signals hit more often than the control sample? One-sided Fisher exact test on
    [[hits, misses] signals, [hits, misses] sample]; flagged when both denominators reach `minimum`
    and the signals are not significantly better."""
    n1, n2 = noemer(signalen), noemer(steekproef)
    if n1 > 0 and n2 > 0:
        x1, x2 = signalen["niet_naleving"], steekproef["niet_naleving"]
        p = float(stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="greater").pvalue)
        verschil = x1 / n1 - x2 / n2
    else:
        p = verschil = None
    beter = p is not None and p <= alfa
    return {"signalen": signalen, "steekproef": steekproef, "verschil": _rond(verschil), "p": p,
            "beter_dan_steekproef": beter, "gemarkeerd": n1 >= minimum and n2 >= minimum and not beter}


def kwartielen(waarden: list[float] | np.ndarray) -> list[float] | None:
    """Q1, median, Q3 by linear interpolation between order statistics (numpy's default method)."""
    if len(waarden) == 0:
        return None
    return [round(float(q), 2) for q in np.quantile(np.asarray(waarden, float), [0.25, 0.5, 0.75])]


def onderdruk(aantal: int, drempel: int = 10) -> int | str:
    """A count as published: below the threshold (0 included) it reads "<10"."""
    return f"<{drempel}" if aantal < drempel else int(aantal)


def _rond(x: float | None, decimalen: int = 4) -> float | None:
    return None if x is None else round(float(x), decimalen)

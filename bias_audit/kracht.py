"""Honest power (domain.md, "Power that is honest"): the smallest ratio the test that is actually applied
would detect, at the run's corrected level, and a Monte Carlo simulation of that same test to confirm it.

The funnel fixes how many dossiers a step selects (X of N), so the natural model is conditional on that
margin: the number x selected from a group of n follows Fisher's noncentral hypergeometric distribution
with odds ratio ψ (ψ = 1: no bias). For cells decided by Fisher's exact test, the power at ψ is the
probability of the upper part of the test's exact rejection region; the smallest detectable ratio is the
expected selection rate at the smallest ψ with the required power, over the population's rate. Cells
decided by the chi-square test keep the normal approximation (statistiek.kleinste_ratio).
"""
from __future__ import annotations

import numpy as np
from scipy import optimize, special

from bias_audit import statistiek

MAX_DRAGER = 200_000  # support points of one cell; beyond that the normal approximation is used
NORMAAL, EXACT = "normale benadering (chi-kwadraat)", "exact (Fisher, voorwaardelijk op de stapgrootte)"


def _logc(a, b):
    return special.gammaln(a + 1) - special.gammaln(b + 1) - special.gammaln(a - b + 1)


def _drager(n: int, X: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(max(0, X - (N - n)), min(n, X) + 1)
    return k, _logc(n, k) + _logc(N - n, X - k) - _logc(N, X)


def _verdeling(logp: np.ndarray, k: np.ndarray, log_psi: float) -> np.ndarray:
    w = logp + k * log_psi
    w = np.exp(w - w.max())
    return w / w.sum()


def _verwerpingsgebied(k: np.ndarray, logp: np.ndarray, alfa: float) -> np.ndarray:
    """Upper part of the two-sided Fisher test's rejection region: the k with p(k) <= alfa above the mean."""
    p0 = np.exp(logp)
    volgorde = np.argsort(logp, kind="stable")
    cum = np.cumsum(p0[volgorde])
    # p(k) = sum of the probabilities of all tables at most as likely (same tolerance as statistiek.fisher)
    grens = np.searchsorted(logp[volgorde], logp + np.log1p(1e-7), side="right")
    pk = np.minimum(cum[np.maximum(grens - 1, 0)], 1.0)
    return (pk <= alfa) & (k > np.sum(k * p0))


def _kracht(logp: np.ndarray, k: np.ndarray, gebied: np.ndarray, log_psi: np.ndarray) -> np.ndarray:
    """The power at each of the log odds ratios `log_psi` at once: the probability of the rejection region."""
    w = logp[:, None] + k[:, None] * log_psi[None, :]
    w = np.exp(w - w.max(axis=0))
    return w[gebied].sum(axis=0) / w.sum(axis=0)


def exact(n: int, X: int, N: int, alfa: float, kracht: float = 0.8) -> float:
    """Smallest detectable ratio (> 1) of Fisher's exact test for a group of n when the step selects X of N;
    inf when even selecting the whole group would not be detected with this power. The definition, one cell at a
    time; the audit computes all its cells at once with `exact_alle` (tests/bias_audit hold the two equal).

    The power grows with the odds ratio, so the smallest log odds ratio with the required power is bracketed
    on 1, 2, 4 … 32 at once (beyond that: not detectable) and then found by Brent's method: about a dozen
    evaluations where bisection took fifty (the cost of exact power at ~1,300 distinct cells a theme)."""
    if n <= 0 or n >= N or X <= 0 or X >= N:
        return float("nan")
    k, logp = _drager(n, X, N)
    gebied = _verwerpingsgebied(k, logp, alfa)
    if not gebied.any():
        return float("inf")
    grenzen = np.array([0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    genoeg = _kracht(logp, k, gebied, grenzen[1:]) >= kracht
    if not genoeg.any():
        return float("inf")
    i = int(np.argmax(genoeg))
    laag, hoog = grenzen[i], grenzen[i + 1]
    tekort = lambda lp: _verdeling(logp, k, lp)[gebied].sum() - kracht  # noqa: E731
    if tekort(laag) < 0:
        hoog = optimize.brentq(tekort, laag, hoog, xtol=1e-12, rtol=1e-14)
    verwacht = float(np.sum(k * _verdeling(logp, k, hoog)))
    return (verwacht / n) / (X / N)


STAPPEN = 100  # Newton's steps at most; the bracket of 32 is below TOLERANTIE after 49 halvings
TOLERANTIE = 1e-13  # on the log odds ratio: finer than brentq's xtol (1e-12) in `exact`
PUNTEN = 4_000_000  # support points of the cells whose root is sought together: bounds the memory


def _indeling(lengte: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Supports of `lengte` points each laid end to end: the first point of each cell, and the cell of each point."""
    return np.concatenate([[0], np.cumsum(lengte)[:-1]]).astype(np.int64), np.repeat(np.arange(len(lengte)), lengte)


def _machten(k: np.ndarray, logp: np.ndarray, gebied: np.ndarray, begin: np.ndarray, rij: np.ndarray,
             log_psi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Many cells at once, each at its own log odds ratio, their supports laid end to end (`begin` the first point
    of each cell, `rij` the cell of each point): the power (as `_verdeling` summed over the region per cell), the
    probability outside the region (summed apart: 1 - power loses the digits near 1), the derivative of the power
    to the log odds ratio (the covariance of k and being in the region) and the expected k."""
    w = logp + k * log_psi[rij]
    w = np.exp(w - np.maximum.reduceat(w, begin)[rij])
    som = np.add.reduceat(w, begin)
    wg = np.where(gebied, w, 0.0)
    macht, verwacht = np.add.reduceat(wg, begin) / som, np.add.reduceat(k * w, begin) / som
    buiten = np.add.reduceat(w - wg, begin) / som
    return macht, buiten, np.add.reduceat(k * wg, begin) / som - macht * verwacht, verwacht


def _wortels(k: np.ndarray, logp: np.ndarray, gebied: np.ndarray, lengte: np.ndarray, laag: float, hoog: float,
             kracht: float) -> np.ndarray:
    """Per cell (supports laid end to end, `lengte` points each) the log odds ratio in [laag, hoog] at which the
    power reaches `kracht`: the power is below it at `laag` and not below it at `hoog`, and grows with the odds
    ratio (one root). Newton's method on the logit of the power, close to linear in the log odds ratio, from 1 (ψ = e,
    where most roots are near), kept inside the bracket (else the bracket is halved); a cell leaves the arrays once
    its step is below TOLERANTIE."""
    n = len(lengte)
    x, actief = np.empty(n), np.arange(n)
    laag, hoog = np.full(n, laag), np.full(n, hoog)
    xa = np.clip(np.ones(n), laag, hoog)
    doel = np.log(kracht) - np.log1p(-kracht)
    klaar = np.zeros(n, bool)
    for _ in range(STAPPEN):
        if klaar.any():  # the cells done leave the arrays
            x[actief[klaar]] = xa[klaar]
            blijft = ~klaar
            k, logp, gebied = k[blijft[rij]], logp[blijft[rij]], gebied[blijft[rij]]
            actief, xa, laag, hoog, lengte = actief[blijft], xa[blijft], laag[blijft], hoog[blijft], lengte[blijft]
        if not len(actief):
            break
        begin, rij = _indeling(lengte)
        macht, buiten, helling, _ = _machten(k, logp, gebied, begin, rij, xa)
        genoeg = macht >= kracht
        hoog, laag = np.where(genoeg, xa, hoog), np.where(genoeg, laag, xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = xa - (np.log(macht) - np.log(buiten) - doel) * (macht * buiten) / helling
        # converged: Newton's step is below the tolerance (its iterate may be the bracket's end it converged to)
        klaar = (np.abs(newton - xa) < TOLERANTIE) | (hoog - laag < TOLERANTIE)
        xa = np.where(klaar, xa, np.where(np.isfinite(newton) & (newton > laag) & (newton < hoog), newton,
                                          (laag + hoog) / 2))
    x[actief] = xa  # (not reached: a bracket of 32 is below TOLERANTIE after 49 halvings)
    return x


def exact_alle(cellen: list[tuple[int, int, int, float]], kracht: float = 0.8) -> np.ndarray:
    """`exact` for many cells (n, X, N, alfa) at once, the same values up to the root's tolerance (~1e-12). The
    supports of all cells laid end to end (`_drager`'s values, computed together), per cell its rejection region
    (`_verwerpingsgebied`, on its part of the arrays), then in NumPy for all cells together: not detectable when
    the power at ψ = e^32 falls short (the power grows with ψ: `exact`'s bracket 1, 2 … 32 says the same), else the
    root (`_wortels`). At landelijk a theme has ~5,000 distinct cells: `exact` on each of them took 7.8 s a theme,
    this 5.1 s (what is left is arithmetic: the supports' log-probabilities and the regions)."""
    uit = np.full(len(cellen), np.nan)
    geldig = [i for i, (n, X, N, _) in enumerate(cellen) if 0 < n < N and 0 < X < N]
    if not geldig:
        return uit
    n, X, N = (np.array([cellen[i][j] for i in geldig], dtype=np.int64) for j in range(3))
    alfa = [cellen[i][3] for i in geldig]
    lo, hi = np.maximum(0, X - (N - n)), np.minimum(n, X)
    lengte_alle = hi - lo + 1
    start = 0
    while start < len(geldig):  # groups of cells with at most PUNTEN support points together
        eind = start + max(1, int(np.searchsorted(np.cumsum(lengte_alle[start:]), PUNTEN, side="right")))
        c = np.arange(start, eind)
        start = eind
        lengte = lengte_alle[c]
        begin, rij = _indeling(lengte)
        k = lo[c][rij] + (np.arange(int(lengte.sum())) - begin[rij])
        nr, Xr, Nr = n[c][rij], X[c][rij], N[c][rij]
        logp = _logc(nr, k) + _logc(Nr - nr, Xr - k) - _logc(Nr, Xr)
        gebied = np.zeros(len(k), bool)
        for j, (b, m) in enumerate(zip(begin, lengte)):
            gebied[b:b + m] = _verwerpingsgebied(k[b:b + m], logp[b:b + m], alfa[c[j]])
        kf = k.astype(float)
        macht, *_ = _machten(kf, logp, gebied, begin, rij, np.full(len(c), 32.0))
        te_zwak = (np.add.reduceat(gebied, begin) == 0) | (macht < kracht)
        for j in c[te_zwak]:
            uit[geldig[j]] = np.inf
        if te_zwak.all():
            continue
        punten = ~te_zwak[rij]
        kf, logp, gebied, lengte, c = kf[punten], logp[punten], gebied[punten], lengte[~te_zwak], c[~te_zwak]
        x = _wortels(kf, logp, gebied, lengte, 0.0, 32.0, kracht)
        *_, verwacht = _machten(kf, logp, gebied, *_indeling(lengte), x)
        uit[np.array(geldig)[c]] = (verwacht / n[c]) / (X[c] / N[c])
    return uit


def kleinste_ratio(n, X, N, alfa, toets: list, onderscheidend: float = 0.8) -> tuple[np.ndarray, list[str]]:
    """Per cell the smallest detectable ratio of the test that decides it, and how it was computed."""
    n, X, N = (np.asarray(v, float) for v in (n, X, N))
    alfa = np.broadcast_to(np.asarray(alfa, float), n.shape)
    uit = statistiek.kleinste_ratio(n, X, N, alfa, onderscheidend)
    methode = [NORMAAL] * len(n)
    # Cells of one step share X and N, and group sizes repeat across attributes and steps (at landelijk 10,120
    # Fisher cells have 1,201 distinct (n, X, N)): each distinct cell is computed once, all of them together.
    cellen: dict[tuple, list[int]] = {}
    for i, t in enumerate(toets):
        if t == "Fisher (exact)" and min(n[i], X[i]) < MAX_DRAGER:
            cellen.setdefault((int(n[i]), int(X[i]), int(N[i]), float(alfa[i])), []).append(i)
            methode[i] = EXACT
    for rijen, waarde in zip(cellen.values(), exact_alle(list(cellen), onderscheidend)):
        uit[rijen] = waarde
    return uit, methode


def simuleer(n: int, X: int, N: int, ratio: float, alfa: float, exact_onder: float, trekkingen: int = 2000,
             zaad: int = 0) -> float:
    """Monte Carlo: the share of simulated steps at this ratio in which the audit's own test (statistiek.toets,
    two-sided, at level alfa) finds an over-selection. Used to confirm the computed smallest ratio."""
    k, logp = _drager(n, X, N)
    doel = ratio * n * X / N
    laag, hoog = -20.0, 20.0
    for _ in range(60):
        midden = (laag + hoog) / 2
        if np.sum(k * _verdeling(logp, k, midden)) < doel:
            laag = midden
        else:
            hoog = midden
    rng = np.random.default_rng(zaad)
    x = rng.choice(k, size=trekkingen, p=_verdeling(logp, k, hoog)).astype(float)
    # every draw shares n, X and N, so the test's p depends on x alone: test each distinct x once
    uniek, terug = np.unique(x, return_inverse=True)
    m = len(uniek)
    p, _ = statistiek.toets(uniek, np.full(m, n, float), np.full(m, X, float), np.full(m, N, float), exact_onder)
    return float(np.mean((p[terug] <= alfa) & (x / n > X / N)))

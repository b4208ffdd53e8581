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
    inf when even selecting the whole group would not be detected with this power.

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


def kleinste_ratio(n, X, N, alfa, toets: list, onderscheidend: float = 0.8) -> tuple[np.ndarray, list[str]]:
    """Per cell the smallest detectable ratio of the test that decides it, and how it was computed."""
    n, X, N = (np.asarray(v, float) for v in (n, X, N))
    alfa = np.broadcast_to(np.asarray(alfa, float), n.shape)
    uit = statistiek.kleinste_ratio(n, X, N, alfa, onderscheidend)
    methode = ["normale benadering (chi-kwadraat)"] * len(n)
    # Cells of one step share X and N, and group sizes repeat across attributes and steps (at landelijk 10,120
    # Fisher cells have 1,201 distinct (n, X, N)): each distinct cell is computed once.
    berekend: dict[tuple, float] = {}
    for i, t in enumerate(toets):
        if t == "Fisher (exact)" and min(n[i], X[i]) < MAX_DRAGER:
            sleutel = (int(n[i]), int(X[i]), int(N[i]), float(alfa[i]), onderscheidend)
            if sleutel not in berekend:
                berekend[sleutel] = exact(*sleutel)
            uit[i] = berekend[sleutel]
            methode[i] = "exact (Fisher, voorwaardelijk op de stapgrootte)"
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

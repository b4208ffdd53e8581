"""The statistics of the audit, vectorised over every (step, attribute, group) cell of a run.

A cell compares the dossiers of one group that a funnel step selects with the whole population:
selection rate x/n, its ratio to the population's overall rate X/N, a confidence interval for that
ratio, and a test of "selection is independent of the group" on the 2x2 table group/rest x
selected/not: Fisher's exact test where an expected count is small, Pearson's chi-square elsewhere.
The correction for the number of tests is Holm's step-down procedure (family-wise error rate).
"""
from __future__ import annotations

import numpy as np
from scipy import special, stats

from kern.statistiek import wilson  # noqa: F401 - one definition, shared with the monitoring


def _per_tabel(*kolommen: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The distinct rows of the columns and, per row, its distinct row; None when every row is distinct. For the
    functions whose answer for a row depends on that row's values alone: a theme's cells repeat (~56,000 Fisher
    cells at landelijk are ~8,400 distinct tables), so each distinct row is computed once."""
    uniek, terug = np.unique(np.stack(kolommen, axis=1), axis=0, return_inverse=True)
    return (uniek, terug.reshape(-1)) if len(uniek) < len(kolommen[0]) else None


def _tabel(x, n, X, N):
    """The 2x2 table: a = group selected, b = group not selected, c = rest selected, d = rest not selected."""
    x, n, X, N = (np.asarray(v, float) for v in (x, n, X, N))
    return x, n - x, X - x, (N - n) - (X - x)


def verwacht_minimum(x, n, X, N) -> np.ndarray:
    """The smallest expected count of the four cells under independence."""
    x, n, X, N = (np.asarray(v, float) for v in (x, n, X, N))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.minimum.reduce([n * X / N, n * (N - X) / N, (N - n) * X / N, (N - n) * (N - X) / N])


def chi_kwadraat(x, n, X, N) -> np.ndarray:
    """Two-sided p of Pearson's chi-square test (1 df, no continuity correction) on the 2x2 table."""
    a, b, c, d = _tabel(x, n, X, N)
    N = a + b + c + d
    marges = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(invalid="ignore", divide="ignore"):
        toets = N * (a * d - b * c) ** 2 / marges
    return np.where(marges > 0, stats.chi2.sf(toets, 1), 1.0)


def fisher(x, n, X, N) -> np.ndarray:
    """Two-sided p of Fisher's exact test (the tables at most as likely as the observed one), vectorised:
    the hypergeometric log-probabilities of every row's support, laid end to end in one array. Only used
    where an expected count is small, so each support is short (at most ~sqrt(5N) values)."""
    x, n, X, N = (np.rint(np.asarray(v, float)).astype(np.int64) for v in (x, n, X, N))
    if len(x) == 0:
        return np.ones(0)
    if (herhaald := _per_tabel(x, n, X, N)) is not None:
        return fisher(*herhaald[0].T)[herhaald[1]]
    lo, hi = np.maximum(0, X - (N - n)), np.minimum(n, X)
    breedte = hi - lo + 1
    grens = np.cumsum(breedte) // 4_000_000  # chunks of ~4 M support points bound the memory
    if grens[-1] > 0:
        return np.concatenate([fisher(x[grens == c], n[grens == c], X[grens == c], N[grens == c])
                               for c in np.unique(grens)])
    rij = np.repeat(np.arange(len(x)), breedte)
    k = lo[rij] + (np.arange(breedte.sum()) - np.repeat(np.cumsum(breedte) - breedte, breedte))

    # log C(n,k) + log C(N-n, X-k) - log C(N,X): the terms without k once per row, four gammaln per point
    g = special.gammaln
    vast = g(n + 1) + g(N - n + 1) + g(X + 1) + g(N - X + 1) - g(N + 1)

    def logpmf(k, n, X, N, vast):
        return vast - g(k + 1) - g(n - k + 1) - g(X - k + 1) - g(N - n - X + k + 1)

    waar = logpmf(k, n[rij], X[rij], N[rij], vast[rij])
    waargenomen = logpmf(x, n, X, N, vast)
    # the same relative tolerance as scipy.stats.fisher_exact: tables equally likely up to rounding count
    mee = waar <= waargenomen[rij] + np.log1p(1e-7)
    p = np.bincount(rij, weights=np.where(mee, np.exp(waar), 0.0), minlength=len(x))
    return np.minimum(p, 1.0)


def _logc(a, b):
    return special.gammaln(a + 1) - special.gammaln(b + 1) - special.gammaln(a - b + 1)


def toets(x, n, X, N, exact_onder: float = 5.0, welke: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """(p, name of the test): exact where the smallest expected count is below `exact_onder`; rows outside
    `welke` (a mask) are not tested and get p = nan."""
    x, n, X, N = (np.asarray(v, float) for v in (x, n, X, N))
    welke = np.ones(len(x), bool) if welke is None else np.asarray(welke, bool)
    with np.errstate(invalid="ignore"):
        exact = welke & (verwacht_minimum(x, n, X, N) < exact_onder)
    p = np.where(welke, chi_kwadraat(x, n, X, N), np.nan)
    if exact.any():
        p[exact] = fisher(x[exact], n[exact], X[exact], N[exact])
    return np.clip(p, 0, 1), np.where(exact, "Fisher (exact)", "chi-kwadraat")


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values: reject where adjusted p <= alpha controls the FWER at alpha."""
    p = np.asarray(p, float)
    m = len(p)
    if m == 0:
        return p
    volgorde = np.argsort(p, kind="stable")
    geschaald = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[volgorde]))
    uit = np.empty(m)
    uit[volgorde] = geschaald
    return uit


def ratio(x, n, X, N) -> np.ndarray:
    """Selection rate of the group divided by the population's overall selection rate (nan when undefined)."""
    x, n, X, N = (np.asarray(v, float) for v in (x, n, X, N))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n > 0) & (X > 0), (x / n) / (X / N), np.nan)


def ratio_interval(x, n, X, N, betrouwbaarheid: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval for the ratio: the Wilson interval of the group's rate over the population's rate.

    The population's rate is a fact of the whole population, not a sample estimate; the uncertainty is
    how the filter treats the n dossiers of the group (binomial)."""
    laag, hoog = wilson(x, n, betrouwbaarheid)
    X, N = np.asarray(X, float), np.asarray(N, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        basis = np.where(X > 0, X / N, np.nan)
        return laag / basis, hoog / basis


def kleinste_ratio(n, X, N, alfa, onderscheidend: float = 0.8) -> np.ndarray:
    """The smallest ratio above 1 that a two-sided test at level `alfa` detects with the given power,
    for a group of n of N dossiers when the step selects X (normal approximation; inf = not detectable).

    Under the alternative the group's rate is R*X/N and the rest takes the remainder of the X selected."""
    n, X, N = (np.asarray(v, float) for v in (n, X, N))
    alfa = np.broadcast_to(np.asarray(alfa, float), n.shape)
    if (herhaald := _per_tabel(n, X, N, alfa)) is not None:
        return kleinste_ratio(*herhaald[0].T, onderscheidend)[herhaald[1]]
    rest = N - n
    with np.errstate(invalid="ignore", divide="ignore"):
        p = X / N
        z_a = stats.norm.isf(alfa / 2)
        z_b = stats.norm.ppf(onderscheidend)
        se0 = np.sqrt(p * (1 - p) * (1 / n + 1 / rest))
        r_max = np.minimum(1 / p, N / n)  # the group's rate cannot exceed 1, the rest's not drop below 0

        def kracht(r):
            r1, r0 = r * p, (X - r * p * n) / rest
            se1 = np.sqrt(np.clip(r1 * (1 - r1), 0, None) / n + np.clip(r0 * (1 - r0), 0, None) / rest)
            return (r1 - r0 - z_a * se0) / np.where(se1 > 0, se1, np.inf) >= z_b

        geldig = (n > 0) & (rest > 0) & (X > 0) & (X < N)
        laag, hoog = np.ones_like(n), np.where(geldig, r_max, np.nan)
        haalbaar = geldig & kracht(hoog)
        for _ in range(60):
            midden = (laag + hoog) / 2
            ja = kracht(midden)
            hoog = np.where(ja, midden, hoog)
            laag = np.where(ja, laag, midden)
    return np.where(haalbaar, hoog, np.inf)

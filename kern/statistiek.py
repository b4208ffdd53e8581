"""Statistics shared by the layers above: the Wilson score interval of a proportion.

It lives at the bottom so that the monitoring (assets/) and the bias audit (bias_audit/) use one
definition of the same interval.
"""
from __future__ import annotations

import numpy as np
from scipy import stats


def wilson(x: np.ndarray, n: np.ndarray, betrouwbaarheid: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (also sound for 0 or n successes)."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    z = stats.norm.ppf(0.5 + betrouwbaarheid / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        noemer = 1 + z * z / n
        midden = (p + z * z / (2 * n)) / noemer
        breedte = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / noemer
    return np.clip(midden - breedte, 0, 1), np.clip(midden + breedte, 0, 1)

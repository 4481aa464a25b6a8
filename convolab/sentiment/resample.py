"""Bootstrap intervals of means: over sentences, or over documents (a cluster bootstrap).

Sentences of one essay are not independent, so a mean over sentences from several documents
gets its interval by resampling whole documents: each draw weights the documents by multinomial
counts and takes the ratio (sum of scores / number of sentences), one matrix product per batch
of draws. A mean within one document can only resample its sentences (:func:`bootstrap_ci`).
Percentile intervals throughout; every draw is seeded.
"""

from __future__ import annotations

import numpy as np

N_BOOT = 2000
_BATCH = 250
#: Most weights (draws x documents) held at once: 32 MB of int64. Draws come from the generator
#: one after another, so smaller batches for many documents give the same draws.
_MAX_WEIGHTS = 4_000_000


def bootstrap_ci(values: np.ndarray, *, n_boot: int = N_BOOT, ci: float = 0.95,
                 random_state: int | np.random.SeedSequence = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; ``(x, x)`` for a single value."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return float("nan"), float("nan")
    mean = float(values.mean())
    if len(values) == 1 or np.ptp(values) == 0:
        return mean, mean
    rng = np.random.default_rng(random_state)
    means = values[rng.integers(0, len(values), size=(n_boot, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [(1 - ci) / 2, (1 + ci) / 2])
    # Monte-Carlo noise must never put the interval beside its own point estimate.
    return float(min(low, mean)), float(max(high, mean))


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num.sum(0) / den.sum(0)``, NaN where the denominator is 0."""
    top, bottom = num.sum(axis=0), den.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def bootstrap_ratio(num: np.ndarray, den: np.ndarray, *, n_boot: int = N_BOOT,
                    ci: float = 0.95, random_state=0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of ``ratio(num, den)`` resampling rows (documents).

    Parameters
    ----------
    num, den : ndarray, shape (n_docs, k)
        Per-document numerators and denominators of ``k`` ratios.

    Returns
    -------
    low, high : ndarray, shape (k,)
        NaN where fewer than two documents contribute (``den > 0``): one document has no
        between-document variation to resample.
    """
    n, k = num.shape
    point = ratio(num, den)
    low, high = np.full(k, np.nan), np.full(k, np.nan)
    enough = (den > 0).sum(axis=0) >= 2
    if not enough.any():
        return low, high
    num, den = num[:, enough], den[:, enough]
    rng = np.random.default_rng(random_state)
    draws = []
    batch = max(1, min(_BATCH, _MAX_WEIGHTS // n))
    for start in range(0, n_boot, batch):
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=min(batch, n_boot - start))
        with np.errstate(invalid="ignore", divide="ignore"):
            draws.append((weights @ num) / (weights @ den))
    draws = np.vstack(draws)
    # A draw without any contributing document has no ratio (NaN) and is left out.
    low[enough] = np.nanquantile(draws, (1 - ci) / 2, axis=0)
    high[enough] = np.nanquantile(draws, (1 + ci) / 2, axis=0)
    # Monte-Carlo noise must never put the interval beside its own point estimate.
    return np.where(enough, np.fmin(low, point), np.nan), \
        np.where(enough, np.fmax(high, point), np.nan)

"""Document-level resampling: bootstrap intervals and permutation tests of ratio statistics.

Every quantity compared here is a ratio of sums over documents — the share of a group's units
that fall in a topic (units in topic / units), or a group's mean tone (sum of sentence scores /
number of sentences). Sentences and paragraphs of one essay are not independent, so both the
intervals and the tests resample whole **documents**:

* intervals: a cluster bootstrap — documents drawn with replacement within the group
  (multinomial weights, so one matrix product per batch), percentile interval;
* tests: ``scipy.stats.permutation_test`` with ``permutation_type="independent"``, i.e. group
  labels shuffled across documents (exact when there are fewer distinct relabellings than
  resamples), and ``scipy.stats.false_discovery_control`` (Benjamini–Hochberg) across topics.

scipy is used rather than hand-written loops because it handles exact enumeration, batching
and the p-value convention (the observed statistic counts as one resample, so p is never 0).
"""

from __future__ import annotations

import zlib

import numpy as np

from ..sentiment.resample import N_BOOT, bootstrap_ratio, ratio

N_PERMUTATIONS = 2000
#: No report states a difference, a ranking or a trend that rests on a group or period of fewer
#: documents than this (they are listed, marked as too small): with fewer, one essay can make
#: a "finding".
MIN_DOCUMENTS = 10
__all__ = ["MIN_DOCUMENTS", "N_BOOT", "N_PERMUTATIONS", "adjust", "between_groups", "bootstrap_ratio",
           "permutation_p", "ratio", "seed"]


def seed(random_state: int, *key) -> np.random.SeedSequence:
    """A seed for one group's resamples that does not depend on which other groups exist."""
    return np.random.SeedSequence([int(random_state), zlib.crc32(repr(key).encode())])


def between_groups(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted spread of group ratios around their pooled value (0 when all are equal)."""
    ok = weights > 0
    if ok.sum() < 2:
        return 0.0
    pooled = np.average(values[ok], weights=weights[ok])
    return float(np.sum(weights[ok] * (values[ok] - pooled) ** 2) / weights[ok].sum())


def permutation_p(num: np.ndarray, den: np.ndarray, groups: np.ndarray, *,
                  n_resamples: int = N_PERMUTATIONS, random_state=0) -> float:
    """p-value of "the ratio differs between groups", shuffling group labels over documents.

    Parameters
    ----------
    num, den : ndarray, shape (n_docs,)
        One ratio's per-document numerator and denominator.
    groups : ndarray of int, shape (n_docs,)
        Group code of each document (0..g-1).

    The statistic is :func:`between_groups` of the group ratios weighted by their
    denominators: for two groups it is a monotone function of the absolute difference, so the
    test is two-sided; for more it asks whether any group differs.
    """
    from scipy.stats import permutation_test

    codes = np.unique(groups)
    if len(codes) < 2 or not np.any(den > 0):
        return float("nan")
    samples = tuple(np.flatnonzero(groups == c) for c in codes)

    def statistic(*idx, axis=-1):
        tops = np.stack([num[i].sum(axis=axis) for i in idx], axis=-1)
        bottoms = np.stack([den[i].sum(axis=axis) for i in idx], axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(bottoms > 0, tops / np.where(bottoms > 0, bottoms, 1), 0.0)
        total = bottoms.sum(axis=-1, keepdims=True)
        pooled = (values * bottoms).sum(axis=-1, keepdims=True) / np.where(total > 0, total, 1)
        return (bottoms * (values - pooled) ** 2).sum(axis=-1) / np.where(
            total[..., 0] > 0, total[..., 0], 1)

    result = permutation_test(samples, statistic, permutation_type="independent",
                              vectorized=True, n_resamples=n_resamples,
                              alternative="greater", random_state=np.random.default_rng(
                                  random_state))
    return float(result.pvalue)


def adjust(p_values) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN stays NaN)."""
    from scipy.stats import false_discovery_control

    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = false_discovery_control(p[ok], method="bh")
    return out

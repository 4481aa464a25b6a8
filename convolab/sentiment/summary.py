"""One group's summary row, from its values (pandas engine) or from its totals (Dask engine).

:func:`summarise` reads every usable value of a group; :func:`summarise_totals` reads only what
partitions can add up on the workers (counts, sums, sums of squares, extremes, and per-document
sums and counts). Both return the same keys, so :func:`convolab.sentiment_by` gives one table
whichever engine computed it. With documents resampled (``cluster``) the two are the same
computation: the cluster bootstrap needs only each document's sum and count. Resampling
sentences needs every value, which a Dask corpus does not bring to one place; there
:func:`summarise_totals` uses the interval the bootstrap converges to (see
:func:`normal_interval`).
"""

from __future__ import annotations

import zlib
from statistics import NormalDist

import numpy as np
import pandas as pd

from .resample import bootstrap_ci, bootstrap_ratio

NEUTRAL_BAND = 0.05
SUMMARY_COLUMNS = ["n", "mean", "ci_low", "ci_high", "share_positive", "share_neutral",
                   "share_negative", "n_excluded"]
#: The columns a sentence and a topic unit share, by unit.
JOIN_KEYS = {"sentence": ["doc_id", "sent_id"], "paragraph": ["doc_id", "para_id"],
             "document": ["doc_id"]}


def group_seed(random_state: int, key) -> np.random.SeedSequence:
    """The seed of one group's interval: from ``random_state`` and the group's key, so it does
    not depend on which other groups are in the table."""
    return np.random.SeedSequence([int(random_state), zlib.crc32(repr(key).encode())])


def summarise(values: np.ndarray, seed, n_excluded: int, *, n_boot, ci, neutral_band,
              clusters: np.ndarray | None = None) -> dict:
    """The summary of one group from its usable values (and each value's cluster)."""
    if clusters is None:
        low, high = bootstrap_ci(values, n_boot=n_boot, ci=ci, random_state=seed)
    else:
        _, code = np.unique(clusters, return_inverse=True)
        sums = np.bincount(code, values, minlength=code.max() + 1 if len(code) else 0)
        counts = np.bincount(code, minlength=len(sums)).astype(float)
        low, high = cluster_interval(sums, counts, seed, n_boot=n_boot, ci=ci)
    n = len(values)
    share = (lambda mask: float(mask.mean())) if n else (lambda mask: float("nan"))
    return {"n": n, "mean": float(values.mean()) if n else float("nan"), "ci_low": low,
            "ci_high": high, "share_positive": share(values >= neutral_band),
            "share_neutral": share(np.abs(values) < neutral_band),
            "share_negative": share(values <= -neutral_band), "n_excluded": n_excluded}


def cluster_interval(sums: np.ndarray, counts: np.ndarray, seed, *, n_boot, ci):
    """Cluster-bootstrap interval of ``sums.sum() / counts.sum()``, clusters in the order
    :func:`numpy.unique` gives their ids (the draws are matched to clusters by position)."""
    low, high = bootstrap_ratio(np.asarray(sums, float)[:, None],
                                np.asarray(counts, float)[:, None], n_boot=n_boot, ci=ci,
                                random_state=seed)
    return float(low[0]), float(high[0])


def summarise_totals(totals: dict, *, ci, interval=None) -> dict:
    """The summary of one group from its totals.

    Parameters
    ----------
    totals : dict
        ``n, sum, sumsq, min, max, positive, neutral, negative, n_excluded`` over the group's
        usable values (``positive`` etc. already counted against the neutral band).
    interval : (float, float), optional
        The group's interval when it was computed elsewhere (the document bootstrap on the
        workers, :func:`clusters_interval`, exactly :func:`summarise`'s); without it,
        :func:`normal_interval`.
    """
    n = int(totals["n"])
    low, high = interval if interval is not None else normal_interval(totals, ci)
    share = (lambda k: float(totals[k]) / n) if n else (lambda k: float("nan"))
    return {"n": n, "mean": float(totals["sum"]) / n if n else float("nan"),
            "ci_low": float(low), "ci_high": float(high), "share_positive": share("positive"),
            "share_neutral": share("neutral"), "share_negative": share("negative"),
            "n_excluded": int(totals["n_excluded"])}


def clusters_interval(ids, sums, counts, seed, *, n_boot, ci) -> tuple[float, float]:
    """:func:`summarise`'s document-bootstrap interval from each cluster's id, sum and count
    (clusters put in the order :func:`numpy.unique` gives, as :func:`summarise` has them)."""
    if not len(ids):
        return float("nan"), float("nan")
    order = np.argsort(np.unique(ids, return_inverse=True)[1], kind="stable")
    return cluster_interval(np.asarray(sums, float)[order], np.asarray(counts, float)[order],
                            seed, n_boot=n_boot, ci=ci)


def normal_interval(totals: dict, ci: float) -> tuple[float, float]:
    """The interval the sentence bootstrap converges to, from ``n, sum, sumsq, min, max``.

    The percentile bootstrap of a mean is, as the group grows, normal with the values' plug-in
    standard deviation over ``sqrt(n)``: this is that interval, clipped to the values' range
    (no resampled mean can leave it). As in :func:`~convolab.sentiment.resample.bootstrap_ci`,
    one value or identical values give ``(mean, mean)`` and no value gives NaN. It differs from
    the bootstrap by the bootstrap's own Monte-Carlo noise (about 6 % of a standard error at
    2,000 draws) plus a skewness term that shrinks as ``1/sqrt(n)``; for a handful of sentences
    it is symmetric where the bootstrap would not be.
    """
    n = int(totals["n"])
    if n == 0:
        return float("nan"), float("nan")
    mean = float(totals["sum"]) / n
    if n == 1 or totals["min"] == totals["max"]:
        return mean, mean
    # Sums of squares lose nothing that matters here: values lie in [-1, 1].
    variance = max(float(totals["sumsq"]) / n - mean * mean, 0.0)
    half = NormalDist().inv_cdf((1 + ci) / 2) * np.sqrt(variance / n)
    return max(mean - half, float(totals["min"])), min(mean + half, float(totals["max"]))


def evidence(joined: pd.DataFrame, column: str, n: int) -> pd.DataFrame:
    """Per topic, the ``n`` most positive and ``n`` most negative usable sentences, ranked by
    (score, doc_id, sent_id): the same sentences from all of them or from any superset of
    each topic's extremes (the Dask engine's candidates)."""
    rows = []
    for topic, group in joined.groupby("topic", sort=True):
        ranked = group.sort_values([column, "doc_id", "sent_id"], kind="stable")
        row = {"topic": topic}
        for name, pick in (("most_positive", ranked.iloc[::-1][:n]),
                           ("most_negative", ranked.iloc[:n])):
            row[name] = " | ".join(pick["text"].astype(str))
            row[f"{name}_score"] = float(pick[column].iloc[0])
            row[f"{name}_doc_id"] = pick["doc_id"].iloc[0] if n == 1 else list(pick["doc_id"])
            row[f"{name}_sent_id"] = int(pick["sent_id"].iloc[0]) if n == 1 \
                else [int(s) for s in pick["sent_id"]]
        rows.append(row)
    columns = ["topic"] + [f"{p}{s}" for p in ("most_positive", "most_negative")
                           for s in ("", "_score", "_doc_id", "_sent_id")]
    return pd.DataFrame(rows, columns=columns)

"""Per-(document, topic) matrices that :func:`~convolab.compare.compare` resamples and permutes.

Rows are the compared documents (``doc_index``), columns the topics (outliers, ``-1``, aside):
units, tone sums and tone counts, plus per document its units and the tone sum and count over
every usable sentence. The pandas engine builds them from the joined sentences; the Dask
engine from totals per (document, topic) summed on the workers
(:func:`convolab.compare.distributed.doc_topic_totals`), so the client holds
O(documents × topics per document) numbers whichever engine ran.
"""

from __future__ import annotations

import numpy as np

from ..sentiment.aggregate import _join_topics, _usable
from . import distributed

__all__ = ["dask_matrices", "matrices"]


def matrices(assignments, scores, unit, doc_index, exclude_flags):
    """Per (document, topic) units, tone sums and tone counts; per document units, and the
    tone sum and count over every usable sentence (outlier units included)."""
    topic_ids = sorted(t for t in assignments["topic"].unique() if t != -1)
    units = assignments[assignments["doc_id"].isin(doc_index)]
    unit_counts = _matrix(units, doc_index, topic_ids, lambda frame: frame.groupby(
        ["doc_id", "topic"]).size())
    n_units = np.bincount(units["doc_id"].map(doc_index), minlength=len(doc_index)) \
        .astype(float)
    joined = _join_topics(scores, assignments, unit)
    joined = joined[joined["doc_id"].isin(doc_index) & _usable(joined, "sentiment",
                                                               exclude_flags)]
    tone_sum = _matrix(joined, doc_index, topic_ids,
                       lambda f: f.groupby(["doc_id", "topic"])["sentiment"].sum())
    tone_n = _matrix(joined, doc_index, topic_ids, lambda f: f.groupby(["doc_id", "topic"]).size())
    all_sum, all_n = tone_sum.sum(axis=1, keepdims=True), tone_n.sum(axis=1, keepdims=True)
    # Overall tone counts every usable sentence, outlier units included.
    outlier = joined[joined["topic"] == -1]
    all_sum[:, 0] += np.bincount(outlier["doc_id"].map(doc_index), outlier["sentiment"],
                                 minlength=len(doc_index))
    all_n[:, 0] += np.bincount(outlier["doc_id"].map(doc_index), minlength=len(doc_index))
    return topic_ids, unit_counts, n_units, tone_sum, tone_n, all_sum, all_n


def dask_matrices(assignments, scores, unit, doc_index, exclude_flags):
    """:func:`matrices` from per-(document, topic) totals summed on the workers."""
    units, tone = distributed.doc_topic_totals(assignments, scores, unit, exclude_flags)
    topic_ids = sorted(t for t in units["topic"].unique() if t != -1)
    units = units[units["doc_id"].isin(doc_index)]
    tone = tone[tone["doc_id"].isin(doc_index)]
    by_pair = ["doc_id", "topic"]
    unit_counts = _matrix(units, doc_index, topic_ids, lambda f: f.set_index(by_pair)["n_units"])
    n_units = np.bincount(units["doc_id"].map(doc_index), units["n_units"],
                          minlength=len(doc_index))
    tone_sum = _matrix(tone, doc_index, topic_ids, lambda f: f.set_index(by_pair)["sum"])
    tone_n = _matrix(tone, doc_index, topic_ids, lambda f: f.set_index(by_pair)["n"])
    all_sum, all_n = tone_sum.sum(axis=1, keepdims=True), tone_n.sum(axis=1, keepdims=True)
    outlier = tone[tone["topic"] == -1]
    all_sum[:, 0] += np.bincount(outlier["doc_id"].map(doc_index), outlier["sum"],
                                 minlength=len(doc_index))
    all_n[:, 0] += np.bincount(outlier["doc_id"].map(doc_index), outlier["n"],
                               minlength=len(doc_index))
    return topic_ids, unit_counts, n_units, tone_sum, tone_n, all_sum, all_n


def _matrix(frame, doc_index, topic_ids, aggregate) -> np.ndarray:
    out = np.zeros((len(doc_index), max(len(topic_ids), 1)))
    if len(frame):
        column = {t: j for j, t in enumerate(topic_ids)}
        for (doc, topic), value in aggregate(frame).items():
            if topic in column:
                out[doc_index[doc], column[topic]] = value
    return out[:, :len(topic_ids)] if topic_ids else out

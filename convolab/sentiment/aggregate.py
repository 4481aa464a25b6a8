"""From sentence scores to tables: tone per group with bootstrap CIs, per topic, along an essay.

Conventions shared by every function here:

- Sentences flagged ``empty`` or ``non-english`` (scored 0 only as a placeholder) are left out
  of means, shares and arcs (``exclude_flags``); their count is reported as ``n_excluded``.
- A sentence is *neutral* when ``|sentiment| < NEUTRAL_BAND`` (0.05, VADER's own convention),
  *positive* above it and *negative* below ``-NEUTRAL_BAND``.
- Confidence intervals are percentile bootstraps (2,000 resamples, 95 %), seeded from
  ``random_state`` and the group's key, so a group's interval does not depend on which other
  groups are in the table. Where a group's sentences come from several documents (a topic, an
  author) pass ``cluster="doc_id"``: whole documents are resampled, because sentences of one
  essay are not independent (:mod:`convolab.sentiment.resample`). Within one document only
  sentences can be resampled.
- Dask frames (``engine="dask"``) are aggregated on the workers and only per-group rows (and a
  few evidence sentences) reach the client (:mod:`convolab.sentiment.distributed`); the
  tables are the pandas engine's, except that an interval resampling sentences is there the
  normal interval the bootstrap converges to (:func:`convolab.sentiment.summary.normal_interval`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from . import distributed, summary
from .flags import UNSCORED
from .resample import N_BOOT, bootstrap_ci, bootstrap_ratio  # noqa: F401 (imported from here)
from .summary import JOIN_KEYS as _JOIN_KEYS
from .summary import NEUTRAL_BAND, SUMMARY_COLUMNS
from .summary import group_seed as _seed
from .summary import summarise as _summarise

logger = logging.getLogger(__name__)

ARC_WINDOW = 5
__all__ = ["NEUTRAL_BAND", "SUMMARY_COLUMNS", "sentiment_arc", "sentiment_by",
           "topic_document_tone", "topic_sentiment"]


def _usable(scores: pd.DataFrame, column: str, exclude_flags) -> pd.Series:
    if column not in scores.columns:
        raise KeyError(f"scores has no column {column!r}; pass the frame from "
                       "SentimentModel.score()")
    keep = pd.Series(True, index=scores.index)
    if "flag" in scores.columns and exclude_flags:
        keep &= ~scores["flag"].isin(list(exclude_flags))
    return keep & scores[column].notna()


def sentiment_by(scores: pd.DataFrame, by: str | list[str] = "doc_id", *,
                 column: str = "sentiment", neutral_band: float = NEUTRAL_BAND,
                 n_boot: int = N_BOOT, ci: float = 0.95, random_state: int = 0,
                 exclude_flags=UNSCORED, cluster: str | None = None) -> pd.DataFrame:
    """Tone per group of sentences, with a seeded bootstrap confidence interval.

    Parameters
    ----------
    scores : DataFrame or dask DataFrame
        From :meth:`SentimentModel.score` (one row per sentence). A Dask frame is summed up by
        group on the workers and the client receives one row per group (the document
        bootstrap runs on the workers too): never a sentence.
    by : str or list of str
        Grouping column(s), e.g. ``"doc_id"`` or ``["doc_id", "para_id"]``.
    column : str
        Score to aggregate: ``"sentiment"`` or a per-method column (``"vader"``, ``"learned"``).
    neutral_band : float
        ``|score| < neutral_band`` counts as neutral.
    n_boot, ci : int, float
        Bootstrap resamples and interval coverage.
    random_state : int
        Seed; the same seed gives the same intervals.
    exclude_flags : collection of str
        Flags whose sentences are left out (default ``empty`` and ``non-english``).
    cluster : str, optional
        Resample whole units of this column (``"doc_id"``) instead of sentences. The interval
        is NaN for a group whose sentences come from fewer than two such units. Both engines
        give the same interval: it needs only each unit's sum and count. Without ``cluster``
        a Dask frame's interval is the normal one the sentence bootstrap converges to
        (:func:`convolab.sentiment.summary.normal_interval`): resampling sentences would need
        every value in one place.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``n, mean, ci_low, ci_high, share_positive,
        share_neutral, share_negative, n_excluded`` (and ``n_docs`` with ``cluster``: how many
        distinct units the sentences come from).

    Examples
    --------
    >>> scores = pd.DataFrame({"doc_id": ["a", "a", "b"], "sentiment": [0.5, 0.1, -0.4]})
    >>> sentiment_by(scores)[["doc_id", "n", "mean"]]
      doc_id  n  mean
    0      a  2   0.3
    1      b  1  -0.4
    """
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys + ([cluster] if cluster else []) if k not in scores.columns]
    if missing:
        raise KeyError(f"scores has no column(s) {missing} to group by")
    if distributed.is_dask(scores):
        return distributed.sentiment_by(scores, keys, column=column, neutral_band=neutral_band,
                                        n_boot=n_boot, ci=ci, random_state=random_state,
                                        exclude_flags=exclude_flags, cluster=cluster)
    usable = _usable(scores, column, exclude_flags)
    rows = []
    for key, group in scores.groupby(keys, sort=True, dropna=False):
        ok = usable.loc[group.index]
        values = group.loc[ok, column].to_numpy(float)
        key = key if isinstance(key, tuple) else (key,)
        clusters = group.loc[ok, cluster].to_numpy() if cluster else None
        row = {**dict(zip(keys, key)),
               **_summarise(values, _seed(random_state, key), int((~ok).sum()), n_boot=n_boot,
                            ci=ci, neutral_band=neutral_band, clusters=clusters)}
        if cluster:
            row["n_docs"] = len(set(clusters))
        rows.append(row)
    return pd.DataFrame(rows, columns=keys + SUMMARY_COLUMNS + (["n_docs"] if cluster else []))


def sentiment_arc(scores: pd.DataFrame, doc_id: str | None = None, *,
                  column: str = "sentiment", window: int = ARC_WINDOW,
                  exclude_flags=UNSCORED) -> pd.DataFrame:
    """Tone along an essay: each sentence's position (0..1) and a centred rolling mean.

    Parameters
    ----------
    scores : DataFrame
        From :meth:`SentimentModel.score`.
    doc_id : str, optional
        One essay; default every essay in ``scores``.
    column : str
        Score to follow.
    window : int
        Width of the centred rolling mean, in sentences (default 5: the sentence and two on
        each side); the window shrinks at the start and end of the essay.
    exclude_flags : collection of str
        Flags whose sentences are left out.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, para_id, position, sentiment, smoothed, text`` in reading order;
        ``position`` runs from 0 (first scored sentence) to 1 (last); a one-sentence essay
        sits at 0.5.
    """
    if window < 1:
        raise ValueError(f"window must be a positive number of sentences, not {window}")
    frame = scores[_usable(scores, column, exclude_flags)]
    if doc_id is not None:
        if doc_id not in set(scores["doc_id"]):
            raise KeyError(f"no sentences of doc_id {doc_id!r} in scores")
        frame = frame[frame["doc_id"] == doc_id]
    order = [c for c in ("doc_id", "sent_id") if c in frame.columns]
    frame = frame.sort_values(order, kind="stable")
    parts = []
    for _, doc in frame.groupby("doc_id", sort=False):
        n = len(doc)
        position = np.linspace(0.0, 1.0, n) if n > 1 else np.array([0.5])
        smoothed = doc[column].rolling(window, center=True, min_periods=1).mean()
        parts.append(pd.DataFrame({
            "doc_id": doc["doc_id"].to_numpy(),
            "sent_id": doc["sent_id"].to_numpy() if "sent_id" in doc else np.arange(n),
            "para_id": doc["para_id"].to_numpy() if "para_id" in doc else -1,
            "position": position, "sentiment": doc[column].to_numpy(float),
            "smoothed": smoothed.to_numpy(float),
            "text": doc["text"].to_numpy() if "text" in doc else ""}))
    columns = ["doc_id", "sent_id", "para_id", "position", "sentiment", "smoothed", "text"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def topic_sentiment(topics_or_model, scores: pd.DataFrame, topics: pd.DataFrame | None = None,
                    *, unit: str | None = None, include_outliers: bool = True,
                    n_evidence: int = 1, column: str = "sentiment",
                    neutral_band: float = NEUTRAL_BAND, n_boot: int = N_BOOT, ci: float = 0.95,
                    random_state: int = 0, exclude_flags=UNSCORED,
                    cluster: str | None = "doc_id") -> pd.DataFrame:
    """Tone per topic, from the sentences inside each topic's units, with evidence.

    Parameters
    ----------
    topics_or_model : TopicModel or DataFrame
        A fitted topic model (``.unit``, ``.assignments_``, ``.topics_``) or its assignments
        frame: ``unit_id, doc_id, para_id, sent_id, ..., topic`` (``-1`` = outlier).
    scores : DataFrame or dask DataFrame
        Sentence scores from :meth:`SentimentModel.score`. When the scores or the assignments
        are Dask frames (``engine="dask"``), the join and the aggregation run on the workers
        and the client receives one row per topic (intervals included) and each topic's
        ``n_evidence`` candidates per extreme: the table equals the pandas
        engine's (an interval with ``cluster=None`` aside: see :func:`sentiment_by`).
    topics : DataFrame, optional
        ``topic, label`` (when passing assignments directly; taken from the model otherwise).
    unit : {"sentence", "paragraph", "document"}, optional
        What the topic model assigned; inferred from the ids when not given. Sentences join
        to sentence units on ``(doc_id, sent_id)``, to paragraphs on ``(doc_id, para_id)``,
        to documents on ``doc_id``.
    include_outliers : bool
        Keep the outlier topic ``-1`` as its own row (default, so every sentence is
        accounted for); ``False`` drops it.
    n_evidence : int
        How many most positive / most negative sentences to cite per topic (joined by
        " | " in the text columns when above 1).
    cluster : str or None
        The interval resamples whole documents (default), because a topic's sentences from
        one essay are not independent; a topic found in one document has no interval (NaN).
        ``None`` resamples sentences.

    Returns
    -------
    DataFrame
        One row per topic: ``topic, label, n_units`` and the :func:`sentiment_by` columns
        (with ``n_docs``, the documents its scored sentences come from), ``kind`` when the
        topics carry it (subject, style or mixed: :mod:`convolab.topics.style`),
        plus ``most_positive, most_positive_score, most_positive_doc_id,
        most_positive_sent_id`` and the same four for ``most_negative``.
    """
    assignments, topics, unit = _topic_inputs(topics_or_model, topics, unit)
    settings = dict(column=column, neutral_band=neutral_band, n_boot=n_boot, ci=ci,
                    random_state=random_state, exclude_flags=exclude_flags, cluster=cluster)
    if distributed.is_dask(scores) or distributed.is_dask(assignments):
        table, n_units, evidence, n_joined, n_scores = _topic_tables_dask(
            scores, assignments, unit, include_outliers, n_evidence, settings)
    else:
        joined = _join_topics(scores, assignments, unit)
        n_joined, n_scores = len(joined), len(scores)
        if not include_outliers:
            joined = joined[joined["topic"] != -1]
        table = sentiment_by(joined, by="topic", **settings)
        n_units = assignments.groupby("topic").size()
        evidence = summary.evidence(joined[_usable(joined, column, exclude_flags)], column,
                                    n_evidence)
    if n_joined < n_scores:
        logger.info("%d of %d sentences are in no topic unit and are left out",
                    n_scores - n_joined, n_scores)
    n_units = n_units.rename("n_units")
    table = table.merge(n_units, on="topic", how="left").merge(evidence, on="topic", how="left")
    if topics is not None and "label" in topics:
        carried = ["topic", "label"] + (["kind"] if "kind" in topics else [])
        table = table.merge(topics[carried].drop_duplicates("topic"), on="topic", how="left")
    else:
        table["label"] = None
    default = table["topic"].map(lambda t: "outliers" if t == -1 else f"topic {t}")
    table["label"] = table["label"].where(table["label"].notna(), default).astype(str)
    table["n_units"] = table["n_units"].fillna(0).astype(int)
    first = ["topic", "label", "n_units"]
    table = table[first + [c for c in table.columns if c not in first]]
    # Outliers last, the rest in topic order, as BERTopic lists them.
    return table.sort_values("topic", key=lambda t: t.where(t >= 0, np.inf)) \
        .reset_index(drop=True)


def topic_document_tone(tm, scores: pd.DataFrame, *, random_state: int = 0) -> pd.DataFrame:
    """Tone of each theme within each document: one row per (topic, document) pair.

    Parameters
    ----------
    tm : TopicModel
        Fitted (``unit``, ``assignments_``, ``topics_``).
    scores : DataFrame or dask DataFrame
        :meth:`SentimentModel.score` output, joined to the topics on the model's unit. With
        Dask frames the join and the sums run on the workers (one row per pair comes back)
        and the intervals are :func:`sentiment_by`'s normal ones.
    random_state : int
        Seed of the bootstrap intervals.

    Returns
    -------
    DataFrame
        ``topic, label, doc_id`` and the :func:`convolab.sentiment_by` columns
        (``n, mean, ci_low, ci_high, ...``); outliers (topic −1) are left out.
    """
    dask = distributed.is_dask(scores) or distributed.is_dask(tm.assignments_)
    joined = (distributed.join_topics if dask else _join_topics)(scores, tm.assignments_,
                                                                 tm.unit)
    joined = joined[joined["topic"] != -1]
    table = sentiment_by(joined, by=["topic", "doc_id"], random_state=random_state)
    table.insert(1, "label", table["topic"].map(dict(zip(tm.topics_["topic"],
                                                         tm.topics_["label"]))))
    return table


def _topic_tables_dask(scores, assignments, unit, include_outliers, n_evidence, settings):
    """:func:`topic_sentiment`'s parts on the workers, in one pass: the per-topic table, units
    per topic, evidence, and the sentence counts before and after the join (all small)."""
    import dask

    joined = distributed.join_topics(scores, assignments, unit)
    kept = joined if include_outliers else joined[joined["topic"] != -1]
    per_group, per_cluster = distributed.group_totals(
        kept, ["topic"], column=settings["column"], exclude_flags=settings["exclude_flags"],
        neutral_band=settings["neutral_band"], cluster=settings["cluster"])
    candidates = distributed.evidence_candidates(kept, settings["column"],
                                                 settings["exclude_flags"], n_evidence)
    intervals = None if per_cluster is None else distributed.cluster_intervals(
        per_cluster, ["topic"], settings["cluster"], n_boot=settings["n_boot"],
        ci=settings["ci"], random_state=settings["random_state"])
    n_units = distributed.as_dask(assignments).groupby("topic").size()
    per_group, intervals, candidates, n_units, n_joined, n_scores = dask.compute(
        per_group, intervals, candidates, n_units, joined.shape[0],
        distributed.as_dask(scores).shape[0])
    table = distributed.finish(per_group, intervals, ["topic"], cluster=settings["cluster"],
                               ci=settings["ci"])
    evidence = summary.evidence(candidates, settings["column"], n_evidence)
    return table, n_units, evidence, int(n_joined), int(n_scores)


def _join_topics(scores: pd.DataFrame, assignments: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Each sentence's score with the topic of the unit it lies in (sentences in no unit drop)."""
    keys = _JOIN_KEYS[unit]
    units = assignments[keys + ["topic"]].drop_duplicates(keys)
    return scores.merge(units, on=keys, how="inner", validate="many_to_one")


def _topic_inputs(topics_or_model, topics, unit):
    if isinstance(topics_or_model, pd.DataFrame) or distributed.is_dask(topics_or_model):
        assignments = topics_or_model
    else:
        assignments = getattr(topics_or_model, "assignments_", None)
        if assignments is None:
            raise TypeError("topic_sentiment() takes a fitted topic model (with assignments_) "
                            "or its assignments DataFrame")
        topics = topics if topics is not None else getattr(topics_or_model, "topics_", None)
        unit = unit or getattr(topics_or_model, "unit", None)
    if "topic" not in assignments or "doc_id" not in assignments:
        raise KeyError("assignments need at least doc_id and topic columns")
    if unit is None:
        if "sent_id" in assignments and _all(assignments["sent_id"] >= 0):
            unit = "sentence"
        elif "para_id" in assignments and _all(assignments["para_id"] >= 0):
            unit = "paragraph"
        else:
            unit = "document"
    if unit not in ("sentence", "paragraph", "document"):
        raise ValueError(f"unit must be sentence, paragraph or document, not {unit!r}")
    return assignments, topics, unit


def _all(condition) -> bool:
    """``condition.all()`` for a pandas or a Dask series (computed: one boolean back)."""
    result = condition.all()
    return bool(result.compute() if hasattr(result, "compute") else result)

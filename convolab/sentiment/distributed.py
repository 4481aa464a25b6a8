"""Tone tables from Dask frames (``engine="dask"``): aggregated on the workers, small on the client.

A Dask corpus may not fit on one machine, so nothing here brings its sentences back: each
partition adds up its rows by group (counts, sums, sums of squares, extremes, the three tone
shares, and per document when documents are resampled), Dask's groupby combines those partial
totals on the workers, and the client receives one row per group. Scores meet topic units
partition by partition when both come from the same loaded corpus
(:mod:`convolab.corpus.layout`: no sentence crosses the network), else in a Dask merge on the
join keys, which is right however the two frames are partitioned. Evidence sentences are each
partition's most positive and most negative per topic, reduced pairwise on the workers, so a
handful of texts per topic come back.

Dask is imported inside the functions: the pandas engine never loads it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..corpus.layout import aligned
from .summary import (
    JOIN_KEYS,
    SUMMARY_COLUMNS,
    clusters_interval,
    group_seed,
    summarise_totals,
)

#: Per-row totals added up by group; their names start with "_" so no key column collides.
_TOTALS = {"_n": "sum", "_sum": "sum", "_sumsq": "sum", "_min": "min", "_max": "max",
           "_positive": "sum", "_neutral": "sum", "_negative": "sum", "_n_excluded": "sum"}


def is_dask(frame) -> bool:
    """Whether ``frame`` is a Dask collection (the test the scorers and topic model use)."""
    return hasattr(frame, "npartitions")


def as_dask(frame):
    """``frame`` as a Dask frame (one partition when it was pandas), for mixed inputs."""
    if is_dask(frame):
        return frame
    import dask.dataframe as dd

    return dd.from_pandas(frame, npartitions=1)


def usable(frame, column: str, exclude_flags):
    """Rows with a score that is not flagged out; pandas or Dask, same rule as the pandas path."""
    if column not in frame.columns:
        raise KeyError(f"scores has no column {column!r}; pass the frame from "
                       "SentimentModel.score()")
    keep = frame[column].notnull()  # Dask series have no notna()
    if "flag" in frame.columns and exclude_flags:
        keep = keep & ~frame["flag"].isin(list(exclude_flags))
    return keep


def join_topics(scores, assignments, unit: str):
    """Lazy: each sentence's score with the topic of the unit it lies in (inner merge);
    partition by partition when both frames follow one corpus layout
    (:mod:`convolab.corpus.layout`), else a Dask merge."""
    keys = JOIN_KEYS[unit]
    if aligned(scores, assignments):
        import dask.dataframe as dd
        from dask import delayed

        units = assignments[keys + ["topic"]]
        # Pairs of delayed partitions, not dd.map_partitions over two frames: the latter's
        # output broke the p2p shuffles that follow it (dask 2026.8: "KeyError: 0" in unpack).
        parts = [delayed(_join_part)(s, u, keys)
                 for s, u in zip(scores.to_delayed(), units.to_delayed())]
        return dd.from_delayed(parts, meta=_join_part(scores._meta, units._meta, keys),
                               verify_meta=False)
    return _merge(as_dask(scores), as_dask(assignments)[keys + ["topic"]], keys)


def _merge(scores, units, keys: list[str]):
    """Inner merge of pandas or Dask frames on ``keys``, each unit once."""
    # Parquet reads ids back as "string", scores keep "str": one dtype, so the merge neither
    # warns nor gives object ids.
    units = units.drop_duplicates(subset=keys).astype({"doc_id": scores["doc_id"].dtype})
    return scores.merge(units, on=keys, how="inner")


def _join_part(scores: pd.DataFrame, units: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    lost = set(scores["doc_id"].unique()) - set(units["doc_id"].unique())
    if lost:  # a layout mark that lies would drop sentences without a word: refuse instead
        raise ValueError(f"the scores' partition holds documents the topic assignments' does "
                         f"not (e.g. {sorted(lost)[0]!r}); score and fit the same loaded "
                         "corpus, or pass frames without a layout mark")
    return _merge(scores, units, keys)  # a unit's rows never cross partitions


def _row_totals(part: pd.DataFrame, groups: list[str], column: str, exclude_flags,
                neutral_band: float) -> pd.DataFrame:
    """One partition's rows as addable totals (runs on a worker)."""
    ok = usable(part, column, exclude_flags).to_numpy(bool)
    value = part[column].to_numpy(float, na_value=np.nan)
    zero = np.where(ok, value, 0.0)
    out = part[groups].reset_index(drop=True)
    out["_n"] = ok.astype("int64")
    out["_sum"], out["_sumsq"] = zero, zero * zero
    out["_min"] = out["_max"] = np.where(ok, value, np.nan)  # groupby min/max skip NaN
    out["_positive"] = (ok & (zero >= neutral_band)).astype("int64")
    out["_neutral"] = (ok & (np.abs(zero) < neutral_band)).astype("int64")
    out["_negative"] = (ok & (zero <= -neutral_band)).astype("int64")
    out["_n_excluded"] = (~ok).astype("int64")
    return out


def group_totals(frame, keys: list[str], *, column: str, exclude_flags, neutral_band: float,
                 cluster: str | None):
    """Lazy per-group totals and, with ``cluster``, per-(group, cluster) sums and counts."""
    groups = list(dict.fromkeys(keys + ([cluster] if cluster else [])))
    kwargs = dict(groups=groups, column=column, exclude_flags=exclude_flags,
                  neutral_band=neutral_band)
    rows = frame.map_partitions(_row_totals, **kwargs,
                                meta=_row_totals(frame._meta, **kwargs))
    per_group = rows.groupby(keys, dropna=False).agg(_TOTALS)
    if not cluster:
        return per_group, None
    # Only clusters with a usable sentence take part in the cluster bootstrap.
    # Split as the sentences are: one row per (group, document) must not meet on one worker.
    per_cluster = rows[rows["_n"] > 0].groupby(groups, dropna=False)[["_sum", "_n"]] \
        .sum(split_out=frame.npartitions)
    return per_group, per_cluster


def cluster_intervals(per_cluster, keys: list[str], cluster: str, *, n_boot: int, ci: float,
                      random_state: int):
    """Lazy: each group's document-bootstrap interval, computed on the workers. The
    per-(group, document) totals are shuffled so that each group's documents meet in one
    partition; one row per group comes back, however many documents it spans."""
    members = per_cluster.reset_index()
    kwargs = dict(keys=keys, cluster=cluster, n_boot=n_boot, ci=ci, random_state=random_state)
    return members.shuffle(keys).map_partitions(
        _intervals, **kwargs, meta=_intervals(members._meta, **kwargs))


def _intervals(part: pd.DataFrame, keys, cluster, n_boot, ci, random_state) -> pd.DataFrame:
    rows = []
    # Keys as finish() groups them (same frame dtypes): the seeds hash them.
    for key, group in part.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        low, high = clusters_interval(group[cluster].to_numpy(), group["_sum"].to_numpy(float),
                                      group["_n"].to_numpy(float),
                                      group_seed(random_state, key), n_boot=n_boot, ci=ci)
        rows.append({**dict(zip(keys, key)), "_low": low, "_high": high,
                     "_n_docs": len(group)})
    frame = pd.DataFrame(rows, columns=keys + ["_low", "_high", "_n_docs"])
    return frame.astype({**part[keys].dtypes.to_dict(), "_low": "float64",
                         "_high": "float64", "_n_docs": "int64"})


def finish(per_group: pd.DataFrame, intervals: pd.DataFrame | None, keys: list[str], *,
           cluster: str | None, ci: float) -> pd.DataFrame:
    """The :func:`convolab.sentiment_by` table from computed totals (on the client, small)."""
    per_group = per_group.reset_index()
    if cluster:
        by_group = dict(iter(intervals.groupby(keys, sort=False, dropna=False)))
    rows = []
    # Grouped again, so keys come in the pandas engine's order and types.
    for key, group in per_group.groupby(keys, sort=True, dropna=False):
        totals = {name[1:]: group[name].iloc[0] for name in _TOTALS}
        key = key if isinstance(key, tuple) else (key,)
        interval, n_docs = None, 0
        if cluster:
            found = by_group.get(key)
            interval = (np.nan, np.nan) if found is None else \
                (found["_low"].iloc[0], found["_high"].iloc[0])
            n_docs = 0 if found is None else int(found["_n_docs"].iloc[0])
        row = {**dict(zip(keys, key)), **summarise_totals(totals, ci=ci, interval=interval)}
        if cluster:
            row["n_docs"] = n_docs
        rows.append(row)
    return pd.DataFrame(rows, columns=keys + SUMMARY_COLUMNS + (["n_docs"] if cluster else []))


def _extremes(part: pd.DataFrame, column: str, n: int) -> pd.DataFrame:
    """Per topic, the ``n`` lowest and ``n`` highest rows by (score, doc_id, sent_id): the
    pandas engine's evidence order, so the overall extremes are among them."""
    ranked = part.sort_values([column, "doc_id", "sent_id"], kind="stable")
    grouped = ranked.groupby("topic", sort=False)
    return ranked[(grouped.cumcount() < n) | (grouped.cumcount(ascending=False) < n)]


def evidence_candidates(joined, column: str, exclude_flags, n: int):
    """Lazy: the few sentences per topic that can be its most positive or most negative."""
    frame = joined[usable(joined, column, exclude_flags)]
    frame = frame[["topic", column, "doc_id", "sent_id", "text"]]
    return frame.reduction(_extremes, aggregate=_extremes, combine=_extremes,
                           chunk_kwargs={"column": column, "n": n},
                           aggregate_kwargs={"column": column, "n": n},
                           combine_kwargs={"column": column, "n": n}, meta=frame._meta)


def sentiment_by(scores, keys: list[str], *, column: str, neutral_band: float, n_boot: int,
                 ci: float, random_state: int, exclude_flags, cluster: str | None):
    """:func:`convolab.sentiment_by` of a Dask frame (see that function)."""
    import dask

    per_group, per_cluster = group_totals(scores, keys, column=column,
                                          exclude_flags=exclude_flags,
                                          neutral_band=neutral_band, cluster=cluster)
    intervals = None if per_cluster is None else cluster_intervals(
        per_cluster, keys, cluster, n_boot=n_boot, ci=ci, random_state=random_state)
    per_group, intervals = dask.compute(per_group, intervals)
    return finish(per_group, intervals, keys, cluster=cluster, ci=ci)

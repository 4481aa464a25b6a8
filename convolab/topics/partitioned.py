"""Topics on a Dask corpus: fit on a sample stratified by document, assign every unit on the
workers.

BERTopic's clustering (UMAP + HDBSCAN) needs all the points it clusters in one process, so a
corpus larger than ``sample_size`` units is fitted on a sample of about that size, drawn by
document (documents never cross partitions, so each partition samples its own; see
``_stratified``).
Every unit is then placed on the workers by :meth:`TopicModel.transform` (embedding from the
shared cache, nearest topic centroid), and sampled units keep the topic the fit gave them; the
assignments are written as Parquet to the corpus's scratch folder and read back lazily, so no
worker keeps them in memory. With
``sample_size`` at least the corpus, the fit is the in-process fit of the same units, so
topics and assignments are the pandas engine's. BERTopic's online path (``partial_fit`` with
IncrementalPCA + MiniBatchKMeans) was not used: it replaces HDBSCAN by k-means with a fixed
number of topics, so its topics would differ from the in-process model's by construction.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from ..corpus.layout import mark, token_of
from .clustering import MAX_CLUSTERED_UNITS

#: Units fitted on when the corpus is larger. ``benchmarks/bench_scale.py --curve`` (40k real
#: sentences) measured agreement with the in-process fit of ARI 0.19 / 0.20 / 0.22 / 0.21 for
#: samples of 2.5k / 5k / 10k / 20k: flat, so the sample is not what limits agreement there (the
#: model's own seed-to-seed stability is). 20,000 is the in-process clustering cap
#: (:data:`convolab.topics.clustering.MAX_CLUSTERED_UNITS`), so both engines cluster as many.
DEFAULT_SAMPLE_SIZE = MAX_CLUSTERED_UNITS
_SOFT = ["topic", "probability", "similarity"]


def fit_partitioned(tm, corpus, sample_size: int | None):
    """Fit ``tm`` on a Dask :class:`~convolab.Corpus` (see the module docstring)."""
    import dask
    import dask.dataframe as dd

    size = DEFAULT_SAMPLE_SIZE if sample_size is None else sample_size
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"sample_size must be a whole number >= 2, not {sample_size!r}")
    units = corpus.units(tm.unit)
    counts = units.map_partitions(_counts, meta={"units": "int64", "documents": "int64"}) \
        .sum().compute()
    n_units, n_docs = int(counts["units"]), int(counts["documents"])
    if n_units <= size:
        sample = units.compute()
    else:
        sample = units.map_partitions(_stratified, size / n_units, n_docs <= size,
                                      tm.random_state, meta=units._meta).compute()
    tm.fit(sample.reset_index(drop=True))
    fitted = tm.assignments_
    light = copy.copy(tm)
    for attribute in ("bertopic_", "embedder_", "assignments_", "representatives_"):
        light.__dict__.pop(attribute, None)
    known = fitted.set_index("unit_id")[_SOFT]
    # Graph keys of their own, so each worker unpickles one copy. Passed as plain arguments
    # they were copied into every task, and a worker keeps a finished task's arguments until
    # the write that needs all partitions is done: one copy of the sampled units' topics per
    # partition, a worker's memory growing with the corpus.
    light, known = dask.delayed(light, pure=True), dask.delayed(known, pure=True)
    # Written to the corpus's scratch folder and read back lazily: persisted, the assignments
    # (text included) of every unit would sit in worker memory for as long as the model lives.
    folder = _scratch(corpus).path("assignments")
    units.map_partitions(_assign, light, known, meta=fitted.head(0)) \
        .to_parquet(folder, write_index=False)
    # One partition per file: a partition holds whole documents, as the corpus's do.
    assignments = dd.read_parquet(folder, split_row_groups=False)
    sizes, n_documents = dask.compute(
        assignments["topic"].value_counts(),
        assignments.map_partitions(_documents_per_topic, meta={"topic": "int64", "n": "int64"})
        .groupby("topic")["n"].sum())
    tm.sample_assignments_ = fitted
    # One file per unit partition, read back in the order written (part.0, part.1, ... part.10).
    tm.assignments_ = mark(assignments, token_of(corpus.sentences)
                           if assignments.npartitions == units.npartitions else None)
    tm.n_units_, tm.sample_size_ = n_units, len(fitted)
    topics = tm.topics_.copy()
    topics["size"] = topics["topic"].map(sizes).fillna(0).astype(int)
    topics["share"] = topics["size"] / n_units
    topics["n_documents"] = topics["topic"].map(n_documents).fillna(0).astype(int)
    tm.topics_ = topics.sort_values(["size", "topic"], ascending=[False, True]) \
        .reset_index(drop=True)
    return tm


def _documents_per_topic(assignments: pd.DataFrame) -> pd.DataFrame:
    pairs = assignments[["doc_id", "topic"]].drop_duplicates()
    return pairs.groupby("topic").size().rename("n").reset_index().astype("int64")


def document_shares(pairs, topics: pd.DataFrame, long: bool, labels: dict):
    """:meth:`TopicModel.document_topics` from ``doc_id, topic`` pairs, pandas or Dask: a Dask
    frame is counted partition by partition on the workers (documents never cross them)."""
    if not hasattr(pairs, "npartitions"):
        return _shares(pd.crosstab(pairs["doc_id"], pairs["topic"]), long, labels)
    topic_ids = sorted(topics.loc[topics["size"] > 0, "topic"])
    meta = per_document(pairs._meta, topic_ids)
    return pairs.map_partitions(per_document, topic_ids, meta=meta) \
        .map_partitions(_shares, long, labels, meta=_shares(meta, long, labels))


def _shares(counts: pd.DataFrame, long: bool, labels: dict) -> pd.DataFrame:
    shares = counts.div(counts.sum(axis=1), axis=0)
    if not long:
        return shares
    tidy = shares.stack().rename("share").reset_index()
    tidy["n_units"] = counts.stack().to_numpy()
    tidy["label"] = tidy["topic"].map(labels).fillna("(outliers)")
    return tidy[["doc_id", "topic", "label", "n_units", "share"]]


def per_document(assignments: pd.DataFrame, topic_ids) -> pd.DataFrame:
    """Units per (document, topic) of one partition, every topic a column (crosstab)."""
    counts = pd.crosstab(assignments["doc_id"], assignments["topic"])
    return counts.reindex(columns=list(topic_ids), fill_value=0).astype("int64")


def _scratch(corpus):
    from ..corpus.scratch import Scratch

    return corpus.scratch if getattr(corpus, "scratch", None) is not None else Scratch()


def _counts(units: pd.DataFrame) -> pd.DataFrame:
    # Documents never cross partitions, so per-partition distinct counts add up.
    return pd.DataFrame({"units": [len(units)], "documents": [units["doc_id"].nunique()]})


def _stratified(units: pd.DataFrame, fraction: float, every_document: bool,
                random_state) -> pd.DataFrame:
    if units.empty:
        return units
    # Each document draws with its own seed, so the sample does not depend on how files were
    # partitioned. While the sample has room for every document, each gives
    # round(fraction * its units) and at least one (short documents count too). Past that, at
    # least one each would make the sample as large as the number of documents (150k units
    # for 3M sentences in 20-sentence posts, all embedded on the client): each document then
    # gives fraction * its units rounded up or down at random: the sample is ``sample_size``
    # units on average and each unit has the same chance to be drawn.
    picks = []
    for doc_id, rows in units.groupby("doc_id", sort=False):
        rng = np.random.default_rng(None if random_state is None
                                    else [random_state, _stable_hash(doc_id)])
        if every_document:
            k = max(1, int(round(fraction * len(rows))))
        else:
            expected = fraction * len(rows)
            k = int(expected) + int(rng.random() < expected - int(expected))
            if k == 0:
                continue
        picks.append(rows.iloc[np.sort(rng.choice(len(rows), size=min(k, len(rows)),
                                                  replace=False))])
    return pd.concat(picks) if picks else units.head(0)


def _stable_hash(text: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")


def _assign(units: pd.DataFrame, model, known: pd.DataFrame) -> pd.DataFrame:
    columns = ["unit_id", "doc_id", "para_id", "sent_id", "start", "end", "text"]
    if units.empty:
        return units[columns].assign(topic=pd.Series(dtype="int64"),
                                     probability=pd.Series(dtype="float64"),
                                     similarity=pd.Series(dtype="float64"))
    placed = model.transform(units[columns].reset_index(drop=True))[columns + _SOFT]
    seen = placed["unit_id"].isin(known.index).to_numpy()
    if seen.any():
        placed.loc[seen, _SOFT] = known.loc[placed.loc[seen, "unit_id"], _SOFT].to_numpy()
    placed["topic"] = placed["topic"].astype("int64")
    placed.index = units.index
    return placed

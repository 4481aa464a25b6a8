"""Duplicates across partitions, found on the workers: only documents that could be copies of
another ever reach the client.

The rule is the pandas engine's (:func:`~convolab.corpus.duplicates.drop_duplicates`): in corpus
order, a document is excluded when it has the same text as, or an estimated Jaccard similarity
at or above the threshold with, a document kept before it; of identical copies the one with the
most metadata is kept. That pass is sequential, and it stays so, but it only needs the
documents LSH can pair with another: a document whose exact-text key and every LSH band
(the same ``b`` bands of ``r`` signature values that ``datasketch.MinHashLSH`` uses) are its own
is never a candidate of anyone, is always kept, and never changes another's fate. So the
workers write one row per (document, band bucket), Dask shuffles the rows by bucket, each
partition keeps the documents whose bucket holds another, and only those documents' keys and
signatures (512 bytes each) come to the client, which runs the unchanged pass over them in
their corpus order (every row carries the document's global position). The client's memory is
then bounded by the number of candidate documents, not the corpus: none for a corpus without
copies, all of them for a corpus of nothing but copies.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .duplicates import NUM_PERM, drop_duplicates
from .readers import RawDocument

#: Columns of a partition's fingerprint table (one row per document still in the running).
PRINT_COLUMNS = ["position", "doc_id", "source", "format", "n_meta", "key", "sig"]


def copies(prints, spans, threshold: float, exclude, note: str) -> set[int]:
    """Positions of the documents the duplicate rule excludes.

    Parameters
    ----------
    prints : list of dask.delayed
        One per partition, each computing a :data:`PRINT_COLUMNS` frame.
    spans : list of (int, int)
        Each partition's positions, ``start <= position < end``: a task is sent only the
        candidates in its own span.
    threshold : float
        Near-duplicate threshold, as in :func:`~convolab.load_corpus`.
    exclude : callable
        ``exclude(doc, reason)`` for each excluded document, in the order the pass meets them.
    note : str
        Added to each reason (e.g. " once shared footers are removed").
    """
    import dask
    import dask.dataframe as dd
    from dask import delayed
    from datasketch import MinHashLSH

    if not prints:
        return set()
    lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=NUM_PERM)
    meta = pd.DataFrame({"bucket": pd.Series(dtype="str"),
                         "position": pd.Series(dtype="int64")})
    rows = dd.from_delayed([delayed(_buckets)(p, lsh.b, lsh.r) for p in prints], meta=meta,
                           verify_meta=False)
    shared = rows.shuffle("bucket").map_partitions(_shared, meta=("position", "int64"))
    wanted = set(shared.compute().tolist())
    if not wanted:
        return set()
    found = pd.concat(dask.compute(*[delayed(_only)(p, {w for w in wanted if lo <= w < hi})
                                     for p, (lo, hi) in zip(prints, spans)]))
    found = found.sort_values("position", kind="stable")
    where: dict[int, int] = {}
    items = []
    for row in found.itertuples(index=False):
        doc = RawDocument(row.source, "", row.format, doc_id=row.doc_id,
                          meta={f"meta{i}": True for i in range(int(row.n_meta))})
        where[id(doc)] = int(row.position)
        items.append((doc, row.key, np.frombuffer(row.sig, dtype=np.uint32)))
    dropped: set[int] = set()

    def record(doc, reason):
        dropped.add(where[id(doc)])
        exclude(doc, reason)

    drop_duplicates(items, threshold, record, note)
    return dropped


def print_rows(positions, raws, prints) -> pd.DataFrame:
    """A :data:`PRINT_COLUMNS` frame of documents with a fingerprint (``raws`` carry ids)."""
    from .duplicates import metadata_count

    rows = [(position, raw.doc_id, raw.source, raw.format, metadata_count(raw), key,
             signature.tobytes())
            for position, raw, (key, signature) in zip(positions, raws, prints)
            if key is not None]
    frame = pd.DataFrame(rows, columns=PRINT_COLUMNS)
    return frame.astype({"position": "int64", "n_meta": "int64"})


def _buckets(prints: pd.DataFrame, b: int, r: int) -> pd.DataFrame:
    buckets, positions = [], []
    for position, key, sig in zip(prints["position"], prints["key"], prints["sig"]):
        values = np.frombuffer(sig, dtype=np.uint32)
        buckets.append(f"k{key}")
        buckets.extend(f"{j}:{hashlib.sha1(values[j * r:(j + 1) * r].tobytes()).hexdigest()}"
                       for j in range(b))
        positions.extend([int(position)] * (b + 1))
    return pd.DataFrame({"bucket": pd.Series(buckets, dtype="str"),
                         "position": pd.Series(positions, dtype="int64")})


def _shared(rows: pd.DataFrame) -> pd.Series:
    # After the shuffle every row of a bucket is in this partition: the check is exact.
    return rows.loc[rows["bucket"].duplicated(keep=False), "position"].drop_duplicates()


def _only(prints: pd.DataFrame, wanted: set[int]) -> pd.DataFrame:
    return prints[prints["position"].isin(wanted)]

"""Which Dask frames hold the same documents in the same partitions, so that they can be joined
partition by partition instead of through a shuffle.

A Dask corpus's tables are built one partition per chunk of input, and what convolab derives
from them partition by partition (sentence scores, topic assignments) keeps that layout:
partition ``i`` of each holds the same documents. Dask cannot see that (document ids are not
sorted across partitions, so divisions are unknown) and its merge would shuffle every sentence,
text included, through the workers' memory: the last part of a run whose peak grew with the
corpus. Frames built that way carry their corpus's layout token; two frames with the same token
and partition count are joined partition-wise. A frame read from the user's own files, or
filtered, or repartitioned, carries none (Dask operations make new objects without the mark),
and the join falls back to Dask's merge: slower, never wrong.
"""

from __future__ import annotations

_MARK = "_convolab_layout"


def mark(frame, token: str | None):
    """Record on the Dask ``frame`` that its partitions follow the corpus layout ``token``;
    returns ``frame``. A pandas frame or a ``None`` token is returned unmarked."""
    if token is not None and hasattr(frame, "npartitions"):
        setattr(frame, _MARK, token)
    return frame


def token_of(frame) -> str | None:
    """The layout token ``frame`` was marked with, or None."""
    return getattr(frame, _MARK, None)


def aligned(*frames) -> bool:
    """Whether all ``frames`` are Dask frames of one marked layout and partition count."""
    tokens = {token_of(f) for f in frames}
    return (None not in tokens and len(tokens) == 1
            and len({f.npartitions for f in frames}) == 1)

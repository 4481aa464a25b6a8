"""What :func:`~convolab.compare.compare` and :func:`~convolab.over_time` read from a Dask corpus.

A comparison resamples and permutes documents, so all it needs is, per (document, topic), the
number of units, the sum of the sentences' tone and their number, plus each document's group.
Those are summed on the workers (the scores joined to the units in a Dask merge, as
:func:`convolab.topic_sentiment` does) and the client receives
O(documents × topics per document) rows: never a sentence, a unit or a text.

Dask is imported inside the functions: the pandas engine never loads it.
"""

from __future__ import annotations

import pandas as pd

from ..sentiment.distributed import as_dask, is_dask, join_topics, usable
from .columns import BAND, NOT_GROUPS

__all__ = ["doc_topic_totals", "document_columns", "is_dask"]


def doc_topic_totals(assignments, scores, unit: str, exclude_flags
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per (document, topic): units, and the usable sentences' tone sum and count.

    Parameters
    ----------
    assignments, scores : DataFrame or dask DataFrame
        The model's ``assignments_`` and :meth:`convolab.SentimentModel.score`'s output
        (a pandas one is taken as a one-partition Dask frame).
    unit : str
        What the model assigned: the join of sentences to units.
    exclude_flags : collection of str
        Sentence flags left out of tone.

    Returns
    -------
    units : DataFrame
        ``doc_id, topic, n_units``, every topic (outliers, ``-1``, included) of every document.
    tone : DataFrame
        ``doc_id, topic, sum, n`` over the usable sentences.
    """
    import dask

    assignments = as_dask(assignments)
    units = assignments.groupby(["doc_id", "topic"]).size()
    joined = join_topics(scores, assignments, unit)
    joined = joined[usable(joined, "sentiment", exclude_flags)]
    tone = joined.groupby(["doc_id", "topic"])["sentiment"].agg(["sum", "count"])
    units, tone = dask.compute(units, tone)
    return (units.rename("n_units").reset_index(),
            tone.rename(columns={"count": "n"}).reset_index())


def document_columns(documents, by: str) -> pd.DataFrame:
    """A Dask ``documents`` table's ``doc_id`` and the column ``by`` reads, computed.

    ``by`` is a column or ``"<column> band"``. When the documents have neither, every metadata
    column (not text, paths or counts: :data:`~convolab.compare.columns.NOT_GROUPS`) comes
    back, so the error can list what could be compared: still one row per document.
    """
    columns = list(documents.columns)
    base = by[:-len(BAND)] if by not in columns and by.endswith(BAND) else by
    # Text is never a group (compare() refuses it), so it is never worth bringing back.
    wanted = [base] if base in columns and base != "text" \
        else [c for c in columns if c not in NOT_GROUPS]
    return documents[list(dict.fromkeys(["doc_id"] + wanted))].compute() \
        .reset_index(drop=True)

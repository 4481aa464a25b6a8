"""Themes and tone over time: :func:`compare` with documents grouped by the period of their date.

Periods come from pandas offsets (``freq="YS"`` years, ``"QS"`` quarters, ``"MS"`` months), so
every period between the first and last date is listed — including those with too few
documents, which are rows with ``enough=False`` and empty values rather than zeros.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sentiment.flags import UNSCORED
from . import distributed, stats
from .groups import Comparison, _compare
from .stats import MIN_DOCUMENTS

#: Documents a period needs to be estimated and tested (the same bar as a group's: a trend
#: over a year of three posts is one writer's mood).
PERIOD_MIN_DOCS = MIN_DOCUMENTS


def over_time(tm, scores: pd.DataFrame, corpus, freq: str = "YS", *,
              min_docs: int = PERIOD_MIN_DOCS, n_boot: int = stats.N_BOOT,
              n_permutations: int = stats.N_PERMUTATIONS, ci: float = 0.95,
              random_state: int = 0, exclude_flags=UNSCORED) -> Comparison:
    """Topic shares and tone per period of the documents' ``date``, with intervals and tests.

    Parameters
    ----------
    tm, scores, corpus
        As for :func:`compare`; ``corpus.documents`` needs a ``date`` column (ISO dates).
        With the Dask engine, as there: per (document, topic) totals and each document's
        date reach the client, O(documents × topics per document).
    freq : str
        A pandas offset alias for the periods: ``"YS"`` (years), ``"QS"``, ``"MS"``...
    min_docs : int
        Periods with fewer documents are listed (``enough=False``) but not estimated or tested
        (:data:`~convolab.compare.stats.MIN_DOCUMENTS` by default; lower it only knowingly).

    Returns
    -------
    Comparison
        As from :func:`compare`, with ``by="period"``; every table's ``group`` column is named
        ``period`` (the ISO date the period starts) and ``groups`` has ``n_docs`` and
        ``enough`` for every period from the first date to the last.

    Raises
    ------
    ValueError
        If there are no dates, ``freq`` is not an offset, or fewer than two periods have
        ``min_docs`` documents (use a longer ``freq``).
    """
    documents = getattr(corpus, "documents", corpus)
    if "date" not in documents.columns:
        raise ValueError("the documents have no 'date' column; add dates to metadata.csv")
    if distributed.is_dask(documents):  # one date per document is all the client needs
        documents = distributed.document_columns(documents, "date")
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        raise ValueError(f"freq must be a pandas offset alias such as 'YS', 'QS' or 'MS', not "
                         f"{freq!r}") from None
    dates = readable_dates(documents.set_index("doc_id")["date"], offset)
    if dates.notna().sum() == 0:
        raise ValueError(f"no document has a date precise enough for freq={freq!r}; add ISO "
                         "dates (YYYY-MM-DD) to the 'date' column of metadata.csv")
    period, starts = bucket(dates, offset)
    counts = period.value_counts()
    enough = counts[counts >= min_docs].index
    if len(enough) < 2:
        raise ValueError(f"only {len(enough)} period(s) of freq={freq!r} have {min_docs} or more "
                         "dated documents; use a longer freq (e.g. 'YS') or lower min_docs")
    groups = period.where(period.isin(enough)).reindex(dates.index)
    result = _compare(tm, scores, groups, "period", n_boot=n_boot, n_permutations=n_permutations,
                      ci=ci, random_state=random_state, exclude_flags=exclude_flags)
    every = pd.DataFrame({"group": [s.date().isoformat() for s in starts]})
    every["n_docs"] = every["group"].map(counts).fillna(0).astype(int)
    every["enough"] = every["n_docs"] >= min_docs
    result.groups = every.merge(result.groups.drop(columns="n_docs"), on="group", how="left")
    result.tone = every[["group"]].merge(result.tone, on="group", how="left")
    result.tone["n_docs"] = result.tone["group"].map(counts).fillna(0).astype(int)
    for name in ("shares", "topic_tone"):
        frame = getattr(result, name)
        topics = frame[["topic", "label"]].drop_duplicates()
        grid = every[["group"]].merge(topics, how="cross")
        setattr(result, name, grid.merge(frame.drop(columns="label"), on=["group", "topic"],
                                         how="left"))
    result.n_missing, result.min_docs = int(dates.isna().sum()), min_docs
    for name in ("groups", "shares", "tone", "topic_tone"):
        setattr(result, name, getattr(result, name).rename(columns={"group": "period"}))
    return result


def readable_dates(values: pd.Series, freq="YS") -> pd.Series:
    """The dates that can be placed in periods of ``freq`` (NaT for the others).

    Dates are ISO text at the precision they were written (:mod:`convolab.corpus.dates`):
    ``2004`` can be placed in a year but in no quarter or month, ``2004-05`` in any period of
    a month or longer, and only a full date in a week or a day. Putting ``2004`` in January
    would invent the month.
    """
    offset = pd.tseries.frequencies.to_offset(freq)
    text = values.astype(object).where(values.notna(), None).map(
        lambda v: v.strip() if isinstance(v, str) else None)
    dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
    yearly = isinstance(offset, (pd.offsets.YearBegin, pd.offsets.YearEnd))
    monthly = yearly or isinstance(offset, (pd.offsets.QuarterBegin, pd.offsets.QuarterEnd,
                                            pd.offsets.MonthBegin, pd.offsets.MonthEnd))
    length = text.str.len()
    fine_enough = (length > 7) | ((length == 7) & monthly) | ((length == 4) & yearly)
    return dates.where(fine_enough)


def bucket(dates: pd.Series, freq) -> tuple[pd.Series, pd.DatetimeIndex]:
    """Each readable date's period start (ISO text, same index), and every period start from
    the first date's period to the last date."""
    offset = pd.tseries.frequencies.to_offset(freq)
    dates = dates.dropna()
    starts = pd.date_range(offset.rollback(dates.min().normalize()), dates.max(), freq=offset)
    position = np.searchsorted(starts.to_numpy(), dates.to_numpy(), side="right") - 1
    return pd.Series([starts[i].date().isoformat() for i in position], index=dates.index), starts


#: Offset aliases → the word a reader uses for one such period.
PERIOD_WORDS = {"YS": "year", "Y": "year", "AS": "year", "QS": "quarter", "Q": "quarter",
                "MS": "month", "M": "month"}


def period_names(periods, freq: str | None = None) -> dict:
    """ISO period starts → ``2019``, ``2019 Q2``, ``2019-04`` or the date: from ``freq`` when
    given, else from the periods' spacing (a comparison lists every period, so it shows)."""
    dates = pd.to_datetime(pd.Series(list(periods), dtype=object))
    months = (dates.dt.year * 12 + dates.dt.month).diff().dropna()
    step = {"year": 12, "quarter": 3, "month": 1}.get(PERIOD_WORDS.get(freq or ""),
                                                      int(months.min()) if len(months) else 12)
    first = (dates.dt.day == 1).all()
    if first and step == 12 and (dates.dt.month == 1).all():
        names = dates.dt.strftime("%Y")
    elif first and step == 3 and (dates.dt.month % 3 == 1).all():
        names = dates.dt.year.astype(str) + " Q" + ((dates.dt.month - 1) // 3 + 1).astype(str)
    elif first and step == 1:
        names = dates.dt.strftime("%Y-%m")
    else:
        names = dates.dt.strftime("%Y-%m-%d")
    return dict(zip(periods, names))


def period_word(names: dict) -> str:
    """``year``, ``quarter``, ``month`` or ``period``: what the names from :func:`period_names`
    count."""
    sample = next(iter(names.values()), "")
    return ("quarter" if " Q" in sample else "year" if len(sample) == 4
            else "month" if len(sample) == 7 else "period")

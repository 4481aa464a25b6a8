"""What the comparisons compare (columns, groups, periods), and why nothing is compared when
the metadata gives no column with two groups, or no two periods, of enough documents.
"""

from __future__ import annotations

import pandas as pd

from ...compare import group_columns
from ...compare.groups import NOT_GROUPS
from ...compare.periods import PERIOD_MIN_DOCS, PERIOD_WORDS, bucket, period_names
from ..wording import Narrative, is_present, listing, md_escape, plural
from .differences import MAX_LISTED, _listed, _name

__all__ = ["choose_group_by", "comparison_sizes", "describe_comparison_scope",
           "describe_no_comparison", "describe_no_time"]


# --- what is compared, and why nothing is -------------------------------------------------------

def _metadata(documents: pd.DataFrame) -> list[str]:
    return [c for c in documents.columns if c not in NOT_GROUPS]


def choose_group_by(documents: pd.DataFrame, group_by: str | None = None, *,
                    min_docs: int = 2) -> str | None:
    """``group_by`` when given, else the first metadata column (not ``date``, which is compared
    over time) with two or more values shared by ``min_docs`` documents; None when none is."""
    if group_by is not None:
        return group_by
    return next((c for c in group_columns(documents, min_docs=min_docs) if c != "date"), None)


def _periods(documents: pd.DataFrame, freq: str) -> pd.Series:
    """Each dated document's period start (ISO), as :func:`convolab.over_time` buckets them."""
    dates = pd.to_datetime(documents["date"], errors="coerce").dropna()
    return bucket(dates, freq)[0] if len(dates) else pd.Series(dtype=object)


def comparison_sizes(documents: pd.DataFrame, columns=None, time_freq: str | None = "YS",
                     *, min_docs: int = 2) -> pd.DataFrame:
    """Documents per value of each grouping column, and per period of their date.

    Parameters
    ----------
    documents : DataFrame
        ``corpus.documents``.
    columns : str or list of str, optional
        The columns to count; by default every metadata column but ``date``.
    time_freq : str, optional
        Periods of ``date`` (``"YS"`` years…) counted as the column ``"period"``; None: none.
    min_docs : int
        A value with this many documents or more is a group that can be compared.

    Returns
    -------
    DataFrame
        ``column, group, n_docs, enough``: values by size (largest first), periods in order
        with the empty ones between listed as 0.
    """
    if columns is None:
        columns = [c for c in _metadata(documents) if c != "date"]
    elif isinstance(columns, str):
        columns = [columns]
    frames = []
    for column in columns:
        if column not in documents:
            continue
        values = documents[column][documents[column].map(is_present)].astype(str)
        counts = values.value_counts().sort_index(kind="stable")
        counts = counts.sort_values(ascending=False, kind="stable")
        frames.append(pd.DataFrame({"column": column, "group": counts.index,
                                    "n_docs": counts.to_numpy()}))
    if time_freq is not None and "date" in documents:
        periods = _periods(documents, time_freq)
        if len(periods):
            every = pd.date_range(min(periods), max(periods), freq=time_freq)
            keys = [d.date().isoformat() for d in every]
            counts = periods.value_counts().reindex(keys, fill_value=0)
            names = period_names(keys, time_freq)
            frames.append(pd.DataFrame({"column": "period", "group": [names[k] for k in keys],
                                        "n_docs": counts.to_numpy()}))
    out = (pd.concat(frames, ignore_index=True) if frames else
           pd.DataFrame({"column": [], "group": [], "n_docs": []}))
    out["n_docs"] = out["n_docs"].astype(int)
    out["enough"] = out["n_docs"] >= min_docs
    return out


def _column_story(documents: pd.DataFrame, column: str, min_docs: int) -> tuple[dict, str]:
    present = documents[column].map(is_present)
    counts = documents.loc[present, column].astype(str).value_counts()
    enough = counts[counts >= min_docs]
    fact = {"n_values": int(len(counts)), "n_missing": int((~present).sum()),
            "groups": {str(k): int(v) for k, v in enough.items()}}
    head = f"*{md_escape(column)}*: {plural(len(counts), 'distinct value')}"
    if not len(counts):
        sentence = f"*{md_escape(column)}*: no document has a value"
    elif len(counts) == 1:
        value, n = next(iter(counts.items()))
        sentence = f"*{md_escape(column)}*: one value ({_name(value)}, {n} documents) for all"
    elif len(enough) == 0:
        sentence = f"{head}, none shared by {min_docs} or more documents"
    elif len(enough) == 1:
        value, n = next(iter(enough.items()))
        sentence = f"{head}, only one of them ({_name(value)}, {n} documents) shared by " \
                   f"{min_docs} or more"
    else:
        sentence = f"{head}, {len(enough)} of them shared by {min_docs} or more documents"
    if fact["n_missing"] and len(counts):
        sentence += f" ({plural(fact['n_missing'], 'document')} without one)"
    return fact, sentence


def describe_no_comparison(documents: pd.DataFrame, group_by: str | None = None, *,
                           min_docs: int = 2) -> Narrative:
    """Why the documents cannot be compared by group: the column is missing, or none qualifies.

    Returns
    -------
    Narrative
        Facts: ``group_by, min_docs, n_documents, missing_column`` (bool), ``columns``
        (metadata column → ``n_values, n_missing, groups`` — the values with ``min_docs`` or
        more documents, and their counts), ``qualifying`` (columns that could be compared).
    """
    columns = [c for c in _metadata(documents) if c != "date" or c == group_by]
    qualifying = group_columns(documents, min_docs=min_docs)
    facts: dict = {"group_by": group_by, "min_docs": min_docs, "n_documents": len(documents),
                   "missing_column": group_by is not None and group_by not in documents,
                   "columns": {}, "qualifying": qualifying}
    need = (f"A comparison between groups needs a metadata column in which at least two "
            f"values are each shared by {min_docs} or more documents.")
    if facts["missing_column"]:
        text = f"The documents have no column *{md_escape(group_by)}* to group them by. "
    elif group_by is not None:
        text = f"The documents cannot be compared by *{md_escape(group_by)}*. "
    else:
        text = f"No group comparison is made for these {plural(len(documents), 'document')}. "
    text += need + " "
    if not columns:
        return Narrative(text + "The documents carry no metadata beyond their text: a "
                                "metadata.csv with a column such as author or source gives "
                                "them groups.", facts)
    stories = []
    for column in columns:
        facts["columns"][column], sentence = _column_story(documents, column, min_docs)
        stories.append(sentence)
    text += "Of the metadata columns, " + "; ".join(stories[:MAX_LISTED])
    if len(stories) > MAX_LISTED:
        text += f"; and {len(stories) - MAX_LISTED} more"
    text += ". "
    others = [c for c in qualifying if c not in (group_by, "date")]
    if others:
        text += (f"Columns that could be compared (set the group\\_by parameter): "
                 f"{listing([_name(c) for c in others])}.")
    else:
        text += "None qualifies."
    return Narrative(text.strip(), facts)


def describe_no_time(documents: pd.DataFrame, freq: str | None = "YS", *,
                     min_docs: int = PERIOD_MIN_DOCS) -> Narrative:
    """Why the documents cannot be compared over time: no dates, or too few per period.

    Returns
    -------
    Narrative
        Facts: ``freq, min_docs, n_documents, n_dated, period_word, periods`` (name →
        documents, the non-empty periods), ``n_enough`` (periods with ``min_docs`` or more).
    """
    facts: dict = {"freq": freq, "min_docs": min_docs, "n_documents": len(documents),
                   "n_dated": 0, "periods": {}, "n_enough": 0}
    if freq is None:
        return Narrative("The comparison over time is switched off (the time\\_freq parameter "
                         "is None).", facts)
    if "date" not in documents:
        return Narrative("The documents have no date, so nothing is compared over time: a "
                         "date column in metadata.csv (ISO dates, YYYY-MM-DD) gives them "
                         "one.", facts)
    try:
        periods = _periods(documents, freq)
    except ValueError:
        return Narrative(f"time\\_freq = {md_escape(repr(freq))} is not a pandas period alias "
                         "such as \"YS\" (years), \"QS\" or \"MS\", so nothing is compared "
                         "over time.", facts)
    facts["n_dated"] = len(periods)
    if periods.empty:
        return Narrative(f"None of the {plural(len(documents), 'document')} has a readable "
                         "date, so nothing is compared over time.", facts)
    counts = periods.value_counts().sort_index()
    names = period_names(list(counts.index), freq)
    word = PERIOD_WORDS.get(freq, "period")
    facts.update(period_word=word, periods={names[k]: int(v) for k, v in counts.items()},
                 n_enough=int((counts >= min_docs).sum()))
    shown = [f"{names[k]} ({plural(int(v), 'document')})" for k, v in counts.items()]
    text = (f"{facts['n_dated']} of the {plural(len(documents), 'document')} "
            f"{'has' if facts['n_dated'] == 1 else 'have'} a readable date: "
            f"{_listed(shown)}. A comparison over time needs at least two {word}s with "
            f"{min_docs} or more documents each; "
            f"{ {0: 'none has', 1: 'only one has'}.get(facts['n_enough'], 'enough have')} "
            "that many" + ("." if facts["n_enough"] > 1 else ", so nothing is compared over "
                                                            "time."))
    if word != "year" and len(counts) > 1:
        text += " A longer period (time\\_freq = \"YS\", years) may gather enough documents."
    return Narrative(text, facts)


def describe_comparison_scope(documents: pd.DataFrame, group_column: str | None,
                              time_freq: str | None, *, group_by: str | None = None,
                              min_docs: int = 2) -> Narrative:
    """What the comparisons below compare: which column, which groups, which periods.

    Facts: ``n_documents, group_column, chosen`` ("parameter" or "default"), ``groups``
    (value → documents, those with ``min_docs`` or more), ``periods`` (name → documents),
    ``period_word``.
    """
    sizes = comparison_sizes(documents, group_column if group_column in documents else [],
                             time_freq, min_docs=min_docs)
    groups = sizes[(sizes["column"] == group_column) & sizes["enough"]]
    periods = sizes[sizes["column"] == "period"]
    facts = {"n_documents": len(documents), "group_column": group_column,
             "chosen": "parameter" if group_by is not None else "default",
             "groups": dict(zip(groups["group"], groups["n_docs"].astype(int))),
             "periods": dict(zip(periods["group"], periods["n_docs"].astype(int))),
             "period_word": PERIOD_WORDS.get(time_freq or "", "period")}
    text = f"The corpus has {plural(len(documents), 'document')}. "
    if group_column is not None and len(groups) >= 2:
        why = ("set by the group\\_by parameter" if group_by is not None else "the first "
               f"metadata column with two or more values shared by {min_docs} or more "
               "documents each")
        listed = [f"{_name(g)} ({n})" for g, n in facts["groups"].items()]
        text += (f"Groups are compared by *{md_escape(group_column)}* ({why}): "
                 f"{_listed(listed)} documents. ")
    else:
        text += "No metadata column gives groups to compare (see below why). "
    if len(periods):
        dated = {g: n for g, n in facts["periods"].items() if n}
        listed = [f"{g} ({n})" for g, n in dated.items()]
        empty = len(facts["periods"]) - len(dated)
        text += (f"Over time, documents are counted per {facts['period_word']} of their "
                 f"date: {_listed(listed)}")
        text += (f"; {plural(empty, facts['period_word'])} between them "
                 f"{'has' if empty == 1 else 'have'} none." if empty else ".")
    elif time_freq is not None:
        text += "No document has a readable date to compare over time."
    return Narrative(text.strip(), facts)

"""What the comparisons compare (which column and why, which groups, which periods), and why
nothing is compared when no column gives two groups, or no two periods, of enough documents.

The column and its groups come from :mod:`convolab.compare.columns` — the functions
:func:`convolab.compare` itself uses — so the scope never names a comparison that is not made,
nor a group too small to be tested.
"""

from __future__ import annotations

import pandas as pd

from ...compare import group_columns
from ...compare.columns import MAX_GROUPS, assess_columns, choose_column, group_values
from ...compare.periods import PERIOD_MIN_DOCS, PERIOD_WORDS, bucket, period_names, readable_dates
from ...compare.stats import MIN_DOCUMENTS
from ..wording import Narrative, listing, md_escape, plural
from .choice import (
    candidates_text,
    group_by_problem,
    left_out,
    reason,
    rule,
    story,
    why_chosen,
)
from .differences import MAX_LISTED, _listed, _name

__all__ = ["choose_group_by", "comparison_sizes", "describe_comparison_scope",
           "describe_no_comparison", "describe_no_time", "group_by_problem"]


def choose_group_by(documents: pd.DataFrame, group_by: str | None = None, *,
                    min_docs: int = MIN_DOCUMENTS) -> str | None:
    """``group_by`` when given, else the default column of
    :func:`convolab.compare.columns.choose_column` (``"age band"`` for a numeric column cut
    into bands); None when no column qualifies."""
    if group_by is not None:
        return group_by
    return choose_column(documents, min_docs=min_docs)


def _periods(documents: pd.DataFrame, freq: str) -> pd.Series:
    """Each dated document's period start (ISO), as :func:`convolab.over_time` buckets them."""
    dates = readable_dates(documents["date"], freq).dropna()
    return bucket(dates, freq)[0] if len(dates) else pd.Series(dtype=object)


def comparison_sizes(documents: pd.DataFrame, columns=None, time_freq: str | None = "YS",
                     *, min_docs: int = MIN_DOCUMENTS) -> pd.DataFrame:
    """Documents per value of each grouping column, and per period of their date.

    Parameters
    ----------
    documents : DataFrame
        ``corpus.documents``.
    columns : str or list of str, optional
        The columns to count (``"age band"`` counts the bands of ``age``); by default every
        metadata column but ``date``, numeric ones in bands.
    time_freq : str, optional
        Periods of ``date`` (``"YS"`` years…) counted as the column ``"period"``; None: none.
    min_docs : int
        A value with this many documents or more is a group that can be compared.

    Returns
    -------
    DataFrame
        ``column, group, n_docs, enough``: values by size (largest first; bands in order),
        unknown values left out, periods in order with the empty ones between listed as 0.
    """
    if columns is None:
        columns = list(assess_columns(documents, min_docs=min_docs)["by"])
    elif isinstance(columns, str):
        columns = [columns]
    frames = []
    for column in columns:
        try:
            values = group_values(documents, column, min_docs=min_docs)
        except KeyError:
            continue
        counts = values.value_counts(sort=False)
        if not isinstance(values.dtype, pd.CategoricalDtype):
            counts = counts.sort_index().sort_values(ascending=False, kind="stable")
        counts = counts[counts > 0]
        frames.append(pd.DataFrame({"column": column, "group": counts.index.astype(str),
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


# --- the narratives --------------------------------------------------------------------------------

def describe_no_comparison(documents: pd.DataFrame, group_by: str | None = None, *,
                           min_docs: int = MIN_DOCUMENTS) -> Narrative:
    """Why the documents cannot be compared by group: the column is missing, or none qualifies.

    Returns
    -------
    Narrative
        Facts: ``group_by, min_docs, n_documents, missing_column`` (bool), ``problem`` (why
        ``group_by`` cannot be used), ``columns`` (metadata column → ``by, verdict, n_values,
        n_missing, groups`` — the values with ``min_docs`` or more documents, and their
        counts), ``qualifying`` (what could be compared with the group\\_by parameter).
    """
    table = assess_columns(documents, min_docs=min_docs)
    qualifying = [c for c in group_columns(documents, min_docs=min_docs) if c != "date"]
    problem = group_by_problem(documents, group_by, min_docs=min_docs) if group_by else None
    facts: dict = {"group_by": group_by, "min_docs": min_docs, "n_documents": len(documents),
                   "missing_column": group_by is not None and problem is not None
                   and problem.startswith("the documents have no column"),
                   "problem": problem, "columns": {}, "qualifying": qualifying}
    if facts["missing_column"]:
        text = f"The documents have no column *{md_escape(group_by)}* to group them by. "
    elif group_by is not None:
        text = f"The documents cannot be compared by *{md_escape(group_by)}*: {problem}. "
    else:
        text = f"No group comparison is made for these {plural(len(documents), 'document')}. "
    text += (f"A comparison between groups needs a metadata column with at least two values "
             f"shared by {min_docs} or more documents each (with fewer, one essay could make a "
             f"finding). {rule(min_docs, default=True)}. ")
    if not len(table):
        return Narrative(text + "The documents carry no metadata beyond their text: a "
                                "metadata.csv with a column such as author or source gives "
                                "them groups.", facts)
    stories = []
    for _, row in table.iterrows():
        facts["columns"][row["column"]] = {
            "by": row["by"], "verdict": row["verdict"], "n_values": int(row["n_values"]),
            "n_missing": int(row["n_unknown"]), "groups": row["groups"]}
        stories.append(story(row, min_docs, len(documents)))
    text += "Of the metadata columns, " + "; ".join(stories[:MAX_LISTED])
    if len(stories) > MAX_LISTED:
        text += f"; and {len(stories) - MAX_LISTED} more"
    text += ". "
    others = [c for c in qualifying if c != group_by]
    if others:
        text += (f"Columns that could be compared (set the group\\_by parameter; values with "
                 f"fewer than {min_docs} documents are left out): "
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


def _time_text(facts: dict, time_freq: str | None, min_docs: int) -> str:
    word = facts["period_word"]
    if not facts["periods"]:
        if time_freq is None:
            return ""
        return ("No document has a readable date to compare over time." if facts["has_dates"]
                else "The documents have no date to compare over time.")
    dated = {g: n for g, n in facts["periods"].items() if n}
    empty = len(facts["periods"]) - len(dated)
    text = (f"Over time, documents are counted per {word} of their date: "
            f"{_listed([f'{g} ({n})' for g, n in dated.items()])}")
    text += (f"; {plural(empty, word)} between them {'has' if empty == 1 else 'have'} none"
             if empty else "")
    undated = facts["n_documents"] - sum(dated.values())
    text += (f" ({plural(undated, 'document has', 'documents have')} no date that places it "
             f"in a {word}). "
             if undated else ". ")
    thin = [f"{g} ({n})" for g, n in dated.items() if n < min_docs]
    enough = sum(n >= min_docs for n in dated.values())
    if thin:
        text += (f"{word.capitalize()}s with fewer than {min_docs} documents are not compared "
                 f"or tested: {_listed(thin)}. ")
    if enough < 2:
        text += (f"{'Only one' if enough else 'No'} {word} has {min_docs} or more documents, so "
                 "nothing is compared over time.")
    return text


def describe_comparison_scope(documents: pd.DataFrame, group_column: str | None,
                              time_freq: str | None, *, group_by: str | None = None,
                              min_docs: int = MIN_DOCUMENTS,
                              period_min_docs: int = PERIOD_MIN_DOCS) -> Narrative:
    """What the comparisons below compare: which column and why, which groups, which periods.

    Facts: ``n_documents, group_column, chosen`` ("parameter" or "default"), ``compared``
    (whether groups are compared), ``problem`` (why ``group_by`` cannot be used), ``groups``
    (value → documents, those tested), ``too_small`` (value → documents, left out),
    ``n_unknown``, ``columns`` (metadata column → ``by, verdict``), ``periods`` (name →
    documents), ``period_word``.
    """
    table = assess_columns(documents, min_docs=min_docs)
    problem = (group_by_problem(documents, group_column, min_docs=min_docs)
               if group_column is not None else None)
    compared = group_column is not None and problem is None
    sizes = comparison_sizes(documents, group_column if compared else [], time_freq,
                             min_docs=min_docs)
    groups = sizes[(sizes["column"] == group_column) & sizes["enough"]]
    periods = sizes[sizes["column"] == "period"]
    facts = {"n_documents": len(documents), "group_column": group_column,
             "chosen": "parameter" if group_by is not None else "default",
             "compared": compared, "problem": problem, "min_docs": min_docs,
             "groups": dict(zip(groups["group"], groups["n_docs"].astype(int))),
             "too_small": {}, "n_unknown": 0,
             "columns": {r["column"]: {"by": r["by"], "verdict": r["verdict"]}
                         for _, r in table.iterrows()},
             "periods": dict(zip(periods["group"], periods["n_docs"].astype(int))),
             "period_word": PERIOD_WORDS.get(time_freq or "", "period"),
             "has_dates": "date" in documents}
    n = len(documents)
    text = f"The corpus has {plural(n, 'document')}. "
    if compared:
        listed = _listed([f"{_name(g)} ({plural(k, 'document')})"
                          for g, k in facts["groups"].items()], MAX_GROUPS)
        text += f"Groups are compared by *{md_escape(group_column)}*: {listed}. "
        chosen = table[table["by"] == group_column]
        if group_by is not None:
            default = choose_column(documents, min_docs=min_docs)
            text += "It is set by the group\\_by parameter" + (
                f"; by default the report would compare by *{md_escape(default)}*. "
                if default not in (None, group_column) else ". ")
            banded = table[(table["column"] == group_column) & (table["by"] != group_column)]
            if len(banded):  # a number with many values, compared value by value
                text += (f"Each value of *{md_escape(group_column)}* is its own group; "
                         f"group\\_by = \"{md_escape(banded['by'].iloc[0])}\" compares it in "
                         "bands. ")
        elif len(chosen):
            row = chosen.iloc[0]
            text += (f"It was chosen by default: it gives {reason(row, min_docs, n)}, and "
                     f"{why_chosen(table, row)}. {rule(min_docs)}; between such columns the "
                     "one whose groups hold the most documents is used, then the one that "
                     "leaves out the fewest values as too small, then the one whose smallest "
                     "group is the largest. ")
        facts["too_small"], facts["n_unknown"], left = left_out(documents, group_column,
                                                                 min_docs)
        text += left + candidates_text(table, group_column, min_docs, n)
    elif group_column is not None:
        usable = [c for c in group_columns(documents, min_docs=min_docs)
                  if c not in (group_column, "date")]
        text += (f"The group\\_by parameter names *{md_escape(group_column)}*, which cannot be "
                 f"used: {problem}; so no group comparison is made"
                 + (f" (columns that could be: {listing([_name(c) for c in usable])})"
                    if usable else "") + ". ")
    elif not group_columns(documents, min_docs=min_docs):
        text += (f"No group comparison is made: no metadata column has two values shared by "
                 f"{min_docs} or more documents each, and a group needs {min_docs} so that one "
                 "essay cannot make a finding (below, why for each column). ")
    else:
        text += (f"No group comparison is made by default: no metadata column qualifies. "
                 f"{rule(min_docs)}. Below, why for each column, and which could still be "
                 "compared with the group\\_by parameter. ")
    text += _time_text(facts, time_freq, period_min_docs)
    return Narrative(text.strip(), facts)

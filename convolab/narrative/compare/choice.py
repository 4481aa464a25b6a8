"""Why a column is, or is not, the one groups are compared by: the wording of the rule of
:mod:`convolab.compare.columns`, and why a ``group_by`` the user names cannot be used.
"""

from __future__ import annotations

import pandas as pd

from ...compare.columns import MAX_GROUPS, MIN_COVERAGE, group_values, rank
from ...compare.stats import MIN_DOCUMENTS
from ..wording import listing, md_escape, plural
from .differences import MAX_LISTED, _listed, _name

__all__ = ["group_by_problem"]


def group_by_problem(documents: pd.DataFrame, by: str, *,
                     min_docs: int = MIN_DOCUMENTS) -> str | None:
    """Why :func:`convolab.compare` cannot group by ``by`` (Markdown, one clause), or None.

    It fails exactly when this returns text: both count the same known values.
    """
    try:
        if by in ("doc_id", "text"):
            raise KeyError(by)
        values = group_values(documents, by, min_docs=min_docs)
    except KeyError:
        return f"the documents have no column *{md_escape(by)}*"
    counts = values.value_counts()
    counts = counts[counts > 0]
    big = counts[counts >= min_docs]
    if not len(counts):
        return f"no document has a known value in *{md_escape(by)}*"
    if len(counts) == 1:
        return f"every document with a value in *{md_escape(by)}* has the same one " \
               f"({_name(counts.index[0])})"
    if len(big) < 2:
        return (f"{'only one' if len(big) else 'none'} of its {len(counts)} values "
                f"{'has' if len(big) <= 1 else 'have'} {min_docs} or more documents "
                f"(the largest has {int(counts.max())})")
    return None


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / max(whole, 1):.0f}%"


def column_name(row) -> str:
    """A row of :func:`assess_columns` named as the reader sets it (``*age band*``)."""
    if row["by"] != row["column"]:
        return f"*{md_escape(row['by'])}* ({md_escape(row['column'])} in bands)"
    return f"*{md_escape(row['column'])}*"


def reason(row, min_docs: int, n_documents: int) -> str:
    """Why one row of :func:`assess_columns` is, or is not, a candidate (a clause)."""
    groups, small = row["groups"], row["small"]
    n_known = n_documents - row["n_unknown"]
    verdict = row["verdict"]
    if verdict == "no values":
        return "no document has a known value"
    if verdict == "one value":
        return f"one value ({_name(next(iter(small or groups)))}) for every document with one"
    if verdict == "id-like":
        return (f"id-like: {row['n_values']} distinct values for {plural(n_known, 'document')}, "
                "mostly one per document")
    if verdict == "no two groups":
        if not groups:
            return (f"{plural(row['n_values'], 'distinct value')}, none with {min_docs} or more "
                    f"documents (the largest has {max(small.values())})")
        value, n = next(iter(groups.items()))
        return (f"only one of its {row['n_values']} values ({_name(value)}, {n} documents) "
                f"has {min_docs} or more documents")
    if verdict == "too many groups":
        return (f"{len(groups)} values have {min_docs} or more documents each, more than "
                f"{MAX_GROUPS} groups to compare side by side")
    parts = [f"{plural(len(groups), 'group')} of {min_docs} or more documents holding "
             f"{_pct(row['n_covered'], n_documents)} of the documents"]
    if verdict == "low coverage":
        parts[0] = parts[0].replace("holding", "holding only")
        left = []
        if row["n_unknown"]:
            left.append(f"{row['n_unknown']} have no known value")
        if small:
            left.append(f"{sum(small.values())} are in {plural(len(small), 'value')} with fewer "
                        f"than {min_docs}")
        parts.append(f"({listing(left)})" if left else "")
    return " ".join(p for p in parts if p)


def rule(min_docs: int, default: bool = False) -> str:
    """The default rule as a sentence (``default``: phrased as what the default column must)."""
    split, be = ("The column chosen by default must also split", "be") if default else \
        ("A column qualifies when it splits", "is")
    return (f"{split} the documents into 2 to {MAX_GROUPS} groups of {min_docs} or more "
            f"documents that together hold at least {MIN_COVERAGE:.0%} of them, and {be} not "
            "id-like (values that mean unknown, such as an empty cell or \"unknown\", are no "
            "group)")


def why_chosen(table: pd.DataFrame, chosen) -> str:
    """Why the best candidate beat the others: the first tie-break that separates them."""
    ranked = rank(table)
    if len(ranked) == 1:
        return "it is the only column that qualifies"
    second = ranked.iloc[1]
    if int(100 * chosen["coverage"] + 1e-9) > int(100 * second["coverage"] + 1e-9):
        return "of the columns that qualify, its groups hold the most documents"
    if len(chosen["small"]) < len(second["small"]):
        return "of the columns that qualify, it leaves out the fewest values as too small"
    if chosen["smallest"] > second["smallest"]:
        return ("of the columns that qualify, its smallest group is the largest (a test is only "
                "as sharp as its smallest group)")
    return "of the columns that qualify, it comes first in the metadata"


def story(row, min_docs: int, n_documents: int, *, groups: bool = False) -> str:
    """One column and why it is, or is not, a candidate; ``groups``: with its groups."""
    text = f"{column_name(row)}, {reason(row, min_docs, n_documents)}"
    if groups and row["groups"]:
        text += ": " + _listed([f"{_name(g)} ({n})" for g, n in row["groups"].items()],
                               MAX_GROUPS)
    return text


def candidates_text(table: pd.DataFrame, used: str, min_docs: int, n_documents: int) -> str:
    """The columns other than ``used``: the candidates (with their groups), then the rest and
    why each is not used."""
    others = table[table["by"] != used]
    text = ""
    candidates = others[others["verdict"].isin(["candidate", "chosen"])]
    if len(candidates):
        shown = [story(r, min_docs, n_documents, groups=True) for _, r in candidates.iterrows()]
        text += (f"Other candidate{'s' if len(shown) > 1 else ''} (set the group\\_by "
                 f"parameter to use one): {'; '.join(shown)}. ")
    unused = others[~others["verdict"].isin(["candidate", "chosen"])]
    if len(unused):
        shown = [story(r, min_docs, n_documents) for _, r in unused.head(MAX_LISTED).iterrows()]
        more = f"; and {len(unused) - MAX_LISTED} more" if len(unused) > MAX_LISTED else ""
        text += f"Not used: {'; '.join(shown)}{more}. "
    return text


def left_out(documents: pd.DataFrame, by: str, min_docs: int) -> tuple[dict, int, str]:
    """The values of ``by`` too small to test (value → documents), the documents with no known
    value, and a sentence saying both (empty when nothing is left out)."""
    values = group_values(documents, by, min_docs=min_docs)
    counts = values.value_counts()
    small = counts[(counts > 0) & (counts < min_docs)].sort_index() \
        .sort_values(ascending=False, kind="stable")
    small = {str(k): int(v) for k, v in small.items()}
    n_unknown = int(values.isna().sum())
    parts = []
    if small:
        shown = [f"{_name(g)} ({n})" for g, n in small.items()]
        parts.append(f"{plural(sum(small.values()), 'document')} in "
                     f"{plural(len(small), 'value')} with fewer than "
                     f"{min_docs} documents, too small to test ({_listed(shown)})")
    if n_unknown:
        parts.append(f"{plural(n_unknown, 'document')} with no known {md_escape(by)}")
    text = f"Left out of the group comparison: {listing(parts)}. " if parts else ""
    return small, n_unknown, text

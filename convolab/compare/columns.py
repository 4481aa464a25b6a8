"""Which metadata column to compare groups by, and the groups each column gives.

A researcher compares groups that are few and well filled: women and men, age bands, three
newspapers. The default column is therefore the one that splits the documents into

* between 2 and :data:`MAX_GROUPS` groups of at least ``min_docs`` documents each
  (:data:`~convolab.compare.stats.MIN_DOCUMENTS`, 10, by default: with fewer, one essay can
  make a "finding"),
* that together hold at least :data:`MIN_COVERAGE` (80 %) of *all* the documents (a value that
  means "unknown" — ``indUnk``, ``unknown``, ``n/a``, empty — is not a group, so it counts as
  not covered, and so do values with fewer than ``min_docs`` documents),
* and is not id-like: a column whose values are mostly one per document (an author id with
  hundreds of values) names documents, it does not group them.

``date`` is compared over time (:func:`convolab.over_time`), not as groups. A numeric column
with more than :data:`MAX_GROUPS` values (an age) is cut into bands and offered as
``"<column> band"`` (``"age band"``): :func:`convolab.compare` and :func:`group_values`
accept that name and derive the bands the same way, so what the report describes is what is
tested. Ages use the bands surveys report (13–17, 18–24, 25–34, 35–44, 45–54, 55–64, 65+);
other numbers are cut at their quartiles, rounded to two significant digits. A band with fewer
than ``min_docs`` documents is joined to its smaller neighbour (so the oldest ages become
``45+``), never dropped. Columns that name people or items (``author``, ``*_id``…) are never
banded, even when their values are digits.

Among the columns that qualify, the default is the one that covers the most documents (in
whole percentage points, so one stray document does not decide), then leaves the fewest values
out as too small, then has the largest smallest group (a test is only as sharp as its
smallest group), then comes first in the metadata.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .stats import MIN_DOCUMENTS

__all__ = ["BAND", "MAX_GROUPS", "MIN_COVERAGE", "NOT_GROUPS", "assess_columns", "bands",
           "candidate_by", "choose_column", "group_values", "is_unknown", "known_values",
           "rank"]

#: Columns of ``corpus.documents`` that are not metadata a researcher would group by: ids,
#: counts and free text, and ``language``, which is guessed from the text (the scorers read
#: English only, so tone "by language" would compare a scorer with itself).
NOT_GROUPS = {"doc_id", "path", "text", "n_words", "n_paragraphs", "n_sentences", "format",
              "encoding", "title", "url", "notes", "language", "date_unread"}
#: More groups than this are not read side by side (nor tested with any power); by default a
#: column must give between 2 and this many groups.
MAX_GROUPS = 12
#: The default column's groups must hold at least this share of all the documents.
MIN_COVERAGE = 0.8
#: A column with more distinct values than this share of its documents (and more than
#: MAX_GROUPS) is id-like: its values name documents rather than group them.
ID_SHARE = 0.5
#: Suffix of a numeric column cut into bands: ``"age band"``.
BAND = " band"
#: Surveys' age bands (the lower bound of each).
AGE_CUTS = (13, 18, 25, 35, 45, 55, 65)
#: Cell values that mean "not known" (compared lower-cased).
UNKNOWN = frozenset({"", "unknown", "unk", "n/a", "na", "nan", "none", "null", "<na>", "-",
                     "?", "not known", "unspecified", "not specified", "not available"})
# "indUnk", "sourceUnknown" (camelCase), "industry_unknown", "age unk": a prefix plus unknown.
_UNKNOWN_FORMS = (re.compile(r"^[a-z]+(?:Unk|Unknown)$"),
                  re.compile(r"[\s_-]unk(?:nown)?$", re.IGNORECASE))
# Columns that name people or items: never cut into numeric bands.
_NAMES = re.compile(r"^(?:author|authors|blogger|writer|user|username|speaker|respondent|"
                    r"participant|name|file|filename|post|id)$|[\s_-]id$|[a-z]Id$",
                    re.IGNORECASE)


def is_unknown(value) -> bool:
    """Whether a metadata cell is missing or holds a value that means "not known"."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return True
    text = str(value).strip()
    return text.lower() in UNKNOWN or any(form.search(text) for form in _UNKNOWN_FORMS)


def known_values(values: pd.Series) -> pd.Series:
    """The values as stripped text (same index); missing and unknown values become NaN."""
    # Each distinct value is judged once: a large corpus repeats few values many times.
    known = {v: (None if is_unknown(v) else str(v).strip()) for v in values.dropna().unique()}
    text = values.map(known)
    return text.astype(object).where(text.notna())


def _numbers(values: pd.Series) -> pd.Series | None:
    """The known values as floats, or None when any of them is not a number."""
    numbers = pd.to_numeric(values.dropna(), errors="coerce")
    return numbers if len(numbers) and numbers.notna().all() else None


def _is_quantity(column: str, values: pd.Series) -> bool:
    """Numeric, not a name, and too many values to be groups as they are."""
    return (_NAMES.search(str(column)) is None and values.nunique() > MAX_GROUPS
            and _numbers(values) is not None)


def _nice(x: float) -> float:
    """``x`` rounded to two significant digits (a quartile of 23.7 cuts at 24)."""
    if x == 0:
        return 0.0
    return float(round(x, 1 - int(math.floor(math.log10(abs(x))))))


def _band_labels(cuts: list[float], low: float, high: float, integers: bool,
                 top: float | None = None) -> list[str]:
    """Labels of the bands between ``cuts``; ``top``: where the last band would end, when
    every value lies below it (ages 18–24 rather than 18+)."""
    if not cuts:  # one band: the whole range
        return [f"{int(low)}–{int(high)}" if integers else f"{low:g} to {high:g}"]
    edges = [None, *cuts, None]
    labels = []
    for a, b in zip(edges[:-1], edges[1:]):
        if integers:
            first = int(low) if a is None else int(a)
            if b is None:
                labels.append(f"{first}+" if top is None else f"{first}–{int(top) - 1}")
            else:
                labels.append(f"{first}" if first == int(b) - 1 else f"{first}–{int(b) - 1}")
        elif a is None:
            labels.append(f"under {b:g}")
        else:
            labels.append(f"{a:g} and over" if b is None else f"{a:g} to under {b:g}")
    return labels


def bands(values: pd.Series, column: str, *, min_docs: int = MIN_DOCUMENTS) -> pd.Series:
    """A numeric column cut into ordered bands of at least ``min_docs`` documents where possible.

    Parameters
    ----------
    values : Series
        Known values (text or numbers; NaN for missing); every known value must be a number.
    column : str
        Its name: ``age`` (or ``… age``) gets survey age bands, anything else quartiles.
    min_docs : int
        A band with fewer documents is joined to its smaller neighbour.

    Returns
    -------
    Series
        Ordered categorical of band labels (``13–17``, ``18–24``, ``35+``), same index; NaN
        where the value is missing.
    """
    numbers = pd.to_numeric(values, errors="coerce")
    known = numbers.dropna().to_numpy(float)
    if not len(known):
        return pd.Series(pd.Categorical([None] * len(values)), index=values.index)
    low, high = known.min(), known.max()
    age = re.search(r"(?:^|[\s_-])age$", str(column), re.IGNORECASE) is not None
    if age:
        cuts = [float(c) for c in AGE_CUTS]
    else:
        cuts = sorted({_nice(q) for q in np.quantile(known, [0.25, 0.5, 0.75])})
    cuts = [c for c in cuts if low < c <= high]
    # Join the smallest band under min_docs to its smaller neighbour until none is left
    # (or one band remains): removing the cut between them.
    while cuts:
        counts = np.bincount(np.searchsorted(cuts, known, side="right"),
                             minlength=len(cuts) + 1)
        i = int(np.argmin(counts))
        if counts[i] >= min_docs:
            break
        if i == 0:
            other = 1
        elif i == len(counts) - 1:
            other = i - 1
        else:
            other = i - 1 if counts[i - 1] <= counts[i + 1] else i + 1
        del cuts[min(i, other)]
    integers = bool(np.all(np.equal(np.mod(known, 1), 0)))
    # The last age band reads as a survey band (25–34) when no older age is in it, else 35+.
    above = [c for c in AGE_CUTS if cuts and c > cuts[-1]] if age else []
    top = above[0] if above and high < above[0] else None
    labels = _band_labels(cuts, low, high, integers, top)
    codes = np.searchsorted(cuts, numbers.fillna(low).to_numpy(float), side="right")
    out = pd.Categorical.from_codes(np.where(numbers.notna(), codes, -1), categories=labels,
                                    ordered=True)
    return pd.Series(out, index=values.index)


def group_values(documents: pd.DataFrame, by: str, *,
                 min_docs: int = MIN_DOCUMENTS) -> pd.Series:
    """Each document's group in ``by`` (same index as ``documents``); NaN when not known.

    ``by`` is a column of ``documents``, or ``"<column> band"`` for a numeric column cut into
    bands (see the module docstring). Values that mean unknown are NaN.

    Raises
    ------
    KeyError
        When ``by`` is neither a column nor the band of a numeric one.
    """
    if by in documents.columns:
        return known_values(documents[by])
    if by.endswith(BAND) and by[:-len(BAND)] in documents.columns:
        column = by[:-len(BAND)]
        values = known_values(documents[column])
        if _numbers(values) is not None:
            return bands(values, column, min_docs=min_docs)
    raise KeyError(by)


def candidate_by(documents: pd.DataFrame, column: str) -> str:
    """What a column is compared as: itself, or ``"<column> band"`` when it is a quantity."""
    values = known_values(documents[column])
    return column + BAND if _is_quantity(column, values) else column


def assess_columns(documents: pd.DataFrame, *, min_docs: int = MIN_DOCUMENTS) -> pd.DataFrame:
    """How each metadata column would group the documents, and whether it can by default.

    Parameters
    ----------
    documents : DataFrame
        ``corpus.documents``.
    min_docs : int
        Documents a value needs to be a group.

    Returns
    -------
    DataFrame
        One row per metadata column (not ``date``, not :data:`NOT_GROUPS`), in order:
        ``column``; ``by`` (what to pass to :func:`convolab.compare`: the column, or its
        band); ``verdict`` — ``"chosen"``, ``"candidate"``, ``"no values"``, ``"one value"``,
        ``"id-like"``, ``"no two groups"``, ``"too many groups"`` or ``"low coverage"``;
        ``n_values`` (distinct known values, or bands), ``n_unknown`` (documents without a
        known value), ``groups`` (value → documents, those with ``min_docs`` or more, largest
        first; bands in order), ``small`` (the same for the values with fewer),
        ``n_covered`` (documents in ``groups``), ``coverage`` (of all documents),
        ``smallest`` (documents in the smallest group).
    """
    rows = []
    total = max(len(documents), 1)
    for column in documents.columns:
        if column in NOT_GROUPS or column == "date":
            continue
        by = candidate_by(documents, column)
        values = group_values(documents, by, min_docs=min_docs)
        counts = values.value_counts(sort=False)
        if not isinstance(values.dtype, pd.CategoricalDtype):  # bands stay in their order
            counts = counts.sort_index().sort_values(ascending=False, kind="stable")
        counts = counts[counts > 0]
        big, small = counts[counts >= min_docs], counts[counts < min_docs]
        n_known = int(values.notna().sum())
        row = {"column": column, "by": by, "n_values": int(len(counts)),
               "n_unknown": int(values.isna().sum()),
               "groups": {str(k): int(v) for k, v in big.items()},
               "small": {str(k): int(v) for k, v in small.items()},
               "n_covered": int(big.sum()), "coverage": float(big.sum()) / total,
               "smallest": int(big.min()) if len(big) else 0}
        if not len(counts):
            verdict = "no values"
        elif len(counts) == 1:
            verdict = "one value"
        elif by == column and len(counts) > MAX_GROUPS and len(counts) > ID_SHARE * n_known:
            verdict = "id-like"
        elif len(big) < 2:
            verdict = "no two groups"
        elif len(big) > MAX_GROUPS:
            verdict = "too many groups"
        elif row["coverage"] < MIN_COVERAGE:
            verdict = "low coverage"
        else:
            verdict = "candidate"
        rows.append({**row, "verdict": verdict})
    columns = ["column", "by", "verdict", "n_values", "n_unknown", "groups", "small",
               "n_covered", "coverage", "smallest"]
    table = pd.DataFrame(rows, columns=columns)
    ranked = rank(table)
    if len(ranked):
        table.loc[ranked.index[0], "verdict"] = "chosen"
    return table


def rank(table: pd.DataFrame) -> pd.DataFrame:
    """The candidate rows of :func:`assess_columns`, best first (the rule in the module
    docstring): coverage in whole percentage points, fewest small values, largest smallest
    group, metadata order."""
    candidates = table[table["verdict"].isin(["candidate", "chosen"])]
    key = pd.DataFrame({"coverage": -np.floor(100 * candidates["coverage"] + 1e-9),
                        "small": candidates["small"].map(len),
                        "smallest": -candidates["smallest"],
                        "order": np.arange(len(candidates))}, index=candidates.index)
    return candidates.loc[key.sort_values(list(key.columns), kind="stable").index]


def choose_column(documents: pd.DataFrame, *, min_docs: int = MIN_DOCUMENTS) -> str | None:
    """The column (or band, ``"age band"``) to compare by default; None when none qualifies."""
    table = assess_columns(documents, min_docs=min_docs)
    chosen = table[table["verdict"] == "chosen"]
    return str(chosen["by"].iloc[0]) if len(chosen) else None

"""Long tables in reports: the most telling rows shown, the full table written beside the report.

A table with one row per essay reads well at five essays and not at four thousand. So a report
shows at most ``max_rows`` rows (the first ones, or both ends of a ranking), says how many it
left out, and, when the report is rendered (``report_dir`` set: ``convolab report`` passes the
output folder), writes every row to ``{report_dir}/tables/{notebook}-{name}.csv`` and links it
with a relative link, so the report folder carries its data. In JupyterLab (``report_dir`` is
None) nothing is written; the note says how many rows are hidden.

The link and the note are written here, not taken from the corpus; corpus text stays in the
table, which pandas escapes when it renders it as HTML.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..outputs import atomic_path

__all__ = ["MAX_TABLE_ROWS", "ShownTable", "round_robin", "show_table"]

#: Rows a report shows of a long table.
MAX_TABLE_ROWS = 20
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass
class ShownTable:
    """The rows of a table a report shows, and where the rest went.

    Attributes
    ----------
    table : DataFrame
        The rows shown (at most ``max_rows``), in the order given.
    n_rows : int
        Rows in the full table.
    n_hidden : int
        Rows not shown.
    path : Path or None
        The CSV holding every row, when ``report_dir`` was given.
    link : str or None
        ``path`` relative to the report: ``tables/<file>.csv``.
    note : str
        One sentence (plain text) saying what is shown, what is hidden and where it is.
    """

    table: pd.DataFrame
    n_rows: int
    n_hidden: int
    path: Path | None
    link: str | None
    note: str

    def _repr_html_(self) -> str:
        note = html.escape(self.note)
        if self.link:
            target = html.escape(self.link, quote=True)
            note = note.replace(html.escape(self.link), f'<a href="{target}">{target}</a>')
        # Corpus text may hold "$": in JupyterLab, MathJax would typeset it inside a table.
        with pd.option_context("display.html.use_mathjax", False):
            table = self.table._repr_html_()
        return table + (f"\n<p><em>{note}</em></p>" if note else "")

    def __repr__(self) -> str:
        return f"{self.table!r}\n{self.note}"


def _has_index(table: pd.DataFrame) -> bool:
    index = table.index
    return not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
                and index.name is None)


def show_table(table: pd.DataFrame, name: str, *, notebook: str,
               report_dir: str | Path | None = None, max_rows: int = MAX_TABLE_ROWS,
               keep: str = "head", rows: str = "rows", order: str | None = None) -> ShownTable:
    """The rows of ``table`` a report shows, writing all of them to CSV beside the report.

    Parameters
    ----------
    table : DataFrame
        The full table, already in the order to read it (e.g. sorted by mean tone).
    name : str
        Short name of the table (letters, digits, ``-``, ``_``, ``.``), part of the file name.
    notebook : str
        Stem of the notebook showing it (``"03-tone"``), the other part of the file name.
    report_dir : path, optional
        The folder the report is rendered to. When given, ``{report_dir}/tables/
        {notebook}-{name}.csv`` receives every row (the index too, when it is not the
        default 0..n-1) and the note links it as ``tables/{notebook}-{name}.csv``. An empty
        table writes no file.
    max_rows : int
        Rows shown at most.
    keep : {"head", "ends"}
        Show the first ``max_rows`` rows, or the first and the last (half each; for a
        ranking, both extremes).
    rows : str
        What a row is, for the note (``"documents"``, ``"pieces of text"``).
    order : str, optional
        How the rows are ordered, for the note (``"by mean tone, warmest first"``).

    Returns
    -------
    ShownTable
        Displays as the shown rows followed by the note (HTML in a notebook).

    Examples
    --------
    >>> import pandas as pd
    >>> shown = show_table(pd.DataFrame({"x": range(50)}), "numbers", notebook="00-demo")
    >>> len(shown.table), shown.n_hidden
    (20, 30)
    >>> shown.note
    'Showing the first 20 of 50 rows; 30 are hidden.'
    """
    if not _NAME.fullmatch(name) or not _NAME.fullmatch(notebook):
        raise ValueError(f"Table and notebook names are used in a file name: use letters, "
                         f"digits, '-', '_' or '.', not {notebook!r}, {name!r}.")
    if keep not in ("head", "ends"):
        raise ValueError(f"keep is 'head' or 'ends', not {keep!r}.")
    n = len(table)
    if n <= max_rows:
        shown, n_hidden, which = table, 0, f"All {n:,} {rows}"
    elif keep == "head":
        shown, n_hidden = table.head(max_rows), n - max_rows
        which = f"Showing the first {max_rows} of {n:,} {rows}"
    else:
        top, bottom = math.ceil(max_rows / 2), max_rows // 2
        shown = pd.concat([table.head(top), table.tail(bottom)]) if bottom else table.head(top)
        n_hidden = n - top - bottom
        which = f"Showing the first {top} and the last {bottom} of {n:,} {rows}"
    if order:
        which += f" ({order})"
    path = link = None
    if report_dir is not None and n:  # an empty table has nothing to link to
        file = f"{notebook}-{name}.csv"
        path = Path(report_dir) / "tables" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            table.to_csv(tmp, index=_has_index(table), encoding="utf-8", lineterminator="\n")
        link = f"tables/{file}"
    if n_hidden and link:
        note = f"{which}; {n_hidden:,} are hidden here. Every row: {link}"
    elif n_hidden:
        note = f"{which}; {n_hidden:,} are hidden."
    elif link:
        note = f"{which}, also as CSV: {link}"
    else:
        note = ""
    return ShownTable(shown, n, n_hidden, path, link, note)


def round_robin(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Reorder rows so that the first row of every ``by`` group comes first, then the second…

    So the first rows of a long log show one example of each kind before any second example.
    Groups take turns in order of size (largest first); rows keep their order within a group.
    """
    if table.empty:
        return table
    sizes = table[by].map(table[by].value_counts())
    turn = table.groupby(by, sort=False).cumcount()
    keys = pd.DataFrame({"turn": turn.to_numpy(), "size": -sizes.to_numpy(),
                         "group": table[by].astype(str).to_numpy()})
    order = keys.sort_values(["turn", "size", "group"], kind="stable").index
    return table.iloc[order]

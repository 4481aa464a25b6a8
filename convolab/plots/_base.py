"""Shared plumbing for plot functions: inert corpus text, sizes computed from what is shown,
top/bottom selection with the rest summarised, new axes and saving.

Why these rules: a report must read as well at 5 essays as at 4,000. So a figure shows at most
``MAX_ROWS`` rows (essays, topics) and ``MAX_LEGEND`` legend entries, states how many it left
out, and its height follows the rows it shows up to ``MAX_HEIGHT``. Corpus text (titles, ids,
topic labels, terms) reaches matplotlib only through :func:`plain`, since a ``$`` would
otherwise switch on mathtext ("$5 vs $10" renders as maths; "Costs $5 and 50% off" raises).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Rows (essays, topics, bars) one figure shows; beyond it the top and bottom are shown.
MAX_ROWS = 20
#: Entries one legend lists; beyond it the rest are pooled into one "other" entry.
MAX_LEGEND = 8
#: Figure heights in inches: never taller than a screen, never too short for its labels.
MAX_HEIGHT = 10.0
MIN_HEIGHT = 2.0
MAX_WIDTH = 14.0
#: Colour of whatever is summarised rather than shown (pooled legend entries, background lines).
OTHER = "#b0b0b0"


def plain(value, width: int | None = None) -> str:
    """Corpus text as matplotlib shows it literally: shortened to ``width``, ``$`` escaped.

    matplotlib treats a string with an even number of unescaped ``$`` as mathtext; ``\\$``
    is drawn as a plain dollar sign.

    Examples
    --------
    >>> plain("Costs $5 and 50% off")
    'Costs \\\\$5 and 50% off'
    >>> plain("A rather long title about service", width=12)
    'A rather lo…'
    """
    text = str(value)
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text.replace("$", r"\$")


def labelled(keys: Sequence, labels: Mapping | None = None, width: int = 40) -> list[str]:
    """Plain-text labels for ``keys`` (e.g. doc_ids), through ``labels`` when given."""
    labels = labels or {}
    return [plain(labels.get(key, key), width) for key in keys]


def height(n_rows: float, *, per_row: float = 0.38, extra: float = 1.2,
           cap: float = MAX_HEIGHT) -> float:
    """Figure height for ``n_rows`` rows: ``extra + per_row * n_rows``, within the bounds."""
    return float(min(cap, max(MIN_HEIGHT, extra + per_row * n_rows)))


def split_ends(n: int, limit: int) -> tuple[int, int]:
    """How many rows to keep from the top and from the bottom of ``n`` to show ``limit``.

    All of them (``(n, 0)``) when they fit; else half from each end, the odd one at the top.
    """
    if n <= limit:
        return n, 0
    return math.ceil(limit / 2), limit // 2


def ends(items: Sequence, limit: int) -> tuple[list, list]:
    """The first and last items to show out of ``items`` (see :func:`split_ends`)."""
    items = list(items)
    top, bottom = split_ends(len(items), limit)
    return items[:top], (items[len(items) - bottom:] if bottom else [])


def positions(n_top: int, n_bottom: int) -> tuple[list[float], float | None]:
    """Row positions for ``n_top`` then ``n_bottom`` rows, leaving one empty row between.

    Returns the positions and that of the gap (None without a bottom part).
    """
    if not n_bottom:
        return [float(i) for i in range(n_top)], None
    return ([float(i) for i in range(n_top)] + [float(n_top + 1 + i) for i in range(n_bottom)],
            float(n_top))


def mark_gap(ax, y: float | None, text: str) -> None:
    """Write what the empty row at ``y`` stands for (rows left out), across the axes."""
    if y is None:
        return
    from matplotlib.transforms import blended_transform_factory

    ax.text(0.5, y, text, transform=blended_transform_factory(ax.transAxes, ax.transData),
            ha="center", va="center", fontsize=8, style="italic", color="#555555")


def new_axes(ax=None, figsize=(7.0, 4.0)):
    """Return ``ax``, or the axes of a new constrained-layout figure of ``figsize``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=figsize, layout="constrained")
    return figure.add_subplot()


def finish(artist, save: str | Path | None):
    """Optionally save; return the Axes or Figure unchanged.

    The layout is the figure's own (constrained for figures made here; a caller's ``ax`` keeps
    its figure's), never switched to another engine, which would warn.
    """
    if save is not None:
        figure = artist if hasattr(artist, "savefig") else artist.figure
        figure.savefig(Path(save), dpi=150, bbox_inches="tight")
    return artist


def count(n: int, word: str) -> str:
    """``1 essay``, ``3,980 essays``."""
    return f"{n:,} {word if n == 1 else word + 's'}"

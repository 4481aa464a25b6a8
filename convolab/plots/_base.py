"""Shared plumbing for plot functions: inert corpus text, sizes computed from what is shown,
top/bottom selection with the rest summarised, new axes and saving.

Why these rules: a report must read as well at 5 essays as at 4,000. So a figure shows at most
``MAX_ROWS`` rows (essays, topics) and ``MAX_LEGEND`` legend entries, states how many it left
out, and its height follows the rows it shows up to ``MAX_HEIGHT``. Corpus text (titles, ids,
topic labels, terms) reaches matplotlib only through :func:`plain`, since a ``$`` would
otherwise switch on mathtext ("$5 vs $10" renders as maths; "Costs $5 and 50% off" raises).

**Any script.** matplotlib's default font (DejaVu Sans) has no CJK characters: a title such as
顧客サービス would draw as empty boxes, with a "Glyph … missing from font(s)" warning on stderr
(which fails ``convolab report --strict``). So :func:`plain` also makes every character
drawable: when an installed font has CJK glyphs (:data:`CJK_FAMILIES`, e.g. Debian's
``fonts-noto-cjk``, which ``make install`` adds where ``apt-get`` exists) it is appended to
``rcParams["font.family"]`` as matplotlib's per-character font fallback (:func:`use_fonts`);
a character no configured font has (CJK without such a font, most emoji) is drawn as
:data:`MISSING` instead, so no missing-glyph warning is raised. Tables keep the original text.
"""

from __future__ import annotations

import functools
import math
import re
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
#: Fonts with CJK glyphs, best first; the first installed one backs up the default font.
CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK KR",
                "Noto Sans CJK HK", "Source Han Sans", "Droid Sans Fallback",
                "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN")
#: Font files that may hold them (looked for when matplotlib's cached font list predates them).
_CJK_FILES = re.compile(r"(?i)cjk|sourcehan|droidsansfallback|wqy|uming|ukai")
#: Drawn in place of a character no configured font has ("?" if the fonts lack this too).
MISSING = "□"


def plain(value, width: int | None = None) -> str:
    """Corpus text as matplotlib shows it literally: shortened to ``width``, every character
    drawable (:func:`drawable`), ``$`` escaped.

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
    return drawable(text).replace("$", r"\$")


@functools.cache
def fallback_fonts() -> tuple[str, ...]:
    """The installed font family that draws CJK characters (the first of :data:`CJK_FAMILIES`
    matplotlib can find), or ``()`` when there is none.

    A font installed after matplotlib cached its font list is found too: its file is added
    to the font manager (``FontManager.addfont``).
    """
    from matplotlib import font_manager

    def installed() -> tuple[str, ...]:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return tuple(family for family in CJK_FAMILIES if family in names)[:1]

    if not installed():
        for path in font_manager.findSystemFonts():
            if _CJK_FILES.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
    return installed()


def use_fonts() -> tuple[str, ...]:
    """Append :func:`fallback_fonts` to ``rcParams["font.family"]`` unless it is there, so
    matplotlib (≥ 3.6) draws a character the first font lacks from the next; the families."""
    import matplotlib as mpl

    families = mpl.rcParams["font.family"]
    families = [families] if isinstance(families, str) else list(families)
    extra = [family for family in fallback_fonts() if family not in families]
    if extra:
        mpl.rcParams["font.family"] = families + extra
    return tuple(families + extra)


def _font_files(families: tuple[str, ...]) -> tuple[str, ...]:
    """The files matplotlib draws ``families`` from, in fallback order (``findfont`` caches
    them, keyed by the rcParams that resolve a generic family such as ``sans-serif``)."""
    from matplotlib import font_manager

    files = []
    for family in families:
        try:
            files.append(font_manager.findfont(font_manager.FontProperties(family=[family]),
                                               fallback_to_default=False))
        except ValueError:
            continue
    return tuple(dict.fromkeys(files))


@functools.lru_cache(maxsize=65536)
def _in_files(char: str, files: tuple[str, ...]) -> bool:
    """Whether any of the font ``files`` has a glyph for ``char`` (matplotlib warns when none
    has: FreeType's character index is then 0 in every font of the fallback list)."""
    from matplotlib import font_manager

    return any(font_manager.get_font(file).get_char_index(ord(char)) for file in files)


def drawable(text: str) -> str:
    """``text`` with each character no configured font has replaced by :data:`MISSING` (a
    space for whitespace such as a tab), after :func:`use_fonts`; line breaks are kept.

    Examples
    --------
    >>> drawable("Service, plain and simple")
    'Service, plain and simple'
    """
    files = _font_files(use_fonts())
    missing = {char for char in set(text) if char != "\n" and not _in_files(char, files)}
    if not missing:
        return text
    mark = MISSING if _in_files(MISSING, files) else "?"
    return "".join(char if char not in missing else " " if char.isspace() else mark
                   for char in text)


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
    its figure's), never switched to another engine, which would warn. Every text of the
    figure falls back on :func:`fallback_fonts` (:func:`with_fallback`).
    """
    figure = artist if hasattr(artist, "savefig") else artist.figure
    with_fallback(figure)
    if save is not None:
        figure.savefig(Path(save), dpi=150, bbox_inches="tight")
    return artist


def with_fallback(figure) -> None:
    """Append :func:`fallback_fonts` to the font families of every text of ``figure``.

    A text keeps the families it was made with: a new axes' tick labels, or a caller's axes,
    may predate :func:`use_fonts`, while :func:`plain` judged its characters with the fallback.
    """
    extra = fallback_fonts()
    if not extra:
        return
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        families = list(text.get_fontfamily())
        missing = [family for family in extra if family not in families]
        if missing:
            text.set_fontfamily(families + missing)


def count(n: int, word: str) -> str:
    """``1 essay``, ``3,980 essays``."""
    return f"{n:,} {word if n == 1 else word + 's'}"

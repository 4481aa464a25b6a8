"""Figures describing a corpus: how long its documents are and what cleaning took out.

Each function takes a tidy frame from :class:`convolab.Corpus` plus column names, draws on
``ax`` (a new figure when omitted), optionally saves, and returns the ``Axes``. None calls
``plt.show()``: in a notebook the inline backend shows the figure, elsewhere the caller decides.
Past ``max_bars`` documents (or ``max_legend`` legend entries) a figure shows the ends and says
how many it left out, so it reads the same at five essays and at thousands.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._base import (
    MAX_LEGEND,
    MAX_ROWS,
    OTHER,
    count,
    ends,
    finish,
    height,
    mark_gap,
    new_axes,
    plain,
    positions,
)

__all__ = ["plot_document_lengths", "plot_removed"]

#: One height per bar keeps labels readable whether a figure shows four bars or twenty.
_BAR_HEIGHT = 0.38
_UNITS = {"n_words": "words", "n_paragraphs": "paragraphs", "n_sentences": "sentences"}


def plot_document_lengths(
    documents: pd.DataFrame,
    *,
    measure: str = "n_words",
    label: str = "doc_id",
    max_bars: int = MAX_ROWS,
    ax=None,
    save: str | Path | None = None,
):
    """Horizontal bars of document length, longest first.

    Parameters
    ----------
    documents : DataFrame
        One row per document, e.g. ``corpus.documents``.
    measure : str
        Column to plot: ``"n_words"``, ``"n_paragraphs"`` or ``"n_sentences"``.
    label : str
        Column naming each bar (``"doc_id"``, ``"title"``, or a column you added).
    max_bars : int
        With more documents, the longest and the shortest are shown (half each) and a line
        between them says how many documents, of what lengths, are left out.
    ax : matplotlib Axes, optional
        Where to draw; a new figure, sized to the bars shown, is made when omitted.
    save : path, optional
        Also write the figure to this file.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import convolab as cl
    >>> from convolab.plots.corpus import plot_document_lengths
    >>> corpus = cl.load_corpus("corpus")                  # doctest: +SKIP
    >>> ax = plot_document_lengths(corpus.documents)      # doctest: +SKIP
    """
    import seaborn as sns

    frame = documents[[label, measure]].sort_values(measure, ascending=False, kind="stable")
    top, bottom = ends(range(len(frame)), max_bars)
    shown = frame.iloc[top + bottom]
    y, gap = positions(len(top), len(bottom))
    ax = new_axes(ax, (7.0, height(len(y) + (gap is not None), per_row=_BAR_HEIGHT, extra=1.0)))
    bars = ax.barh(y, shown[measure].to_numpy(), height=0.8, color=sns.color_palette()[0])
    ax.bar_label(bars, fmt="%d", padding=3, fontsize=9)
    ax.set_yticks(y, [plain(v, 48) for v in shown[label]])
    unit = _UNITS.get(measure, measure)
    if gap is not None:
        hidden = frame[measure].iloc[len(top): len(frame) - len(bottom)]
        mark_gap(ax, gap, f"… {count(len(hidden), 'more document')}, "
                          f"{hidden.min():,} to {hidden.max():,} {unit} …")
    ax.set_ylim(max(y) + 0.6 if y else 0.6, -0.6)  # longest at the top
    ax.set_xlabel(unit + " after cleaning")
    ax.margins(x=0.12)
    sns.despine(ax=ax)
    return finish(ax, save)


def plot_removed(
    removed: pd.DataFrame,
    *,
    by: str = "kind",
    hue: str | None = None,
    max_bars: int = MAX_ROWS,
    max_legend: int = MAX_LEGEND,
    ax=None,
    save: str | Path | None = None,
):
    """Bars counting the pieces of text cleaning removed, by kind (what the removal log says).

    Parameters
    ----------
    removed : DataFrame
        The cleaning log, ``corpus.removed`` (``doc_id, kind, text``).
    by : str
        Column to count along the bars; past ``max_bars`` values the rarest are pooled.
    hue : str, optional
        Column to split each bar by (e.g. ``"doc_id"``); stacked. The legend names the
        ``max_legend - 1`` values with the most removals and pools the rest ("12 other").
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib.axes.Axes
        An empty, labelled panel when nothing was removed.
    """
    import seaborn as sns

    counts = removed[by].value_counts(sort=True)
    keys = list(counts.index)
    if len(keys) > max_bars:
        rest = keys[max_bars - 1:]
        other = f"{len(rest):,} other {by} values"
        keys = keys[: max_bars - 1] + [other]
    else:
        rest, other = [], None
    rows = removed[by].where(~removed[by].isin(rest), other) if rest else removed[by]
    rows = rows.astype(str)
    keys = [str(k) for k in keys]
    n_entries = 0
    if hue is not None and not removed.empty:
        groups = removed[hue].astype(str)
        ranked = list(groups.value_counts(sort=True).index)
        n_entries = min(len(ranked), max_legend)
    size = (7.0 if hue is None else 8.5,
            max(height(len(keys), per_row=_BAR_HEIGHT, extra=1.0), 0.8 + 0.24 * n_entries))
    ax = new_axes(ax, size)
    if counts.empty:
        ax.text(0.5, 0.5, "cleaning removed nothing", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return finish(ax, save)
    y = list(range(len(keys)))
    if hue is None:
        totals = rows.value_counts().reindex(keys).to_numpy()
        bars = ax.barh(y, totals, height=0.8, color=sns.color_palette()[1])
        ax.bar_label(bars, fmt="%d", padding=3, fontsize=9)
    else:
        named = ranked[: max_legend - 1] if len(ranked) > max_legend else ranked
        what = "documents" if hue == "doc_id" else f"{hue} values"
        pooled = f"{len(ranked) - len(named):,} other {what}" if len(named) < len(ranked) \
            else None
        groups = groups.where(groups.isin(named), pooled) if pooled else groups
        table = pd.crosstab(rows, groups).reindex(index=keys, columns=named + ([pooled] if
                                                                              pooled else []))
        colours = sns.color_palette(n_colors=len(named)) + ([OTHER] if pooled else [])
        left = pd.Series(0, index=keys)
        for column, colour in zip(table.columns, colours):
            ax.barh(y, table[column].to_numpy(), left=left.to_numpy(), height=0.7, color=colour,
                    label=plain(column, 40))
            left += table[column]
        ax.legend(title=plain(hue), fontsize=8, title_fontsize=9, frameon=False,
                  bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.set_yticks(y, [plain(k, 48) for k in keys])
    ax.set_ylim(len(keys) - 0.4, -0.6)  # most frequent at the top
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("pieces of text removed")
    ax.margins(x=0.12)
    sns.despine(ax=ax)
    return finish(ax, save)

"""Figures describing a corpus: how long its documents are and what cleaning took out.

Each function takes a tidy frame from :class:`convolab.Corpus` plus column names, draws on
``ax`` (a new figure when omitted), optionally saves, and returns the ``Axes``. None calls
``plt.show()``: in a notebook the inline backend shows the figure, elsewhere the caller decides.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["plot_document_lengths", "plot_removed"]

#: One height per bar keeps labels readable whether a corpus holds four essays or forty.
_BAR_HEIGHT = 0.38


def _axes(ax, n_bars: int, width: float = 7.0):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(width, max(2.0, 1.0 + _BAR_HEIGHT * n_bars)),
                         layout="constrained")
    return ax


def _save(ax, save: str | Path | None) -> None:
    if save is not None:
        ax.figure.savefig(save, dpi=150, bbox_inches="tight")


def _short(label: str, width: int = 48) -> str:
    label = str(label)
    return label if len(label) <= width else label[: width - 1] + "…"


def plot_document_lengths(
    documents: pd.DataFrame,
    *,
    measure: str = "n_words",
    label: str = "doc_id",
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
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
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

    frame = documents[[label, measure]].copy()
    frame[label] = frame[label].map(_short)
    frame = frame.sort_values(measure, ascending=False)
    ax = _axes(ax, len(frame))
    sns.barplot(data=frame, x=measure, y=label, color=sns.color_palette()[0], ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fmt="%d", padding=3, fontsize=9)
    ax.set_xlabel({"n_words": "words", "n_paragraphs": "paragraphs",
                   "n_sentences": "sentences"}.get(measure, measure) + " after cleaning")
    ax.set_ylabel("")
    ax.margins(x=0.12)
    sns.despine(ax=ax)
    _save(ax, save)
    return ax


def plot_removed(
    removed: pd.DataFrame,
    *,
    by: str = "kind",
    hue: str | None = None,
    ax=None,
    save: str | Path | None = None,
):
    """Bars counting the pieces of text cleaning removed, by kind (what the removal log says).

    Parameters
    ----------
    removed : DataFrame
        The cleaning log, ``corpus.removed`` (``doc_id, kind, text``).
    by : str
        Column to count along the bars.
    hue : str, optional
        Column to split each bar by (e.g. ``"doc_id"``); stacked.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib.axes.Axes
        An empty, labelled panel when nothing was removed.
    """
    import seaborn as sns

    counts = removed[by].value_counts()
    ax = _axes(ax, max(1, len(counts)))
    if counts.empty:
        ax.text(0.5, 0.5, "cleaning removed nothing", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        _save(ax, save)
        return ax
    order = list(counts.index)
    if hue is None:
        sns.countplot(data=removed, y=by, order=order, color=sns.color_palette()[1], ax=ax)
        for container in ax.containers:
            ax.bar_label(container, fmt="%d", padding=3, fontsize=9)
    else:
        table = pd.crosstab(removed[by], removed[hue].map(_short)).loc[order[::-1]]
        table.plot.barh(stacked=True, ax=ax, width=0.7,
                        color=sns.color_palette(n_colors=table.shape[1]))
        ax.legend(title=hue, fontsize=8, title_fontsize=9, frameon=False,
                  bbox_to_anchor=(1.01, 1), loc="upper left")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("pieces of text removed")
    ax.set_ylabel("")
    ax.margins(x=0.12)
    sns.despine(ax=ax)
    _save(ax, save)
    return ax

"""Sentiment figures: per-essay distributions with CIs, arcs through essays, tone per topic.

Each function takes the tidy frames from :mod:`convolab.sentiment`, draws on ``ax`` (a new
figure, sized to what it shows, when omitted), optionally saves to ``save``, and returns the
``Axes`` (a ``Figure`` for several panels). Nothing here calls ``plt.show()``. Past
``max_groups`` essays or themes a figure shows the warmest and the most critical and says how
many it left out; past ``max_lines`` arcs it colours the ones that move most and draws the rest
in grey. The same data always gives the same image: the jitter of sentence dots is seeded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from ._base import (
    MAX_LEGEND,
    MAX_ROWS,
    MAX_WIDTH,
    OTHER,
    count,
    ends,
    finish,
    height,
    labelled,
    mark_gap,
    new_axes,
    plain,
    positions,
)

__all__ = ["plot_sentiment_arcs", "plot_sentiment_by_method", "plot_sentiment_distribution",
           "plot_topic_sentiment"]

_MPL = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])
POSITIVE, NEGATIVE, NEUTRAL = "#2b8cbe", "#d95f0e", "#969696"
_JITTER = 0.2


def _shown_groups(summary: pd.DataFrame, by: str, max_groups: int):
    """Groups to draw bottom to top (lowest mean first), the gap, and a gap note."""
    ranked = summary.dropna(subset=["mean"]).sort_values(["mean", by], kind="stable")
    keys = ranked[by].tolist()
    low, high = ends(keys, max_groups)  # ends() keeps more of the first part: the lowest
    if not high:
        return low, [float(i) for i in range(len(low))], None, ""
    y, gap = positions(len(low), len(high))
    hidden = ranked["mean"].iloc[len(low): len(keys) - len(high)]
    word = "more essay" if by == "doc_id" else "more group"
    note = (f"… {count(len(hidden), word)}, means {hidden.min():+.2f} to "
            f"{hidden.max():+.2f} …")
    return low + high, y, gap, note


def _draw_distribution(ax, scores, summary, keys, y, *, by, column):
    data = scores
    if "flag" in scores:
        from ..sentiment.flags import UNSCORED

        data = scores[~scores["flag"].isin(list(UNSCORED))]
    data = data[data[column].notna()]
    groups = dict(tuple(data.groupby(by, sort=False)[column]))
    boxes = [groups[k].to_numpy(float) if k in groups else np.array([]) for k in keys]
    # Drawn with matplotlib: seaborn 0.13's boxplot passes matplotlib's deprecated `vert`.
    orient = {"orientation": "horizontal"} if _MPL >= (3, 10) else {"vert": False}
    ax.boxplot(boxes, positions=y, widths=0.5, showfliers=False,
               medianprops={"color": "black"}, manage_ticks=False, **orient)
    # Seeded jitter, drawn in the order shown: the same data gives the same pixels.
    rng = np.random.default_rng(0)
    for values, row in zip(boxes, y):
        values = values[~np.isnan(values)]
        colours = np.where(values > 0, POSITIVE, np.where(values < 0, NEGATIVE, NEUTRAL))
        ax.scatter(values, row + rng.uniform(-_JITTER, _JITTER, len(values)), c=colours,
                   s=12, alpha=0.6, linewidths=0, zorder=2)
    rows = summary.set_index(by).loc[keys]
    ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["ci_low"],
                                       rows["ci_high"] - rows["mean"]],
                fmt="D", color="black", markersize=5, capsize=4, label="mean, 95% CI", zorder=3)
    ax.axvline(0, color="grey", linewidth=0.8, linestyle=":")
    ax.set(xlim=(-1.05, 1.05), xlabel=f"{column} per sentence (-1 negative, +1 positive)",
           ylabel="")
    ax.set_ylim(-0.6, max(y) + 0.6 if y else 0.6)


def plot_sentiment_distribution(scores: pd.DataFrame, summary: pd.DataFrame | None = None, *,
                                by: str = "doc_id", column: str = "sentiment",
                                labels: Mapping | None = None, max_groups: int = MAX_ROWS,
                                ax=None, save: str | Path | None = None):
    """Each sentence's score per group (dots over a box), with the mean and its bootstrap CI.

    Parameters
    ----------
    scores : DataFrame
        From :meth:`SentimentModel.score`.
    summary : DataFrame, optional
        From :func:`sentiment_by` with the same ``by``; computed (seed 0) when omitted.
    by, column : str
        Grouping column and score column.
    labels : mapping, optional
        Group key → name on the axis (e.g. doc_id → title); the key itself otherwise.
    max_groups : int
        With more groups, the most critical and the warmest (half each) are shown and a line
        between them says how many were left out and the range of their means.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    if summary is None:
        from ..sentiment import sentiment_by

        summary = sentiment_by(scores, by=by, column=column)
    keys, y, gap, note = _shown_groups(summary, by, max_groups)
    ax = new_axes(ax, (8.0, height(len(y) + (gap is not None), per_row=0.5, extra=1.5)))
    _draw_distribution(ax, scores, summary, keys, y, by=by, column=column)
    ax.set_yticks(y, labelled(keys, labels))
    mark_gap(ax, gap, note)
    ax.legend(loc="lower right", frameon=False)
    return finish(ax, save)


def plot_sentiment_by_method(scores: pd.DataFrame, summaries: Mapping[str, pd.DataFrame],
                             reference: pd.DataFrame | None = None, *, by: str = "doc_id",
                             labels: Mapping | None = None, max_groups: int = MAX_ROWS,
                             save: str | Path | None = None):
    """One distribution panel per scoring method, over the same groups in the same order.

    Parameters
    ----------
    scores : DataFrame
        From :meth:`SentimentModel.score`, with a column per method.
    summaries : mapping
        Method column (e.g. ``"vader"``) → its :func:`sentiment_by` table.
    reference : DataFrame, optional
        The :func:`sentiment_by` table that picks and orders the groups shown (e.g. the
        blended score's); the first of ``summaries`` otherwise.
    by, labels, max_groups
        As in :func:`plot_sentiment_distribution`.
    save : path, optional

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    reference = next(iter(summaries.values())) if reference is None else reference
    keys, y, gap, note = _shown_groups(reference, by, max_groups)
    n = len(summaries)
    fig, axes = plt.subplots(1, n, squeeze=False, sharey=True, layout="constrained",
                             figsize=(min(MAX_WIDTH, 4.0 + 4.0 * n),
                                      height(len(y) + (gap is not None), per_row=0.5,
                                             extra=1.8)))
    for ax, (method, summary) in zip(axes.flat, summaries.items()):
        _draw_distribution(ax, scores, summary, keys, y, by=by, column=method)
        ax.set_title(plain(method))
        mark_gap(ax, gap, note)
    axes.flat[0].set_yticks(y, labelled(keys, labels))
    axes.flat[-1].legend(loc="lower right", frameon=False)
    return finish(fig, save)


def _arc_change(arcs: pd.DataFrame, min_sentences: int = 6) -> pd.Series:
    # Which arcs to colour: the largest move from the first third to the last (as the tone
    # narrative measures it); arcs too short to have a beginning and an end come last.
    start = arcs[arcs["position"] < 1 / 3].groupby("doc_id")["sentiment"].mean()
    end = arcs[arcs["position"] > 2 / 3].groupby("doc_id")["sentiment"].mean()
    change = (end - start).abs()
    change[arcs.groupby("doc_id").size().reindex(change.index) < min_sentences] = -1.0
    return change.reindex(arcs["doc_id"].unique()).fillna(-1.0)


def plot_sentiment_arcs(arcs: pd.DataFrame, *, labels: Mapping | None = None,
                        highlight: Sequence | None = None, max_lines: int = MAX_LEGEND,
                        ax=None, show_points: bool = True, save: str | Path | None = None):
    """Smoothed tone through each essay, position 0 (start) to 1 (end).

    Parameters
    ----------
    arcs : DataFrame
        From :func:`sentiment_arc` (``doc_id, position, sentiment, smoothed``).
    labels : mapping, optional
        doc_id → name in the legend (e.g. the title).
    highlight : sequence of doc_id, optional
        The essays drawn in colour and named in the legend; every other arc is a thin grey
        line, pooled in one legend entry. By default all of them when there are at most
        ``max_lines``, else the ``max_lines - 1`` whose tone moves most from the first third to
        the last, among those of 6 or more sentences (so the legend never lists more than
        ``max_lines`` entries).
    ax : matplotlib Axes, optional
    show_points : bool
        Also draw the raw sentence scores of the coloured essays, faintly.
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    docs = sorted(arcs["doc_id"].unique(), key=str)
    if highlight is None:
        highlight = docs if len(docs) <= max_lines else \
            _arc_change(arcs).sort_values(ascending=False, kind="stable").index[:max_lines - 1]
    wanted = set(highlight)
    chosen = [d for d in docs if d in wanted]
    rest = [d for d in docs if d not in wanted]
    n_entries = len(chosen) + bool(rest)
    ax = new_axes(ax, (8.0, 4.0 + 0.22 * np.ceil(n_entries / 2)))
    if rest:
        # One array split at essay boundaries: thousands of essays draw in a second.
        lines = arcs[~arcs["doc_id"].isin(wanted)].dropna(subset=["smoothed"])
        codes = pd.factorize(lines["doc_id"])[0]
        order = np.argsort(codes, kind="stable")
        points = lines[["position", "smoothed"]].to_numpy(float)[order]
        segments = np.split(points, np.flatnonzero(np.diff(codes[order])) + 1)
        alpha = float(np.clip(4 / len(rest), 0.06, 0.5))
        ax.add_collection(LineCollection(segments, colors=OTHER, linewidths=0.8, alpha=alpha,
                                         zorder=1))
    handles = []
    for doc, colour, name in zip(chosen, sns.color_palette(n_colors=max(1, len(chosen))),
                                 labelled(chosen, labels)):
        doc_arc = arcs[arcs["doc_id"] == doc]
        if show_points:
            ax.scatter(doc_arc["position"], doc_arc["sentiment"], color=colour, alpha=0.25,
                       s=12, linewidths=0, zorder=2)
        handles += ax.plot(doc_arc["position"], doc_arc["smoothed"], color=colour,
                           linewidth=2, label=name, zorder=3)
    if rest:
        handles.append(Line2D([], [], color=OTHER, linewidth=1.5,
                              label=f"{count(len(rest), 'other essay')}"))
    ax.axhline(0, color="grey", linewidth=0.8, linestyle=":")
    ax.set(xlim=(0, 1), ylim=(-1.05, 1.05), xlabel="position in essay (0 = start, 1 = end)",
           ylabel="sentiment (rolling mean)")
    if handles:
        ax.legend(handles=handles, fontsize="small", frameon=False, loc="upper center",
                  bbox_to_anchor=(0.5, -0.15), ncols=2)
    return finish(ax, save)


def plot_topic_sentiment(table: pd.DataFrame, *, ax=None, label: str = "label",
                         max_topics: int = MAX_ROWS, save: str | Path | None = None):
    """Diverging bars of mean tone per topic, coloured by sign, with bootstrap CIs.

    Parameters
    ----------
    table : DataFrame
        From :func:`topic_sentiment` (``label, mean, ci_low, ci_high, n``).
    ax : matplotlib Axes, optional
    label : str
        Column naming the topics on the y axis.
    max_topics : int
        With more topics, the most critical and the warmest are shown (half each) and a line
        between them says how many were left out.
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    ranked = table.sort_values("mean", kind="stable").reset_index(drop=True)
    low, high = ends(range(len(ranked)), max_topics)
    rows = ranked.iloc[low + high]
    y, gap = positions(len(low), len(high))
    ax = new_axes(ax, (8.0, height(len(y) + (gap is not None), per_row=0.45, extra=1.5)))
    colours = [POSITIVE if m > 0 else NEGATIVE for m in rows["mean"]]
    ax.barh(y, rows["mean"], color=colours, height=0.6)
    ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["ci_low"],
                                       rows["ci_high"] - rows["mean"]],
                fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_yticks(y, [f"{plain(name, 48)} (n={n})" for name, n in zip(rows[label], rows["n"])])
    if gap is not None:
        hidden = ranked["mean"].iloc[len(low): len(ranked) - len(high)]
        mark_gap(ax, gap, f"… {count(len(hidden), 'more topic')}, means {hidden.min():+.2f} "
                          f"to {hidden.max():+.2f} …")
    ax.axvline(0, color="black", linewidth=0.8)
    reach = float(np.nanmax(np.abs(rows[["ci_low", "ci_high"]].to_numpy()))) if len(rows) else 1
    reach = max(reach if np.isfinite(reach) else 1.0, 0.1) * 1.1
    ax.set(xlim=(-reach, reach), xlabel="mean sentence sentiment, 95% bootstrap CI", ylabel="")
    return finish(ax, save)

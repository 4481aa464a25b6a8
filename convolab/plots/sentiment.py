"""Sentiment figures: per-essay distributions with CIs, arcs through essays, tone per topic.

Each function takes the tidy frames from :mod:`convolab.sentiment`, draws on ``ax`` (a new
figure when omitted), optionally saves to ``save``, and returns the ``Axes``. Nothing here
calls ``plt.show()``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

_MPL = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])
POSITIVE, NEGATIVE, NEUTRAL = "#2b8cbe", "#d95f0e", "#969696"


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _save(ax, save):
    if save is not None:
        ax.figure.savefig(Path(save), dpi=150, bbox_inches="tight")
    return ax


def plot_sentiment_distribution(scores: pd.DataFrame, summary: pd.DataFrame | None = None, *,
                                by: str = "doc_id", column: str = "sentiment", ax=None,
                                save: str | Path | None = None):
    """Each sentence's score per group (strip over box), with the mean and its bootstrap CI.

    Parameters
    ----------
    scores : DataFrame
        From :meth:`SentimentModel.score`.
    summary : DataFrame, optional
        From :func:`sentiment_by` with the same ``by``; computed (seed 0) when omitted.
    by, column : str
        Grouping column and score column.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    from ..sentiment import sentiment_by
    from ..sentiment.flags import UNSCORED

    if summary is None:
        summary = sentiment_by(scores, by=by, column=column)
    order = summary.sort_values("mean")[by].tolist()
    data = scores[~scores["flag"].isin(list(UNSCORED))] if "flag" in scores else scores
    ax = _axes(ax, (8, 0.6 * len(order) + 1.5))
    # Drawn with matplotlib: seaborn 0.13's boxplot passes matplotlib's deprecated `vert`.
    boxes = [data.loc[data[by] == key, column].to_numpy(float) for key in order]
    orient = {"orientation": "horizontal"} if _MPL >= (3, 10) else {"vert": False}
    ax.boxplot(boxes, positions=np.arange(len(order)), widths=0.5, showfliers=False,
               medianprops={"color": "black"}, **orient)
    sns.stripplot(data=data, x=column, y=by, order=order, ax=ax, hue=np.sign(data[column]),
                  palette={-1.0: NEGATIVE, 0.0: NEUTRAL, 1.0: POSITIVE}, size=3.5, alpha=0.6,
                  jitter=0.2, legend=False)
    rows = summary.set_index(by).loc[order]
    y = np.arange(len(order))
    ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["ci_low"],
                                       rows["ci_high"] - rows["mean"]],
                fmt="D", color="black", markersize=5, capsize=4, label="mean, 95% CI")
    ax.set_yticks(y, [str(key) for key in order])
    ax.axvline(0, color="grey", linewidth=0.8, linestyle=":")
    ax.set(xlim=(-1.05, 1.05), xlabel=f"{column} per sentence (-1 negative, +1 positive)",
           ylabel="")
    ax.legend(loc="lower right", frameon=False)
    return _save(ax, save)


def plot_sentiment_arcs(arcs: pd.DataFrame, *, ax=None, show_points: bool = True,
                        save: str | Path | None = None):
    """Smoothed tone through each essay, position 0 (start) to 1 (end).

    Parameters
    ----------
    arcs : DataFrame
        From :func:`sentiment_arc` (``doc_id, position, sentiment, smoothed``).
    ax : matplotlib Axes, optional
    show_points : bool
        Also draw the raw sentence scores, faintly.
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (8, 4))
    if show_points:
        sns.scatterplot(data=arcs, x="position", y="sentiment", hue="doc_id", ax=ax,
                        alpha=0.25, s=12, legend=False)
    sns.lineplot(data=arcs, x="position", y="smoothed", hue="doc_id", ax=ax, linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.8, linestyle=":")
    ax.set(xlim=(0, 1), ylim=(-1.05, 1.05), xlabel="position in essay (0 = start, 1 = end)",
           ylabel="sentiment (rolling mean)")
    if ax.get_legend() is not None:
        ax.legend(title=None, fontsize="small", frameon=False, loc="lower left")
    return _save(ax, save)


def plot_topic_sentiment(table: pd.DataFrame, *, ax=None, label: str = "label",
                         save: str | Path | None = None):
    """Diverging bars of mean tone per topic, coloured by sign, with bootstrap CIs.

    Parameters
    ----------
    table : DataFrame
        From :func:`topic_sentiment` (``label, mean, ci_low, ci_high, n``).
    ax : matplotlib Axes, optional
    label : str
        Column naming the topics on the y axis.
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    rows = table.sort_values("mean").reset_index(drop=True)
    ax = _axes(ax, (8, 0.45 * len(rows) + 1.5))
    colours = [POSITIVE if m > 0 else NEGATIVE for m in rows["mean"]]
    y = np.arange(len(rows))
    ax.barh(y, rows["mean"], color=colours, height=0.6)
    ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["ci_low"],
                                       rows["ci_high"] - rows["mean"]],
                fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_yticks(y, [f"{name} (n={n})" for name, n in zip(rows[label], rows["n"])])
    ax.axvline(0, color="black", linewidth=0.8)
    reach = float(np.nanmax(np.abs(rows[["ci_low", "ci_high"]].to_numpy()))) if len(rows) else 1
    ax.set(xlim=(-max(reach, 0.1) * 1.1, max(reach, 0.1) * 1.1),
           xlabel="mean sentence sentiment, 95% bootstrap CI", ylabel="")
    return _save(ax, save)

"""Comparison figures: topic shares and tone per group, and per period over time.

Each function takes a :class:`convolab.compare.Comparison` (from :func:`convolab.compare` or
:func:`convolab.over_time`) and draws its tidy frames; nothing is re-estimated here. Intervals
are the comparison's own (documents resampled). A figure stays readable from 2 to many groups
and topics: past ``max_groups`` groups it shows the largest (by documents) and past
``max_topics`` topics the largest (by mean share), and says so in its title; its height
follows the rows it shows, up to ``MAX_HEIGHT``. Periods without enough documents are gaps
(shaded and named as such), never zeros. Topic labels and group names are corpus text and
reach matplotlib only through :func:`~convolab.plots._base.plain`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..compare.periods import period_names, period_word
from ..compare.stats import MIN_DOCUMENTS
from ._base import MAX_LEGEND, MAX_ROWS, MAX_WIDTH, OTHER, count, finish, height, new_axes, plain

__all__ = ["plot_group_sizes", "plot_group_shares", "plot_group_tone", "plot_over_time"]

POSITIVE, NEGATIVE = "#2b8cbe", "#d95f0e"
#: Topics a share figure lists at most (one row each).
MAX_TOPICS = 30
#: Values of one metadata column a size figure lists at most.
MAX_VALUES = 6


def _key(frame: pd.DataFrame) -> str:
    return "period" if "period" in frame.columns else "group"


def _shown_groups(comparison, max_groups: int) -> tuple[list, dict, str]:
    """The groups to draw (largest first, estimated ones only), their sizes, a title note."""
    groups = comparison.groups
    key = _key(groups)
    if "enough" in groups:
        groups = groups[groups["enough"]]
    ranked = groups.assign(_name=groups[key].astype(str)).sort_values(
        ["n_docs", "_name"], ascending=[False, True], kind="stable")
    sizes = dict(zip(ranked[key], ranked["n_docs"].astype(int)))
    keep = list(sizes)[:max_groups]
    word = "period" if key == "period" else "group"
    note = f" (the {len(keep)} largest of {count(len(sizes), word)})" if len(keep) < len(sizes) \
        else ""
    if key == "period":  # periods read in order, not by size
        keep = sorted(keep)
    return keep, sizes, note


def _significant(comparison, measure: str) -> set:
    tests = comparison.tests
    rows = tests[(tests["measure"] == measure) & tests["significant"].fillna(False).astype(bool)]
    return set(rows["topic"].dropna().astype(int))


def _names(comparison, groups) -> dict:
    if _key(comparison.groups) == "period":
        return period_names(comparison.groups["period"])
    return {g: g for g in groups}


def plot_group_shares(comparison, *, max_groups: int = MAX_LEGEND, max_topics: int = MAX_TOPICS,
                      ax=None, save: str | Path | None = None):
    """Each topic's share of each group's units: dots with 95% intervals, one row per topic.

    Parameters
    ----------
    comparison : Comparison
        From :func:`convolab.compare` (or :func:`convolab.over_time`: periods as groups).
    max_groups : int
        Groups drawn at most (the largest by documents; the title says how many were left out).
    max_topics : int
        Topics drawn at most (the largest by mean share over the groups drawn).
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
        Topics whose share differs between groups (adjusted p < 0.05) are marked ``*``.
    """
    import seaborn as sns

    shares = comparison.shares
    key = _key(shares)
    keep, sizes, note = _shown_groups(comparison, max_groups)
    names = _names(comparison, keep)
    data = shares[shares[key].isin(keep)]
    order = (data.groupby(["topic", "label"], dropna=False)["share"].mean()
             .reset_index().sort_values(["share", "topic"], ascending=[False, True],
                                        kind="stable"))
    shown = order.head(max_topics)
    if len(shown) < len(order):
        note += f"; the {len(shown)} largest of {count(len(order), 'topic')}"
    stars = _significant(comparison, "share")
    longest = max([len(str(v)) for v in shown["label"]] + [10])
    ax = new_axes(ax, (min(MAX_WIDTH, 7.0 + 0.07 * min(longest, 40)),
                       height(len(shown), per_row=0.22 + 0.05 * len(keep), extra=2.2)))
    rows = {t: i for i, t in enumerate(shown["topic"])}
    offsets = np.linspace(-0.3, 0.3, len(keep)) if len(keep) > 1 else np.zeros(1)
    for group, offset, colour in zip(keep, offsets, sns.color_palette(n_colors=len(keep))):
        part = data[(data[key] == group) & data["topic"].isin(rows)]
        y = part["topic"].map(rows).to_numpy(float) + offset
        low = (part["share"] - part["ci_low"]).clip(lower=0).fillna(0)
        high = (part["ci_high"] - part["share"]).clip(lower=0).fillna(0)
        ax.errorbar(part["share"], y, xerr=[low, high], fmt="o", color=colour, markersize=4,
                    capsize=2, linewidth=1,
                    label=f"{plain(names.get(group, group), 30)} ({count(sizes[group], 'doc')})")
    ax.set_yticks(range(len(shown)),
                  [plain(label, 40) + (" *" if topic in stars else "")
                   for topic, label in zip(shown["topic"], shown["label"])])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    top = float(np.nanmax(data[["share", "ci_high"]].to_numpy(float))) if len(data) else 1.0
    ax.set_xlim(0, min(1.0, (top if np.isfinite(top) else 1.0) * 1.08 + 0.01))
    ax.xaxis.set_major_formatter(lambda x, _: f"{100 * x:.0f}%")
    what = period_word(names) if key == "period" else plain(comparison.by)
    ax.set(xlabel=f"share of each {what}'s units in the topic (95% CI, documents resampled)",
           ylabel="", title=f"Topic shares by {what}{note}"
           + ("\n* the share differs between them (adjusted p < 0.05)" if stars else ""))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize="small")
    return finish(ax, save)


def plot_group_tone(comparison, *, max_groups: int = MAX_ROWS, ax=None,
                    save: str | Path | None = None):
    """Mean sentence tone per group with its 95% interval (documents resampled).

    Parameters
    ----------
    comparison : Comparison
        From :func:`convolab.compare` or :func:`convolab.over_time`.
    max_groups : int
        Groups drawn at most (the largest by documents).
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    tone = comparison.tone
    key = _key(tone)
    keep, sizes, note = _shown_groups(comparison, max_groups)
    names = _names(comparison, keep)
    rows = tone.set_index(key).loc[keep].reset_index()
    if key != "period":
        rows = rows.sort_values(["mean", key], kind="stable")
    ax = new_axes(ax, (8.0, height(len(rows), per_row=0.45, extra=1.6)))
    y = np.arange(len(rows), dtype=float)
    colours = [POSITIVE if m > 0 else NEGATIVE for m in rows["mean"].fillna(0)]
    ax.errorbar(rows["mean"], y, xerr=[(rows["mean"] - rows["ci_low"]).fillna(0),
                                       (rows["ci_high"] - rows["mean"]).fillna(0)],
                fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.scatter(rows["mean"], y, c=colours, s=40, zorder=3)
    ax.set_yticks(y, [f"{plain(names.get(g, g), 40)} ({count(sizes[g], 'doc')})"
                      for g in rows[key]])
    ax.axvline(0, color="grey", linewidth=0.8, linestyle=":")
    reach = float(np.nanmax(np.abs(rows[["mean", "ci_low", "ci_high"]].to_numpy(float)))) \
        if len(rows) else 1.0
    reach = max(reach if np.isfinite(reach) else 1.0, 0.1) * 1.15
    what = period_word(names) if key == "period" else plain(comparison.by)
    ax.set(xlim=(-reach, reach), ylim=(-0.6, len(rows) - 0.4), ylabel="",
           xlabel="mean sentence tone (-1 negative, +1 positive), 95% CI",
           title=f"Tone by {what}{note}")
    return finish(ax, save)


def plot_over_time(comparison, *, max_topics: int = 6, min_docs: int | None = None,
                   save: str | Path | None = None):
    """Topic shares (top) and mean tone (bottom) per period: lines with 95% interval bands.

    Parameters
    ----------
    comparison : Comparison
        From :func:`convolab.over_time` (every period listed, ``enough`` marking those
        estimated).
    max_topics : int
        Topics drawn (the largest by mean share over the periods estimated); the title says how
        many there are.
    min_docs : int, optional
        For the legend entry of the shaded periods (by default the comparison's own, as
        passed to :func:`over_time`).
    save : path, optional

    Returns
    -------
    matplotlib Figure
        Periods with too few documents are shaded and the lines break there: no estimate, not
        a zero.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Patch

    groups = comparison.groups
    min_docs = min_docs if min_docs is not None else getattr(comparison, "min_docs", None)
    periods = list(groups["period"])
    names = period_names(periods)
    x = {p: float(i) for i, p in enumerate(periods)}
    shares = comparison.shares
    ranked = (shares.groupby(["topic", "label"], dropna=False)["share"].mean().reset_index()
              .sort_values(["share", "topic"], ascending=[False, True], kind="stable"))
    shown = ranked.head(max_topics)
    note = (f" (the {len(shown)} largest of {count(len(ranked), 'topic')})"
            if len(shown) < len(ranked) else "")
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, layout="constrained", height_ratios=[3, 2],
        figsize=(min(MAX_WIDTH, 9.0 + 0.25 * len(periods)), 6.0 + 0.2 * len(shown)))
    palette = sns.color_palette(n_colors=max(1, len(shown)))
    for (topic, label), colour in zip(zip(shown["topic"], shown["label"]), palette):
        part = shares[shares["topic"] == topic].set_index("period").reindex(periods)
        xs = np.array([x[p] for p in periods])
        top.fill_between(xs, part["ci_low"], part["ci_high"], color=colour, alpha=0.12,
                         linewidth=0)
        top.plot(xs, part["share"], marker="o", color=colour, label=plain(label, 40))
    tone = comparison.tone.set_index("period").reindex(periods)
    xs = np.array([x[p] for p in periods])
    bottom.fill_between(xs, tone["ci_low"], tone["ci_high"], color="black", alpha=0.12,
                        linewidth=0)
    bottom.plot(xs, tone["mean"], marker="o", color="black", label="all sentences")
    bottom.axhline(0, color="grey", linewidth=0.8, linestyle=":")
    thin = [p for p, ok in zip(periods, groups["enough"]) if not ok]
    for ax in (top, bottom):
        for p in thin:
            ax.axvspan(x[p] - 0.5, x[p] + 0.5, color=OTHER, alpha=0.3, linewidth=0)
    handles, labels = top.get_legend_handles_labels()
    if thin:
        few = f"fewer than {min_docs} documents" if min_docs else "too few documents"
        handles.append(Patch(color=OTHER, alpha=0.3))
        labels.append(f"{few}: not estimated")
    top.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
               fontsize="small")
    top.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    top.set(ylabel="share of units", ylim=(0, None),
            title=f"Topic shares per {period_word(names)}, 95% CI{note}")
    reach = float(np.nanmax(np.abs(tone[["ci_low", "ci_high", "mean"]].to_numpy(float)))) \
        if tone["mean"].notna().any() else 1.0
    reach = max(reach if np.isfinite(reach) else 1.0, 0.1) * 1.15
    bottom.set(ylabel="mean tone", ylim=(-reach, reach),
               title=f"Tone per {period_word(names)} (all sentences), 95% CI",
               xlim=(-0.5, len(periods) - 0.5))
    step = max(1, int(np.ceil(len(periods) / 16)))  # at most ~16 tick labels
    ticks = periods[::step]
    bottom.set_xticks([x[p] for p in ticks], [names[p] for p in ticks],
                      rotation=0 if step == 1 and len(periods) <= 8 else 45)
    return finish(fig, save)


def plot_group_sizes(sizes: pd.DataFrame, *, min_docs: int = MIN_DOCUMENTS, max_values: int = MAX_VALUES,
                     ax=None, save: str | Path | None = None):
    """Documents per value of each grouping column (and per period): what could be compared.

    Parameters
    ----------
    sizes : DataFrame
        :func:`convolab.narrative.comparison_sizes` (``column, group, n_docs``).
    min_docs : int
        Drawn as a line: a value needs this many documents to be a group.
    max_values : int
        Values drawn per column at most (the largest; periods: the first ones); the rest are
        counted on one row.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    labels, values, colours, pooled = [], [], [], False
    for column, part in sizes.groupby("column", sort=False):
        part = part[part["n_docs"] > 0]  # empty periods are in the tidy table, not worth a row
        name = plain(column, 16)
        if len(part) > 1 and (part["n_docs"] < min_docs).all():
            # No value is a group: one row says so, whatever the number of values.
            labels.append(f"{name}: {count(len(part), 'value')}, each < {min_docs} docs")
            values.append(int(part["n_docs"].max()))
            colours.append(OTHER)
            pooled = True
            continue
        shown = part.head(max_values)
        for group, n in zip(shown["group"], shown["n_docs"]):
            labels.append(f"{name}: {plain(group, 30)}")
            values.append(int(n))
            colours.append(POSITIVE if n >= min_docs else OTHER)
        rest = part.iloc[len(shown):]
        if len(rest):
            labels.append(f"{name}: … {count(len(rest), 'more value')}")
            values.append(int(rest["n_docs"].max()))
            colours.append(POSITIVE if rest["n_docs"].max() >= min_docs else OTHER)
            pooled = True
    ax = new_axes(ax, (8.0, height(len(labels), per_row=0.3, extra=1.4)))
    y = np.arange(len(labels), dtype=float)
    ax.barh(y, values, color=colours, height=0.6)
    ax.axvline(min_docs, color="black", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, labels)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set(xlabel=f"documents (a group needs {min_docs} or more"
                  + ("; a row of several values: the largest of them)" if pooled else ")"),
           ylabel="",
           title="Documents per value of each metadata column" if labels else
           "No metadata column to group the documents by")
    return finish(ax, save)

"""Figures of topics: sizes, top terms, documents × topics, and a 2-D map of the units.

Each function takes the tidy frames a :class:`~convolab.TopicModel` produces, draws with
matplotlib (seaborn's palettes and styling), and returns the ``Axes`` (or ``Figure`` for
faceted plots); ``save=`` writes the figure too. Nothing here calls ``plt.show()``. Figures
are sized to what they show and show at most a screenful: the largest topics, the documents
where each topic is strongest, a legend of at most ``MAX_LEGEND`` entries; each says what it
left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ._base import (
    MAX_HEIGHT,
    MAX_LEGEND,
    MAX_ROWS,
    MAX_WIDTH,
    OTHER,
    count,
    finish,
    height,
    labelled,
    new_axes,
    plain,
)

__all__ = ["plot_document_topics", "plot_topic_map", "plot_topic_sizes", "plot_topic_terms"]


def _names(topics: pd.DataFrame) -> list[str]:
    return [f"{t}: {plain(label, 44)}" for t, label in zip(topics["topic"], topics["label"])]


def plot_topic_sizes(topics: pd.DataFrame, *, max_topics: int = MAX_ROWS, ax=None,
                     save: str | Path | None = None):
    """Horizontal bars: units per topic, labelled with the topic's label, largest first.

    Parameters
    ----------
    topics : DataFrame
        ``TopicModel.topics_`` (needs ``topic``, ``label``, ``size``).
    max_topics : int
        Show the largest this many; the title says how many smaller ones were left out.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    ranked = topics.sort_values("size", ascending=False, kind="stable")
    shown, hidden = ranked.head(max_topics), ranked.iloc[max_topics:]
    ax = new_axes(ax, (7.0, height(len(shown), per_row=0.45, extra=1.2)))
    y = np.arange(len(shown))
    ax.barh(y, shown["size"].to_numpy(), color=sns.color_palette()[0], height=0.8)
    ax.set_yticks(y, _names(shown))
    ax.set_ylim(len(shown) - 0.4, -0.6)
    title = "Topic sizes"
    if len(hidden):
        title += (f": the {len(shown)} largest; {count(len(hidden), 'smaller topic')} "
                  f"({int(hidden['size'].sum()):,} units) not shown")
    ax.set(xlabel="units", ylabel="", title=title)
    return finish(ax, save)


def plot_topic_terms(topic_terms: pd.DataFrame, topics: pd.DataFrame, *, n_terms: int = 8,
                     max_topics: int = 9, save: str | Path | None = None):
    """One small bar chart of c-TF-IDF weights per topic (a Figure of facets).

    Parameters
    ----------
    topic_terms : DataFrame
        ``TopicModel.topic_terms_`` (``topic, term, weight, rank``).
    topics : DataFrame
        ``TopicModel.topics_``; facets follow its size order.
    n_terms : int
        Terms per facet.
    max_topics : int
        Facets for at most this many of the largest topics; a title names how many were left.
    save : path, optional

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    ranked = topics.sort_values("size", ascending=False, kind="stable")
    shown = ranked.head(max_topics)
    ids = shown["topic"].tolist()
    cols = max(1, min(3, len(ids)))
    rows = max(1, int(np.ceil(len(ids) / cols)))
    fig, axes = plt.subplots(rows, cols, squeeze=False, layout="constrained",
                             figsize=(4.2 * cols, min(MAX_HEIGHT, rows * (0.25 * n_terms + 1.0))))
    for ax, topic, name in zip(axes.flat, ids, _names(shown)):
        terms = topic_terms[topic_terms["topic"] == topic].nsmallest(n_terms, "rank")
        y = np.arange(len(terms))
        ax.barh(y, terms["weight"].to_numpy(), color="#55A868")
        ax.set_yticks(y, [plain(t, 24) for t in terms["term"]])
        ax.set_ylim(n_terms - 0.4, -0.6)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(ids):]:
        ax.axis("off")
    if len(ranked) > len(shown):
        fig.suptitle(f"Top terms of the {len(shown)} largest topics; "
                     f"{count(len(ranked) - len(shown), 'smaller topic')} not shown",
                     fontsize=10)
    return finish(fig, save)


def _pick_documents(shares: pd.DataFrame, limit: int) -> list:
    """Up to ``limit`` documents, taking in turn each topic's next strongest document."""
    if len(shares) <= limit:
        return list(shares.index)
    ranked = [shares[c].sort_values(ascending=False, kind="stable").index for c in shares]
    chosen: list = []
    for depth in range(len(shares)):
        for order in ranked:
            if len(chosen) < limit and order[depth] not in chosen:
                chosen.append(order[depth])
        if len(chosen) >= limit:
            break
    # Rows grouped by their leading topic read as blocks.
    lead = shares.loc[chosen].to_numpy().argmax(axis=1)
    return [d for _, _, d in sorted(zip(lead, -shares.loc[chosen].max(axis=1), chosen),
                                    key=lambda t: (t[0], t[1]))]


def plot_document_topics(document_topics: pd.DataFrame, topics: pd.DataFrame | None = None, *,
                         labels: Mapping | None = None, max_documents: int = 25,
                         max_topics: int = 12, ax=None, save: str | Path | None = None):
    """Heatmap of each document's share of units per topic.

    Parameters
    ----------
    document_topics : DataFrame
        ``TopicModel.document_topics()`` (documents × topics, rows sum to 1).
    topics : DataFrame, optional
        ``topics_``, to label the columns.
    labels : mapping, optional
        doc_id → row name (e.g. the title).
    max_documents : int
        With more documents, show this many: each topic's strongest document in turn, then
        the next strongest, grouped by leading topic. The title says how many are shown.
    max_topics : int
        With more topics, the largest (by total share) keep a column and the rest are pooled
        into "other topics", so rows still sum to 100%.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    frame = document_topics.copy()
    topic_cols = sorted((c for c in frame.columns if c != -1),
                        key=lambda c: (-frame[c].sum(), c))
    keep = topic_cols[:max_topics]
    pooled = topic_cols[max_topics:]
    columns = keep + ([-1] if -1 in frame.columns else [])
    shown = frame[columns].copy()
    names = {t: f"{t}: {lab}" for t, lab in zip(topics["topic"], topics["label"])} \
        if topics is not None else {}
    header = [plain(names.get(c, "outliers" if c == -1 else str(c)), 36) for c in columns]
    if pooled:
        shown["other"] = frame[pooled].sum(axis=1)
        header.append(f"{len(pooled)} other topics")
    docs = _pick_documents(frame[keep] if keep else frame, max_documents)
    shown = shown.loc[docs]
    shown.columns = header
    shown.index = labelled(docs, labels)
    width = min(MAX_WIDTH, 1.1 * shown.shape[1] + 4)
    ax = new_axes(ax, (width, height(shown.shape[0], per_row=0.42, extra=2.4)))
    sns.heatmap(shown, annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=1, cbar=False, ax=ax)
    title = "Share of each document's units per topic"
    if len(docs) < len(frame):
        title += (f"\n{len(docs)} of {len(frame):,} documents: where each topic is strongest")
    ax.set(xlabel="", ylabel="", title=title)
    ax.tick_params(axis="x", labelrotation=30)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    return finish(ax, save)


def plot_topic_map(unit_map: pd.DataFrame, *, max_topics: int = MAX_LEGEND - 1,
                   max_documents: int = 6, ax=None, save: str | Path | None = None):
    """Scatter of units in 2-D (``TopicModel.unit_map()``), coloured by topic.

    Parameters
    ----------
    unit_map : DataFrame
        ``x, y, topic, label, doc_id``.
    max_topics : int
        The largest topics get a colour and a legend entry; the rest are grey, pooled in one.
    max_documents : int
        With at most this many documents each gets its own marker (and a legend entry);
        beyond, markers would not be told apart, so all are circles.
    ax : matplotlib Axes, optional
    save : path, optional

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns
    from matplotlib.lines import Line2D

    sizes = unit_map["topic"].value_counts()
    ranked = sorted(sizes.index, key=lambda t: (t == -1, -sizes[t], t))
    named = [t for t in ranked if t != -1][:max_topics]
    colours = dict(zip(named, sns.color_palette(n_colors=max(1, len(named)))))
    docs = sorted(unit_map["doc_id"].unique(), key=str)
    markers = dict(zip(docs, "os^DvP")) if len(docs) <= min(max_documents, 6) else {}
    n = len(unit_map)
    size = float(np.clip(40 * np.sqrt(300 / max(n, 1)), 4, 40))
    ax = new_axes(ax, (8.5, 5.5))
    for doc in docs if markers else [None]:
        rows = unit_map if doc is None else unit_map[unit_map["doc_id"] == doc]
        ax.scatter(rows["x"], rows["y"], s=size, marker=markers.get(doc, "o"), linewidths=0,
                   c=[colours.get(t, OTHER) for t in rows["topic"]], alpha=0.85)
    labels = dict(zip(unit_map["topic"], unit_map["label"]))
    handles = [Line2D([], [], linestyle="", marker="o", color=colours[t],
                      label=f"{t}: {plain(labels[t], 36)}") for t in named]
    others = [t for t in ranked if t not in colours]
    if others:
        handles.append(Line2D([], [], linestyle="", marker="o", color=OTHER,
                              label=f"{count(len(others), 'other topic')} or outliers"
                              if -1 in others else count(len(others), "other topic")))
    handles += [Line2D([], [], linestyle="", marker=m, color="#444444", label=name)
                for (doc, m), name in zip(markers.items(), labelled(list(markers), width=30))]
    ax.set(xlabel="", ylabel="", xticks=[], yticks=[], title="Units in 2-D, coloured by topic")
    ax.legend(handles=handles, fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left",
              borderaxespad=0, frameon=False)
    return finish(ax, save)

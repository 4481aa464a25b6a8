"""Figures of topics: sizes, top terms, documents × topics, and a 2-D map of the units.

Each function takes the tidy frames a :class:`~convolab.TopicModel` produces, draws with
seaborn, and returns the matplotlib ``Axes`` (or ``Figure`` for faceted plots); ``save=`` writes
the figure too. Nothing here calls ``plt.show()``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._base import axes_or_new, finish


def plot_topic_sizes(topics: pd.DataFrame, *, ax=None, save: str | Path | None = None):
    """Horizontal bars: units per topic, labelled with the topic's label.

    Parameters
    ----------
    topics : DataFrame
        ``TopicModel.topics_`` (needs ``topic``, ``label``, ``size``).
    """
    import seaborn as sns

    ax = axes_or_new(ax, figsize=(7, 0.45 * len(topics) + 1.2))
    frame = topics.assign(name=topics["topic"].astype(str) + ": " + topics["label"])
    sns.barplot(frame, x="size", y="name", color="#4C72B0", ax=ax)
    ax.set(xlabel="units", ylabel="", title="Topic sizes")
    return finish(ax, save)


def plot_topic_terms(topic_terms: pd.DataFrame, topics: pd.DataFrame, *, n_terms: int = 8,
                     save: str | Path | None = None):
    """One small bar chart of c-TF-IDF weights per topic (a Figure of facets)."""
    import matplotlib.pyplot as plt

    ids = topics["topic"].tolist()
    cols = min(3, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.32 * n_terms * rows + 1.2 * rows),
                             squeeze=False)
    labels = dict(zip(topics["topic"], topics["label"]))
    for ax, topic in zip(axes.flat, ids):
        terms = topic_terms[topic_terms["topic"] == topic].nsmallest(n_terms, "rank")
        ax.barh(terms["term"][::-1], terms["weight"][::-1], color="#55A868")
        ax.set_title(f"{topic}: {labels[topic]}", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(ids):]:
        ax.axis("off")
    fig.tight_layout()
    return finish(fig, save)


def plot_document_topics(document_topics: pd.DataFrame, topics: pd.DataFrame | None = None, *,
                         ax=None, save: str | Path | None = None):
    """Heatmap of each document's share of units per topic.

    Parameters
    ----------
    document_topics : DataFrame
        ``TopicModel.document_topics()`` (documents × topics, rows sum to 1).
    topics : DataFrame, optional
        ``topics_``, to label the columns.
    """
    import seaborn as sns

    frame = document_topics.copy()
    if topics is not None:
        names = {t: f"{t}: {lab}" for t, lab in zip(topics["topic"], topics["label"])}
        frame.columns = [names.get(c, "outliers" if c == -1 else str(c)) for c in frame.columns]
    ax = axes_or_new(ax, figsize=(1.1 * frame.shape[1] + 4, 0.5 * frame.shape[0] + 2))
    sns.heatmap(frame, annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=1, cbar=False, ax=ax)
    ax.set(xlabel="", ylabel="", title="Share of each document's units per topic")
    ax.tick_params(axis="x", labelrotation=30)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    return finish(ax, save)


def plot_topic_map(unit_map: pd.DataFrame, *, ax=None, save: str | Path | None = None):
    """Scatter of units in 2-D (``TopicModel.unit_map()``), coloured by topic label."""
    import seaborn as sns

    ax = axes_or_new(ax, figsize=(7, 5.5))
    sns.scatterplot(unit_map, x="x", y="y", hue="label", style="doc_id", s=40, ax=ax)
    ax.set(xlabel="", ylabel="", xticks=[], yticks=[], title="Units in 2-D, coloured by topic")
    ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left", borderaxespad=0)
    return finish(ax, save)

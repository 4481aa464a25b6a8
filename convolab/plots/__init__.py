"""The plots layer: tidy frames in, matplotlib Axes/Figure out (seaborn), never ``plt.show()``.

One module per subject (:mod:`.corpus`, :mod:`.topics`, :mod:`.sentiment`) over shared
plumbing (:mod:`._base`: corpus text made inert for matplotlib; sizes and top/bottom selection
that keep a figure readable at 5 or at 4,000 essays). A plot draws what the analysis layers
return; it computes nothing of its own beyond layout (a missing summary is asked of the
sentiment layer, not re-derived).

May import: the analysis layers (corpus, embeddings, topics, sentiment). Never narrative,
report or cli, and no modelling library (scikit-learn, SciPy, UMAP, HDBSCAN, BERTopic, torch).
"""

from .compare import plot_group_shares, plot_group_sizes, plot_group_tone, plot_over_time
from .corpus import plot_document_lengths, plot_removed
from .sentiment import (
    plot_sentiment_arcs,
    plot_sentiment_by_method,
    plot_sentiment_distribution,
    plot_topic_sentiment,
)
from .topics import plot_document_topics, plot_topic_map, plot_topic_sizes, plot_topic_terms

__all__ = ["plot_document_lengths", "plot_removed",
           "plot_document_topics", "plot_topic_map", "plot_topic_sizes", "plot_topic_terms",
           "plot_sentiment_arcs", "plot_sentiment_by_method", "plot_sentiment_distribution",
           "plot_topic_sentiment",
           "plot_group_shares", "plot_group_sizes", "plot_group_tone", "plot_over_time"]

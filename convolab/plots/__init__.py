"""Plot functions: tidy frames in, matplotlib Axes/Figure out (seaborn), never ``plt.show()``."""

from .corpus import plot_document_lengths, plot_removed
from .sentiment import plot_sentiment_arcs, plot_sentiment_distribution, plot_topic_sentiment
from .topics import plot_document_topics, plot_topic_map, plot_topic_sizes, plot_topic_terms

__all__ = ["plot_document_lengths", "plot_removed",
           "plot_document_topics", "plot_topic_map", "plot_topic_sizes", "plot_topic_terms",
           "plot_sentiment_arcs", "plot_sentiment_distribution", "plot_topic_sentiment"]

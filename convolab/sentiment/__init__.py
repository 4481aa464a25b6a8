"""Sentence-level sentiment: scorers, aggregation with confidence intervals, evaluation.

Data flow: sentences → :class:`SentimentModel` scores (one row per sentence, ids back to the
corpus) → :func:`sentiment_by` / :func:`topic_sentiment` / :func:`sentiment_arc` tables →
plots in :mod:`convolab.plots.sentiment`. Whole essays are never scored as one string.
"""

from .aggregate import NEUTRAL_BAND, sentiment_arc, sentiment_by, topic_sentiment
from .evaluate import evaluate_sentiment
from .flags import FLAGS
from .scorers import METHODS, LearnedWeights, SentimentModel, load_weights, training_report

__all__ = ["SentimentModel", "sentiment_by", "topic_sentiment", "sentiment_arc",
           "evaluate_sentiment", "training_report", "load_weights", "LearnedWeights",
           "METHODS", "FLAGS", "NEUTRAL_BAND"]

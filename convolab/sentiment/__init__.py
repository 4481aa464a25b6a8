"""The sentiment layer: sentences in, tone out: scorers, aggregation with intervals, evaluation.

Data flow: sentences → :class:`SentimentModel` scores (one row per sentence, ids back to the
corpus) → :func:`sentiment_by` / :func:`topic_sentiment` / :func:`topic_document_tone` /
:func:`sentiment_arc` tables → plots in :mod:`convolab.plots.sentiment`. Whole essays are
never scored as one string. ``python -m convolab.sentiment.train`` retrains the learned scorer.

May import: :mod:`convolab.corpus` and :mod:`convolab.embeddings`. Never the topics layer (a
fitted topic model is taken as an argument, by its tables), and never narrative, plots, report
or cli.
"""

from .aggregate import (
    NEUTRAL_BAND,
    sentiment_arc,
    sentiment_by,
    topic_document_tone,
    topic_sentiment,
)
from .evaluate import evaluate_sentiment
from .flags import FLAGS
from .scorers import (
    METHODS,
    LearnedWeights,
    SentimentModel,
    document_aggregate_report,
    emobank_document_report,
    load_weights,
    neutral_check_report,
    training_report,
)

__all__ = ["SentimentModel", "sentiment_by", "topic_sentiment", "topic_document_tone",
           "sentiment_arc", "evaluate_sentiment", "training_report", "load_weights",
           "LearnedWeights", "METHODS", "FLAGS", "NEUTRAL_BAND", "neutral_check_report",
           "document_aggregate_report", "emobank_document_report"]

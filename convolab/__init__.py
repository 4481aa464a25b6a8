"""convolab: topics and tone in essays on service, customers and conversation.

The public API, in the order data flows::

    corpus = load_corpus("corpus")                      # corpus → units
    tm = TopicModel(random_state=0).fit(corpus)         # units → embeddings → topics
    scores = SentimentModel().score(corpus)             # sentences → tone
    topic_sentiment(tm, scores)                         # topics × tone, with evidence
    compare(tm, scores, corpus, by="author")            # groups: shares and tone, tested

The layers, each a sub-package that imports only those below it (checked by import-linter, see
``[tool.importlinter]`` in ``pyproject.toml``): :mod:`convolab.corpus` →
:mod:`convolab.embeddings` → :mod:`convolab.topics` | :mod:`convolab.sentiment` →
:mod:`convolab.compare` → :mod:`convolab.narrative` | :mod:`convolab.plots` → :mod:`convolab.report` →
:mod:`convolab.cli`. This module is the one exception: it re-exports from every layer.
"""

from . import narrative
from .cluster import local_cluster
from .compare import compare, over_time
from .corpus import Corpus, load_corpus
from .embeddings import embed, get_embedder
from .report import ReportError, render_reports
from .sentiment import (
    SentimentModel,
    evaluate_sentiment,
    sentiment_arc,
    sentiment_by,
    topic_sentiment,
    training_report,
)
from .topics import METRICS as TOPIC_METRICS
from .topics import TopicModel, shared_evaluation, shared_topic_model

__version__ = "0.1.0"

__all__ = ["Corpus", "load_corpus", "embed", "get_embedder", "TopicModel", "TOPIC_METRICS",
           "shared_topic_model", "shared_evaluation",
           "SentimentModel", "sentiment_by", "topic_sentiment", "sentiment_arc",
           "evaluate_sentiment", "training_report", "compare", "over_time", "render_reports",
           "ReportError", "local_cluster", "narrative", "__version__"]

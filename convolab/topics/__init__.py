"""The topics layer: units and their embeddings in, themes out, as tidy tables.

:class:`TopicModel` (:mod:`.model`) is the scikit-learn-style estimator; :mod:`.clustering`
chooses and runs UMAP + HDBSCAN (or k-means) at any corpus size; :mod:`.representation` turns
clusters into c-TF-IDF terms and labels with a real BERTopic; :mod:`.metrics` says how far to
trust the topics (coherence, diversity, outliers, stability); :mod:`.shared` fits one model per
report and lets every notebook of that report load it.

May import: :mod:`convolab.corpus` and :mod:`convolab.embeddings`. Never the sentiment layer
(the two are independent; :func:`convolab.topic_sentiment` joins their tables) and never
narrative, plots, report or cli.
"""

from .metrics import METRICS
from .model import TopicModel
from .shared import shared_evaluation, shared_topic_model

__all__ = ["TopicModel", "METRICS", "shared_evaluation", "shared_topic_model"]

"""Topics as places in embedding space: their centroids, and each unit's pull towards them.

Every step that needs a topic's centre (outliers joining their nearest topic, the consensus
settling units of too-small groups, ``transform()`` placing new text, the soft assignment in
``assignments_``) uses these, so all of them agree on what "nearest topic" means. Plain NumPy;
imports nothing else of convolab, so the clustering modules can all build on it.
"""

from __future__ import annotations

import numpy as np

#: Temperature of the softmax over centroid similarities that gives each unit's probability.
SOFTMAX_TEMPERATURE = 0.1


def soft_assign(embeddings: np.ndarray, labels: np.ndarray, means: np.ndarray,
                topic_ids) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's cosine similarity to its topic's centroid and its softmax probability.

    ``means`` are :func:`centroids` of ``topic_ids``; outliers (-1) get NaN and 0.
    """
    sims = embeddings @ means.T
    logits = sims / SOFTMAX_TEMPERATURE
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    col = np.searchsorted(topic_ids, np.where(labels == -1, topic_ids[0], labels))
    rows = np.arange(len(embeddings))
    similarity = np.where(labels == -1, np.nan, sims[rows, col])
    probability = np.where(labels == -1, 0.0, probs[rows, col])
    return similarity, probability


def nearest(vectors: np.ndarray, means: np.ndarray, topic_ids) -> np.ndarray:
    """The id (from ``topic_ids``) of each vector's most similar centroid in ``means``."""
    return np.asarray(topic_ids)[(vectors @ means.T).argmax(1)]


def centroids(embeddings: np.ndarray, labels: np.ndarray, topic_ids) -> np.ndarray:
    """Each topic's mean embedding, scaled to unit length (one row per id in ``topic_ids``)."""
    return np.stack([_unit_length(embeddings[labels == t].mean(0)) for t in topic_ids])


def _unit_length(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector

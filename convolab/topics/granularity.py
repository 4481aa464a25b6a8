"""How coarse the topics are: join density topics into broad themes where the corpus says so.

HDBSCAN finds every dense region, so a corpus with a few broad themes, each with sub-themes
(news: sport → football, tennis, rugby), comes out as the sub-themes. Merging near centroids
(:func:`convolab.topics.clustering.merge_near_topics`) only joins topics that are nearly the
same. Here the topics' hierarchy (average linkage of their centroids, cosine on mean-centred
embeddings, the merge step's own geometry; SciPy's ``linkage``) is cut at every level, and the
coarsest cut whose units are separated as well as the best cut's (silhouette, the criterion
k-means' ``k`` is chosen by, within :data:`TOLERANCE`) is kept when it is coarser than the
topics found and separates the units clearly (silhouette ≥ :data:`MIN_SILHOUETTE`).
BERTopic's ``hierarchical_topics`` / ``reduce_topics`` link the topics' c-TF-IDF word vectors after they are represented and need
the number of topics to be given; here the choice is made before representation, in the same
embedding space the topics were found in, and the number comes from the units themselves.

Measured on ``benchmarks/bench_validity.py``'s labelled proxies (consensus default, three
seeds): 480 news-like articles (5 classes of 4 sub-themes) went from 9 topics (NMI 0.81) to 5
(NMI 0.90) with MiniLM; six synthetic subjects from 8 topics to 7 (NMI 0.92 both); the UCI
documents kept their 3. With static embeddings the news proxy lost: 5-6 topics (NMI 0.78)
became 4 (0.72), entertainment and sport joined. Sentence and paragraph units never separate
that clearly (best silhouettes 0.05-0.10: the seed corpus 0.07, news sentences 0.05), and
there the best cut was two topics that lost most of the themes (the sentences of 240 news
articles: NMI 0.45 → 0.26), so below the threshold the topics are left as they are. The cost
is a few seconds: one n² distance matrix on at most :data:`SAMPLE` units, a silhouette per cut.
"""

from __future__ import annotations

import numpy as np

#: A coarser cut replaces the topics only if its silhouette reaches this. Between the
#: sentence/paragraph proxies' best cuts (≤ 0.10) and the document proxies' (0.13–0.25).
MIN_SILHOUETTE = 0.1
#: Cuts whose silhouettes differ by less than this count as tied, and the coarsest is kept:
#: on 480 news-like articles the five-class cut and an eight-topic one both scored 0.128, and
#: the seed moved one cut's score by up to 0.003.
TOLERANCE = 0.005
#: Silhouettes are computed on a fixed sample of this many units (an n² distance matrix).
SAMPLE = 3000


def coarsest_clear_cut(embeddings: np.ndarray, labels: np.ndarray,
                       min_silhouette: float = MIN_SILHOUETTE
                       ) -> tuple[np.ndarray, float | None, float | None]:
    """Join topics along their hierarchy when a coarser cut separates the units as clearly.

    "As clearly": the coarsest cut whose silhouette is within :data:`TOLERANCE` of the best
    cut's (the topics as given included), and at least ``min_silhouette``.

    Parameters
    ----------
    embeddings : ndarray
        One row per unit.
    labels : ndarray
        Each unit's topic, -1 for outliers (left as they are, and out of the silhouettes).
    min_silhouette : float
        The least silhouette a coarser cut must reach to be kept.

    Returns
    -------
    (ndarray, float or None, float or None)
        The labels (joined topics take the smallest id among them), the silhouette of the
        topics as given and of the cut kept; both None when there was nothing to compare
        (fewer than three topics). The labels are unchanged unless the kept cut is coarser.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import pairwise_distances, silhouette_score

    ids = sorted(set(labels.tolist()) - {-1})
    if len(ids) < 3:
        return labels, None, None
    centred, means = centred_means(embeddings, labels, ids)
    tree = linkage(means, method="average", metric="cosine")
    rows = np.flatnonzero(labels >= 0)
    if len(rows) > SAMPLE:  # a fixed sample: the choice must not depend on the seed
        rows = np.sort(np.random.default_rng(0).choice(rows, SAMPLE, replace=False))
    distances = pairwise_distances(centred[rows], metric="cosine")
    position = {t: i for i, t in enumerate(ids)}
    index = np.array([position[t] for t in labels[rows].tolist()])

    def score(groups: np.ndarray) -> float:
        found = groups[index]
        if len(set(found.tolist())) < 2:
            return -1.0
        return float(silhouette_score(distances, found, metric="precomputed"))

    cuts = {k: fcluster(tree, k, criterion="maxclust") for k in range(2, len(ids))}
    cuts[len(ids)] = np.arange(len(ids))  # the topics as given
    scores = {k: score(groups) for k, groups in cuts.items()}
    given, best = scores[len(ids)], max(scores.values())
    # Parsimony: the coarsest cut among those within TOLERANCE of the best.
    k = min(k for k, s in scores.items() if s >= max(best - TOLERANCE, min_silhouette)) \
        if best >= min_silhouette else len(ids)
    if k == len(ids):
        return labels, given, given
    return join(labels, ids, cuts[k]), given, scores[k]


def centred_means(embeddings: np.ndarray, labels: np.ndarray,
                  ids) -> tuple[np.ndarray, np.ndarray]:
    """The embeddings centred on the corpus mean, and each topic's mean of them.

    Sentence embeddings share a large common direction (static ones most), which makes every
    pair of raw centroids look alike; centred, the topics' own directions show.
    """
    centred = embeddings - embeddings.mean(0)
    return centred, np.stack([centred[labels == t].mean(0) for t in ids])


def join(labels: np.ndarray, ids, groups) -> np.ndarray:
    """Relabel topics ``ids`` by their ``groups``: each group takes its smallest id; -1 stays."""
    first = {g: min(t for t, h in zip(ids, groups) if h == g) for g in set(groups)}
    target = {t: first[g] for t, g in zip(ids, groups)}
    return np.array([target.get(t, -1) for t in labels.tolist()])

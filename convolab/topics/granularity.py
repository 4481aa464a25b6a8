"""How coarse the topics are: join density topics into broad themes where the corpus says so.

HDBSCAN finds every dense region, so a corpus with a few broad themes, each with sub-themes
(news: sport → football, tennis, rugby), comes out as the sub-themes. Merging near centroids
(:func:`convolab.topics.clustering.merge_near_topics`) only joins topics that are nearly the
same. Here the topics' hierarchy (average linkage of their centroids, cosine on mean-centred
embeddings, the merge step's own geometry; SciPy's ``linkage``) is cut where its merge
distances jump the most, relative to the merge below (the classic "largest jump in fusion
level" stopping rule): sub-themes of one theme join at similar, short distances, and the first
join across themes costs a step more. A cut is only a candidate if its units are separated at
least as clearly as the topics found (silhouette within :data:`TOLERANCE`) and clearly at all
(silhouette ≥ :data:`MIN_SILHOUETTE`). BERTopic's ``hierarchical_topics`` / ``reduce_topics``
link the topics' c-TF-IDF word vectors after they are represented and need the number of
topics to be given; here the choice is made before representation, in the same embedding space
the topics were found in, and the number comes from the units themselves.

Why the jump, not the best silhouette: silhouettes of the cuts are nearly flat (480 news-like
articles: 0.12-0.13 for every cut from 4 to 9 topics), and where one theme stands apart the
best silhouette is two topics, that theme against the rest (the same articles with the classes
sized 96/72/48/48/24: silhouette 0.143 for 2 topics, NMI 0.57; the jump gives 5, NMI 0.88).
Measured with ``benchmarks/bench_validity.py`` (three seeds; NMI against the classes), MiniLM:
the news proxy 9 topics (NMI 0.81) → 5 (0.90); with uneven classes 7 → 5 (0.86 → 0.88), where
the best-silhouette rule this module first had gave 2 (0.57); with uneven sub-themes 6 → 5/4/4
(0.82 → 0.81: a topic found there mixes two classes, and no cut can mend that); six synthetic
subjects 8 → 7 (0.92 both); the UCI documents keep their 3. Static embeddings separate news less
well: the join lost classes on the plain and the uneven-sub-theme variants (0.78 → 0.65,
0.81 → 0.78) and gained nothing on the third (0.85), so :class:`~convolab.TopicModel`'s
``coarsen="auto"`` joins with MiniLM only. Sentence and paragraph units never separate that
clearly (silhouettes 0.04-0.07 on the seed corpus and the UCI sentences), so they are left as
they are. The cost is a few seconds: one n² distance matrix on at most :data:`SAMPLE` units,
a silhouette per cut.
"""

from __future__ import annotations

import numpy as np

#: A coarser cut replaces the topics only if its silhouette reaches this. Between the
#: sentence/paragraph proxies' best cuts (≤ 0.10) and the document proxies' (0.12–0.25).
MIN_SILHOUETTE = 0.1
#: A cut whose silhouette is at most this below the topics' own still separates the units as
#: clearly (the seed moved one cut's silhouette by up to 0.003 on the news proxy).
TOLERANCE = 0.005
#: Silhouettes are computed on a fixed sample of this many units (an n² distance matrix).
SAMPLE = 3000


def natural_cut(embeddings: np.ndarray, labels: np.ndarray,
                min_silhouette: float = MIN_SILHOUETTE
                ) -> tuple[np.ndarray, float | None, float | None]:
    """Join topics along their hierarchy, at its largest relative jump in merge distance.

    Only cuts into three or more topics whose silhouette is at least ``min_silhouette`` and
    within :data:`TOLERANCE` of the topics' own are candidates; without one, the topics are
    left as they are.

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
        (fewer than three topics). The labels are unchanged unless a coarser cut is kept.
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

    n = len(ids)
    given = score(np.arange(n))
    heights = np.maximum(tree[:, 2], 1e-12)
    # After the first i + 1 merges, n - i - 1 topics remain; the next merge is the jump. Not
    # down to 2 topics: centred on the corpus mean, the last two groups' means point in
    # opposite directions whatever they hold, so the last merge always looks like a jump.
    jumps = {n - i - 1: heights[i + 1] / heights[i] for i in range(n - 3)}
    cuts = {k: fcluster(tree, k, criterion="maxclust") for k in jumps}
    scores = {k: score(groups) for k, groups in cuts.items()}
    clear = [k for k, s in scores.items() if s >= max(given - TOLERANCE, min_silhouette)]
    if not clear:
        return labels, given, given
    k = max(clear, key=lambda k: (jumps[k], -k))
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

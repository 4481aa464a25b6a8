"""Topics that do not depend on the seed: a consensus over several seeded clustering runs.

UMAP's layout depends on its seed, and on a corpus with a few weakly separated themes (five
essays' sentences) HDBSCAN on two layouts can split the same sentences differently: the seed
corpus's topics agreed across seeds at a mean adjusted Rand index of 0.54. Evidence
accumulation (Fred & Jain, 2005) removes that: cluster ``n_init`` times with seeds drawn from
``random_state``, count how often each pair of units shares a topic (the co-association
matrix), and group units that shared a topic in most runs (average linkage, cut at
:data:`AGREEMENT`). Groups smaller than the run's minimum topic size are not topics; their
units join the nearest topic centroid (or stay outliers with ``reduce_outliers=False``).

Measured on ``benchmarks/bench_validity.py``'s proxies (see :data:`RUNS`). Also tried, and
measured less stable at the same cost: the medoid run (the single run agreeing best with the
others) and a consensus over topic centroids instead of units. The matrix costs ``n²`` floats,
so above :data:`MAX_UNITS` units one run is used.
"""

from __future__ import annotations

import numpy as np

#: Runs in the consensus up to 1,000 units. On the seed corpus (159 sentences, MiniLM)
#: stability across seeds was 0.54 with one run, 0.74 with 8, 0.84 with 16 and 0.91 with 24.
RUNS = 24
#: Above 1,000 units the runs fall as 24,000 / n (each costs more), to no fewer than this: on
#: 2,963 UCI sentences 8 runs raised stability from 0.78 to 0.88 (MiniLM) and 0.50 to 0.77
#: (static) at unchanged agreement with the three source classes.
MIN_RUNS = 8
#: Two units share a consensus topic when, on average linkage, they shared a topic in more than
#: this share of the runs (a majority).
AGREEMENT = 0.5
#: Above this many units the n x n co-association matrix (and the runs) cost too much.
MAX_UNITS = 4000


def n_runs(n_init: int | str, n_units: int) -> int:
    """The number of clustering runs for ``n_init`` (``"auto"``: :data:`RUNS` up to 1,000
    units, then fewer down to :data:`MIN_RUNS` at :data:`MAX_UNITS`, then 1)."""
    if n_init != "auto":
        return int(n_init)
    if n_units > MAX_UNITS:
        return 1
    return int(np.clip(RUNS * 1000 // max(n_units, 1), MIN_RUNS, RUNS))


def run_seeds(random_state: int | None, runs: int) -> list[int]:
    """Seeds of the runs, drawn from ``random_state`` (fresh ones for ``None``)."""
    return [int(s) for s in np.random.SeedSequence(random_state).generate_state(runs)]


def co_association(label_runs: list[np.ndarray]) -> np.ndarray:
    """Share of runs in which each pair of units shared a topic (outliers share none)."""
    n = len(label_runs[0])
    co = np.zeros((n, n), dtype=np.float32)
    for labels in label_runs:
        ids, inverse = np.unique(labels, return_inverse=True)
        onehot = np.zeros((n, len(ids)), dtype=np.float32)
        onehot[np.arange(n), inverse] = 1
        onehot[:, ids == -1] = 0
        co += onehot @ onehot.T
    return co / len(label_runs)


def combine(label_runs: list[np.ndarray], embeddings: np.ndarray, min_size: int,
            reduce_outliers: bool = True) -> np.ndarray:
    """The consensus topics of several runs' labels (see the module docstring).

    Parameters
    ----------
    label_runs : list of ndarray
        Each run's topic per unit (-1 for an outlier).
    embeddings : ndarray
        The units' embeddings, for moving units of too-small groups to the nearest topic.
    min_size : int
        Groups smaller than this are not topics.
    reduce_outliers : bool
        Move units of too-small groups to the nearest topic (else they are outliers, -1).

    Returns
    -------
    ndarray
        Topic per unit, numbered from 0 by first appearance; -1 for outliers.
    """
    from sklearn.cluster import AgglomerativeClustering

    from .clustering import centroids

    distance = 1 - co_association(label_runs)
    np.fill_diagonal(distance, 0)
    groups = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=1 - AGREEMENT).fit(distance).labels_
    sizes = np.bincount(groups)
    kept = [g for g in dict.fromkeys(groups.tolist()) if sizes[g] >= min_size]
    if len(kept) < 2:  # no majority structure: fall back to the largest groups
        kept = sorted(range(len(sizes)), key=lambda g: (-sizes[g], g))[:2]
    settled = np.isin(groups, kept)
    if not settled.all():
        if reduce_outliers:
            means = centroids(embeddings, groups, kept)
            nearest = np.asarray(kept)[(embeddings[~settled] @ means.T).argmax(1)]
            groups = groups.copy()
            groups[~settled] = nearest
        else:
            groups = np.where(settled, groups, -1)
    number = {g: i for i, g in enumerate(kept)}
    return np.array([number.get(g, -1) for g in groups.tolist()])

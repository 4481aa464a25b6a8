"""Topics that do not depend on the seed, nor on the last bits of the embeddings: a consensus
over as many seeded clustering runs as it takes to settle.

UMAP's layout depends on its seed and, chaotically, on the last bits of its input, and on a
corpus with a few weakly separated themes (five essays' sentences) HDBSCAN on two layouts can
split the same sentences differently. Evidence accumulation (Fred & Jain, 2005) averages that
away: cluster many times with seeds drawn from ``random_state``, count how often each pair of
units shares a topic (the co-association matrix), and group units that shared a topic in most
runs (average linkage, cut at :data:`AGREEMENT`). Groups smaller than the run's minimum topic
size are not topics; their units join the nearest topic centroid (or stay outliers with
``reduce_outliers=False``).

**How many runs.** The consensus is an average, so its own noise falls with the number of runs,
and it is only seed-free once that noise is small. After :data:`CHECKS` runs (16, 32, 64, 128)
the runs are split in two halves three ways (even and odd, first and second, a seeded
shuffle); when the consensuses of the halves agree at an adjusted Rand index of at least
:data:`SETTLED` for all three splits, the consensus of all runs (steadier still) is taken;
otherwise runs go on up to :func:`max_runs`. A corpus with clear themes stops at 16; a fuzzy
one runs to the cap. Float rounding that differs between CPUs (MiniLM's kernels, UMAP's
optimisation) moves each UMAP layout as much as a new seed does, so a consensus that no longer
depends on the seed no longer depends on the machine either.

Measured with ``benchmarks/bench_validity.py --nudge`` and, on the seed corpus (159 sentences,
MiniLM), on one pool of 1,200 runs cut into disjoint consensuses (which differ as two
machines' fits do): consensuses of 24 runs (the earlier fixed schedule) agreed at a mean ARI of
0.85 (lowest 0.60), of 96 runs 0.94 (0.89), of 240 runs 0.99 (0.97). Sixty synthetic essays on
six subjects (756 sentences) and the UCI documents (897) agreed at 1.00 from 8 runs on. With
``--nudge`` (seed 0 against three nudged copies, mean ARI; fixed 24 runs → now): seed corpus
0.82 → 0.97 (240 runs), news 0.95 → 0.99 (64), uneven sub-themes 0.75 → 0.99 (192); the 2,963
UCI sentences stay at 0.89 (8 → 16 runs: the budget). Clustering the seed corpus costs 27 s
cold instead of 2.7 s (2 s once its 240 reductions are cached). Stopping
at the first split that agreed at 0.95 stopped the seed corpus's runs early by chance (as few
as 24) and left fits agreeing at 0.90; three splits at 0.98, checked at doublings, did not.
Also tried: cutting the co-association tree in the widest gap of its merge heights near 0.5
instead of at 0.5 (no steadier), a medoid run and a consensus of topic centroids (less
stable at the same cost), and UMAP with 200 epochs instead of 500 (a third of the cost per
run, but noisier runs: no fewer were needed). The matrix costs ``n²`` floats, so above
:data:`MAX_UNITS` units one run is used.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .geometry import centroids, nearest

#: The consensus is checked after this many runs, when fewer than :func:`max_runs`.
CHECKS = (16, 32, 64, 128)
#: The consensus has settled when the halves of the runs agree at this adjusted Rand index,
#: split every one of three ways.
SETTLED = 0.98
#: The most runs, for the smallest corpora (about 0.12 s each at 159 units).
MAX_RUNS = 240
#: Above :data:`MAX_RUNS`' range, runs are capped by this many unit-runs (a run's cost grows
#: with the units): 200 runs at 240 units, 48 at 1,000, 12 at 4,000.
BUDGET = 48_000
#: The fewest runs up to :data:`MAX_UNITS`: on 2,963 UCI sentences 8 runs raised stability from
#: 0.78 to 0.88 (MiniLM) and 0.50 to 0.77 (static) at unchanged agreement with the classes.
MIN_RUNS = 8
#: Two units share a consensus topic when, on average linkage, they shared a topic in more than
#: this share of the runs (a majority).
AGREEMENT = 0.5
#: Above this many units the n x n co-association matrix (and the runs) cost too much.
MAX_UNITS = 4000


def max_runs(n_init: int | str, n_units: int) -> int:
    """The most clustering runs for ``n_init`` (an int: exactly that many; ``"auto"``:
    :data:`BUDGET` / ``n_units`` between :data:`MIN_RUNS` and :data:`MAX_RUNS`, and one run
    above :data:`MAX_UNITS` units)."""
    if n_init != "auto":
        return int(n_init)
    if n_units > MAX_UNITS:
        return 1
    return int(np.clip(BUDGET // max(n_units, 1), MIN_RUNS, MAX_RUNS))


def settle(run: Callable[[int], tuple], seeds: list[int], embeddings: np.ndarray,
           min_size: int, reduce_outliers: bool = True, adaptive: bool = True
           ) -> tuple[np.ndarray, list[tuple], float | None]:
    """Run ``run(seed)`` seed by seed until the consensus settles (see the module docstring).

    Parameters
    ----------
    run : callable
        One clustering run for a seed; its result's first item is the units' labels.
    seeds : list of int
        The seeds, in order; at most all of them are run.
    embeddings, min_size, reduce_outliers
        As for :func:`combine`.
    adaptive : bool
        Stop at the first of :data:`CHECKS` where the consensus has settled; ``False`` runs
        every seed.

    Returns
    -------
    (ndarray, list, float or None)
        The consensus of every run made, the runs' results, and the least agreement (ARI) of
        the halves' consensuses at the last check (None when none was made).
    """
    results: list[tuple] = []
    agreement = None
    for stop in [c for c in CHECKS if adaptive and c < len(seeds)] + [len(seeds)]:
        results += [run(seed) for seed in seeds[len(results):stop]]
        if stop >= CHECKS[0]:
            agreement = halves_agreement([r[0] for r in results], embeddings, min_size,
                                         reduce_outliers)
            if agreement >= SETTLED:
                break
    labels = combine([r[0] for r in results], embeddings, min_size, reduce_outliers)
    return labels, results, agreement


def halves_agreement(label_runs: list[np.ndarray], embeddings: np.ndarray, min_size: int,
                     reduce_outliers: bool = True) -> float:
    """The least ARI between the consensuses of two halves of the runs, split three ways:
    even and odd, first and second, and a shuffle seeded by the number of runs."""
    from sklearn.metrics import adjusted_rand_score

    runs = np.arange(len(label_runs))
    half = len(runs) // 2
    shuffled = np.random.default_rng(len(runs)).permutation(runs)
    splits = [(runs[0::2], runs[1::2]), (runs[:half], runs[half:]),
              (shuffled[:half], shuffled[half:])]
    return min(float(adjusted_rand_score(*(
        combine([label_runs[i] for i in part], embeddings, min_size, reduce_outliers)
        for part in split))) for split in splits)


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
            groups = groups.copy()
            groups[~settled] = nearest(embeddings[~settled],
                                       centroids(embeddings, groups, kept), kept)
        else:
            groups = np.where(settled, groups, -1)
    number = {g: i for i, g in enumerate(kept)}
    return np.array([number.get(g, -1) for g in groups.tolist()])

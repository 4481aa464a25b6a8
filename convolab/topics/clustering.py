"""Units' embeddings → topics: UMAP and a clustering whose parameters suit the corpus's size.

BERTopic's defaults (15 UMAP neighbours, HDBSCAN ``min_cluster_size=10``) are tuned for
thousands of documents. On a few essays they fail outright (UMAP's spectral initialisation needs
more points than components; HDBSCAN needs more points than its cluster size) or label every
unit an outlier. Here every parameter scales with the number of units ``n``, and when density
clustering finds fewer than two topics, puts most units in one topic, or (below 1,000 units)
leaves more than half of them unassigned, k-means takes over with ``k`` chosen by the
silhouette score on the UMAP space (the stated criterion). In larger corpora HDBSCAN's outliers
are moved to their nearest topic instead (BERTopic's usual remedy), and the share before that
is reported. Density clustering then over-splits a corpus with a few broad themes (one theme
told in several registers becomes several topics), so topics whose centroids are near are
merged (:func:`merge_near_topics`: scikit-learn's agglomerative clustering of the centroids).
:func:`cluster` runs all of it; BERTopic then only represents the topics
(:mod:`convolab.topics.representation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import consensus, granularity
from .geometry import centroids, nearest
from .reduction import exact_knn, reduce

#: Below this many units no clustering result means anything; the error says what to do.
MIN_UNITS = 8
#: In a small corpus, HDBSCAN results leaving more units than this unassigned are replaced by
#: k-means. In a large one a high outlier share is usual and the topics found are real, so the
#: outliers are reassigned instead (BERTopic's usual remedy).
MAX_DENSITY_OUTLIERS = 0.5
SMALL_CORPUS = 1000
#: Above this many units, UMAP and BERTopic run in low-memory mode and the vocabulary is capped.
LARGE_CORPUS = 20_000
#: Above this many units, UMAP and the clusterer see a seeded sample of this many and every
#: other unit joins its nearest topic centroid (the rule outliers and transform() follow). UMAP
#: is the cost that grows fastest: at 100,000 static-embedded sentences its neighbour search
#: and layout took minutes on two cores, and near-duplicate text (the same sentence in many
#: documents) splits its graph into thousands of components, whose layout took 10 GB.
MAX_CLUSTERED_UNITS = LARGE_CORPUS
#: ...and so are results where one topic swallows more than this share of the units.
MAX_TOPIC_SHARE = 0.6
#: Topics whose centroids (of mean-centred embeddings) are closer than this cosine distance, on
#: average linkage, are merged. Chosen on labelled proxies (benchmarks/bench_validity.py): 0.5
#: changed little, 0.7 raised NMI or left it equal on every proxy and both backends, 0.9
#: merged distinct subjects (NMI 0.92 → 0.86 on six synthetic subjects with MiniLM).
MERGE_DISTANCE = 0.7


@dataclass(frozen=True)
class ClusterPlan:
    """Parameters chosen for ``n`` units."""

    n_neighbors: int
    n_components: int
    min_cluster_size: int
    min_samples: int
    low_memory: bool


def plan(n: int, min_topic_size: int | None = None) -> ClusterPlan:
    """Scale UMAP/HDBSCAN parameters with the number of units.

    ``n_neighbors`` grows as n/15 between 3 and 15 (15 is BERTopic's default, reached at 225
    units): a neighbourhood much larger than a theme's size blurs themes together.
    ``min_cluster_size`` grows as sqrt(n)/2 between 4 and 200, so five essays' paragraphs can
    form themes of five while a hundred thousand documents do not fragment into thousands (on
    the seed corpus, smaller sizes gave two to twelve topics depending on the seed; capped at
    15, 100,000 sentences gave 2,165 topics).
    """
    n_neighbors = int(np.clip(n // 15, 3, 15))
    size = min_topic_size or int(np.clip(np.ceil(np.sqrt(n) / 2), 4, 200))
    return ClusterPlan(
        n_neighbors=min(n_neighbors, n - 1),
        n_components=int(min(5, n - 3)),
        min_cluster_size=size,
        min_samples=max(2, size // 3),
        low_memory=n > LARGE_CORPUS,
    )


def check_size(n: int, unit: str) -> None:
    """Raise a ValueError that says what to do when there are too few units to cluster."""
    if n < MIN_UNITS:
        finer = {"document": "unit='paragraph' or unit='sentence'", "paragraph": "unit='sentence'",
                 "sentence": "more documents"}[unit]
        raise ValueError(f"Only {n} {unit} units to model; topic modelling needs at least "
                         f"{MIN_UNITS}. Use {finer} (or add documents).")


def check_settings(params: dict, n_units: int | None = None) -> None:
    """Raise a one-line ValueError, naming the setting, for a TopicModel setting that cannot work.

    ``params`` are :meth:`TopicModel.get_params`; with ``n_units``, ``n_topics`` is also checked
    against the corpus (k-means cannot make more clusters than there are points).
    """
    from ..corpus import UNITS
    from ..embeddings import BACKENDS

    def integer(value) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    choices = {"unit": UNITS, "embedding": BACKENDS, "clustering": ("auto", "hdbscan", "kmeans")}
    for name, allowed in choices.items():
        if params[name] not in allowed:
            raise ValueError(f"{name}={params[name]!r} is not supported; use one of "
                             f"{', '.join(map(repr, allowed))}.")
    n, unit = params["n_topics"], params["unit"]
    if n is not None and (not integer(n) or n < 1):
        raise ValueError(f"n_topics={n!r}: give a whole number of topics of at least 1, or None "
                         "to let the clustering choose.")
    if n is not None and n_units is not None and n > n_units:
        raise ValueError(f"n_topics={n} is more than the {n_units} {unit} units to model; ask "
                         f"for at most {n_units} topics, or use a finer unit or more documents.")
    size = params["min_topic_size"]
    if size is not None and (not integer(size) or size < 2):
        raise ValueError(f"min_topic_size={size!r}: a topic needs at least 2 units; give 2 or "
                         "more, or None to scale it with the corpus.")
    if not isinstance(params["reduce_outliers"], (bool, np.bool_)):
        raise ValueError(f"reduce_outliers={params['reduce_outliers']!r}: give True or False.")
    if not (isinstance(params["coarsen"], (bool, np.bool_)) or params["coarsen"] == "auto"):
        raise ValueError(f"coarsen={params['coarsen']!r}: give True, False or 'auto'.")
    if not integer(params["n_terms"]) or params["n_terms"] < 1:
        raise ValueError(f"n_terms={params['n_terms']!r}: give at least 1 term per topic.")
    seed = params["random_state"]
    if seed is not None and (not integer(seed) or not 0 <= seed < 2**32):
        raise ValueError(f"random_state={seed!r}: give an integer from 0 to 2**32 - 1, or None "
                         "for fresh randomness.")


def map_2d(vectors: np.ndarray, random_state: int | None, cache_dir=None) -> np.ndarray:
    """A 2-D UMAP of ``vectors`` for plotting (not the clustering's own reduction), cached
    like the clustering's (:func:`convolab.topics.reduction.reduce`)."""
    from ..embeddings import import_tqdm_quietly

    import_tqdm_quietly()
    from umap import UMAP

    n = len(vectors)
    umap = UMAP(n_components=2, n_neighbors=min(15, max(2, n // 10)), min_dist=0.1,
                metric="cosine", random_state=random_state, n_jobs=1,
                init="spectral" if n > 50 else "random")
    return reduce(vectors, umap, cache_dir)


def make_umap(p: ClusterPlan, n: int, random_state: int):
    from ..embeddings import import_tqdm_quietly

    import_tqdm_quietly()
    from umap import UMAP

    # Spectral initialisation solves an eigenproblem that fails on tiny inputs; random is safe.
    return UMAP(n_neighbors=p.n_neighbors, n_components=p.n_components, min_dist=0.0,
                metric="cosine", random_state=random_state, low_memory=p.low_memory,
                init="spectral" if n > 50 else "random", n_jobs=1)


def make_hdbscan(p: ClusterPlan, selection: str = "eom"):
    from hdbscan import HDBSCAN

    return HDBSCAN(min_cluster_size=p.min_cluster_size, min_samples=p.min_samples,
                   metric="euclidean", cluster_selection_method=selection, prediction_data=False)


def choose_clusterer(reduced: np.ndarray, p: ClusterPlan, method: str, random_state: int,
                     n_topics: int | None = None):
    """Return ``(clusterer, description)`` for the reduced embeddings.

    ``method`` is ``"auto"``, ``"hdbscan"`` or ``"kmeans"``. ``"auto"`` tries HDBSCAN with
    its default excess-of-mass selection, then with leaf selection (which splits the giant
    cluster excess-of-mass tends to pick when themes overlap), then falls back to k-means.
    An HDBSCAN that ``"auto"`` accepts comes back already fitted on ``reduced``.
    """
    if n_topics is not None:
        return _kmeans(n_topics, random_state), f"k-means with k={n_topics} (requested)"
    if method == "hdbscan":
        return make_hdbscan(p), _describe(p, "eom")
    if method == "kmeans":
        reason = "k-means requested"
    elif method == "auto":
        for selection in ("eom", "leaf"):
            # Returned fitted: HDBSCAN is deterministic, and at 100,000 units a second fit
            # on the same points costs as much as the first.
            fitted = make_hdbscan(p, selection).fit(reduced)
            reason = _judge(fitted.labels_)
            if reason is None:
                return fitted, _describe(p, selection)
    else:
        raise ValueError(f"clustering must be 'auto', 'hdbscan' or 'kmeans', not {method!r}")
    k, score = best_k(reduced, random_state)
    return _kmeans(k, random_state), f"k-means with k={k} (best silhouette {score:.2f}; {reason})"


def _judge(labels: np.ndarray) -> str | None:
    """None if a density clustering is usable, else why not."""
    n_found = len(set(labels.tolist()) - {-1})
    outliers = float(np.mean(labels == -1))
    largest = float(np.bincount(labels[labels >= 0]).max() / len(labels)) if n_found else 1.0
    too_sparse = outliers > MAX_DENSITY_OUTLIERS and len(labels) < SMALL_CORPUS
    if n_found >= 2 and not too_sparse and largest <= MAX_TOPIC_SHARE:
        return None
    return (f"HDBSCAN found {n_found} topic(s), the largest holding {largest:.0%} of units, "
            f"and left {outliers:.0%} unassigned")


def _describe(p: ClusterPlan, selection: str) -> str:
    kind = "" if selection == "eom" else "leaf selection, "
    return f"HDBSCAN ({kind}min_cluster_size={p.min_cluster_size}, min_samples={p.min_samples})"


def best_k(reduced: np.ndarray, random_state: int) -> tuple[int, float]:
    """k in 2..min(15, n/4) with the highest silhouette score; ties go to the smaller k."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(reduced)
    candidates = range(2, max(2, min(15, n // 4)) + 1)
    sample = min(n, 5000)
    scores = {}
    for k in candidates:
        labels = KMeans(k, n_init=10, random_state=random_state).fit_predict(reduced)
        if len(set(labels)) < 2:
            continue
        scores[k] = silhouette_score(reduced, labels, sample_size=sample,
                                     random_state=random_state)
    if not scores:
        return 2, float("nan")
    k = max(scores, key=lambda k: (round(scores[k], 6), -k))
    return k, float(scores[k])


def _kmeans(k: int, random_state: int):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=random_state)


def cluster(embeddings: np.ndarray, *, method: str = "auto", n_topics: int | None = None,
            min_topic_size: int | None = None, reduce_outliers: bool = True,
            random_state: int = 0, merge_distance: float | None = MERGE_DISTANCE,
            n_init: int | str = "auto", coarsen: bool = True,
            cache_dir=None) -> tuple[np.ndarray, float, str]:
    """Cluster unit embeddings into topics: UMAP, then the clusterer :func:`choose_clusterer` picks.

    Outliers are then moved to the nearest topic centroid by cosine similarity, which is
    BERTopic's ``reduce_outliers(strategy="embeddings")`` rule; doing it here, before BERTopic
    builds representations, lets the stability refits share this code exactly. With
    ``method="auto"`` and no ``n_topics``, this is done with several seeds drawn from
    ``random_state`` (``n_init`` an int: that many) and the topics are the runs' consensus
    (:mod:`convolab.topics.consensus`; ``"auto"``: runs are added until the consensus
    settles, at most 240 for the smallest corpora, 48 at 1,000 units, 12 at 4,000, one above).
    Density topics are then merged by :func:`merge_near_topics` (``merge_distance=None`` keeps
    them apart) and, with ``coarsen``, joined into broader themes where a coarser cut of their
    hierarchy separates the units clearly (:mod:`convolab.topics.granularity`); k-means
    topics, whose number was chosen or asked for, are left as they are.
    The UMAP reductions are read from, or kept in, the cache under ``cache_dir``
    (:func:`convolab.topics.reduction.reduce`; ``False`` disables it). Above
    ``MAX_CLUSTERED_UNITS`` units the clustering is fitted on a sample
    (:func:`sample_rows`) and the other units join their nearest topic, outliers or not; the
    outlier share is then the sample's.

    Returns
    -------
    (ndarray, float, str)
        Each unit's topic (-1 for none), the outlier share before reassignment (the runs'
        mean), and how the clustering was chosen, in words.
    """
    n_all = len(embeddings)
    rows = sample_rows(n_all, random_state)
    everything, embeddings = embeddings, embeddings if rows is None else embeddings[rows]
    n = len(embeddings)
    p = plan(n, min_topic_size)
    runs = consensus.max_runs(n_init, n) if method == "auto" and n_topics is None else 1
    if runs > 1:
        knn = exact_knn(embeddings, p.n_neighbors)  # seed-free: one graph for every run
        # Runs seeded from random_state=None are random by request: nothing to cache.
        keep = cache_dir if random_state is not None else False
        labels, results, agreement = consensus.settle(
            lambda seed: _run(embeddings, p, method, n_topics, reduce_outliers, seed, keep, knn),
            consensus.run_seeds(random_state, runs), embeddings, p.min_cluster_size,
            reduce_outliers, adaptive=n_init == "auto")
        raw_outliers = float(np.mean([r[1] for r in results]))
        n_density = sum(r[3] for r in results)
        kinds = [f"{_describe(p, 'eom')} in {n_density}" if n_density else "",
                 f"k-means in {len(results) - n_density}" if n_density < len(results) else ""]
        settled = "" if agreement is None else (
            f"; consensuses of half the runs agree at ARI {agreement:.2f} or more"
            + ("" if agreement >= consensus.SETTLED or n_init != "auto" else
               f" (the cap: {runs} runs)"))
        how = (f"consensus of {len(results)} runs with seeds drawn from random_state ("
               f"{', '.join(k for k in kinds if k)}): units share a topic when they shared "
               f"one in most runs{settled}")
        density = n_density > 0
    else:
        labels, raw_outliers, how, density = _run(embeddings, p, method, n_topics,
                                                  reduce_outliers, random_state, cache_dir)
    if rows is not None:
        labels = _extend(everything, rows, embeddings, labels)
        how += (f"; fitted on a sample of {n:,} of the {n_all:,} units, the others joined "
                "their nearest topic")
        embeddings = everything
    if merge_distance and density:
        merged = merge_near_topics(embeddings, labels, merge_distance)
        n_before, n_after = (len(set(x.tolist()) - {-1}) for x in (labels, merged))
        if n_after < n_before:
            how += (f"; {n_before} topics merged into {n_after} (centroids within cosine "
                    f"distance {merge_distance})")
        labels = merged
    if coarsen and density:
        joined, given, kept = granularity.natural_cut(embeddings, labels)
        n_before, n_after = (len(set(x.tolist()) - {-1}) for x in (labels, joined))
        if n_after < n_before:
            how += (f"; {n_before} topics joined into {n_after} broader ones where their "
                    f"hierarchy's distances jump most (silhouette {kept:.2f}, against "
                    f"{given:.2f} for the {n_before})")
        labels = joined
    return labels, raw_outliers, how


def _run(embeddings, p: ClusterPlan, method, n_topics, reduce_outliers, random_state,
         cache_dir, knn=None) -> tuple[np.ndarray, float, str, bool]:
    """One seeded run: labels, outlier share before reassignment, description, density or not."""
    n = len(embeddings)
    reduced = reduce(embeddings, make_umap(p, n, random_state), cache_dir, knn)
    clusterer, how = choose_clusterer(reduced, p, method, random_state, n_topics)
    if not hasattr(clusterer, "labels_"):
        clusterer.fit(reduced)
    labels = np.asarray(clusterer.labels_)
    raw_outliers = float(np.mean(labels == -1))
    if raw_outliers == 1:  # only a forced HDBSCAN gets here; "auto" falls back to k-means
        raise ValueError(f"HDBSCAN found no topic in {n} units with min_topic_size="
                         f"{p.min_cluster_size}; use a smaller min_topic_size, or "
                         "clustering='auto' (falls back to k-means).")
    if reduce_outliers and 0 < raw_outliers < 1:
        ids = sorted(set(labels.tolist()) - {-1})
        means = centroids(embeddings, labels, ids)
        labels = np.where(labels == -1, nearest(embeddings, means, ids), labels)
        how += f"; {raw_outliers:.0%} outliers moved to their nearest topic"
    return labels, raw_outliers, how, not hasattr(clusterer, "n_clusters")


def sample_rows(n: int, random_state: int | None) -> np.ndarray | None:
    """Sorted rows of the seeded sample clustered when ``n > MAX_CLUSTERED_UNITS``, else None."""
    if n <= MAX_CLUSTERED_UNITS:
        return None
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, MAX_CLUSTERED_UNITS, replace=False))


def _extend(everything: np.ndarray, rows: np.ndarray, sample: np.ndarray,
            labels: np.ndarray) -> np.ndarray:
    ids = np.asarray(sorted(set(labels.tolist()) - {-1}))
    out = np.empty(len(everything), dtype=labels.dtype)
    step = 65_536  # bounds the units x topics similarity block
    means = centroids(sample, labels, ids).astype(everything.dtype)
    for start in range(0, len(everything), step):
        out[start:start + step] = nearest(everything[start:start + step], means, ids)
    out[rows] = labels
    return out


def merge_near_topics(embeddings: np.ndarray, labels: np.ndarray,
                      distance: float = MERGE_DISTANCE) -> np.ndarray:
    """Merge topics whose centroids are within ``distance`` (cosine, average linkage).

    Centroids are of embeddings centred on the corpus mean
    (:func:`convolab.topics.granularity.centred_means`). Merged topics take the smallest id
    among them; outliers (-1) stay.
    """
    from sklearn.cluster import AgglomerativeClustering

    ids = sorted(set(labels.tolist()) - {-1})
    if len(ids) < 3:  # two topics are the least a corpus can be told apart by
        return labels
    means = granularity.centred_means(embeddings, labels, ids)[1]
    groups = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=distance).fit(means).labels_
    return granularity.join(labels, ids, groups)

"""Topics joined into broad themes along their hierarchy only when the units say so."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from convolab.topics import clustering, granularity

FINE = np.repeat(np.arange(12), 25)  # 12 sub-themes, three to each of 4 broad themes
BROAD = FINE // 3


def themes(spread: float, noise: float = 0.4) -> np.ndarray:
    """Unit vectors of 4 broad themes whose 3 sub-themes lie ``spread`` from their theme."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 24)).repeat(3, 0) + spread * rng.normal(size=(12, 24))
    x = centres[FINE] + noise * rng.normal(size=(len(FINE), 24))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_sub_themes_of_clear_broad_themes_are_joined_into_them():
    labels, given, kept = granularity.natural_cut(themes(0.5), FINE)
    assert adjusted_rand_score(labels, BROAD) == 1
    assert kept > given >= granularity.MIN_SILHOUETTE
    assert sorted(set(labels.tolist())) == [0, 3, 6, 9]  # joined topics keep their smallest id


def test_distinct_sub_themes_and_unstructured_units_are_left_alone():
    distinct, given, kept = granularity.natural_cut(themes(0.7), FINE)
    assert (distinct == FINE).all() and kept == given
    noise = np.random.default_rng(1).normal(size=(len(FINE), 24))
    left, given, _ = granularity.natural_cut(noise, FINE)
    assert (left == FINE).all() and given < granularity.MIN_SILHOUETTE


def test_outliers_stay_outliers_and_two_topics_are_never_joined():
    labels = FINE.copy()
    labels[::10] = -1
    joined = granularity.natural_cut(themes(0.5), labels)[0]
    assert (joined[::10] == -1).all() and (joined[labels >= 0] >= 0).all()
    two = np.repeat([0, 1], 150)
    same, given, kept = granularity.natural_cut(themes(0.5), two)
    assert same is two and given is None and kept is None
    # Nor cut into two: centred, the last merge always looks like a jump (here it was the
    # largest one, and the cut's silhouette beat the five topics').
    rng, five = np.random.default_rng(4), np.repeat(np.arange(5), 30)
    blobs = rng.normal(size=(5, 12))[five] + 2.0 * rng.normal(size=(len(five), 12))
    assert len(set(granularity.natural_cut(blobs, five)[0].tolist())) >= 3


def test_clustering_says_when_it_joined_topics_and_coarsen_false_keeps_them():
    vectors = themes(0.5)
    kept, _, how_kept = clustering.cluster(vectors, random_state=0, cache_dir=False, n_init=1,
                                           merge_distance=None, coarsen=False)
    joined, _, how = clustering.cluster(vectors, random_state=0, cache_dir=False, n_init=1,
                                        merge_distance=None)
    assert len(set(kept.tolist())) == 12 and "joined" not in how_kept
    assert adjusted_rand_score(joined, BROAD) == 1
    assert "12 topics joined into 4 broader ones where their hierarchy's distances jump most" in how


def test_the_topic_model_passes_its_coarsen_setting_to_the_clustering(monkeypatch):
    from convolab import TopicModel

    seen = []
    monkeypatch.setattr(clustering, "cluster", lambda *a, **kw: seen.append(kw["coarsen"]))
    for setting in (True, False, "auto"):
        TopicModel(coarsen=setting)._cluster(np.zeros((10, 4)), 0)
    TopicModel(embedding="static")._cluster(np.zeros((10, 4)), 0)  # "auto": MiniLM only
    assert seen == [True, False, True, False] and TopicModel().get_params()["coarsen"] == "auto"

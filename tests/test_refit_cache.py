"""A cached re-fit gives exactly what a cold fit gives: UMAP reductions and KeyBERT's word
vectors come from the on-disk caches, and nothing in the result may change because of it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from convolab.topics import TopicModel, clustering, reduction


def _points(n: int = 60, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 8)).astype("f4")


def test_a_cached_reduction_is_the_cold_array(tmp_path):
    x = _points()
    p = clustering.plan(len(x))
    cold = reduction.reduce(x, clustering.make_umap(p, len(x), 0), tmp_path)
    assert (tmp_path / "reduced" / "umap.sqlite").is_file()
    second = clustering.make_umap(p, len(x), 0)
    warm = reduction.reduce(x, second, tmp_path)
    assert not hasattr(second, "embedding_")  # served from the cache, UMAP never ran
    assert warm.dtype == cold.dtype and warm.tobytes() == cold.tobytes()


def test_the_key_changes_with_data_settings_and_seed():
    x = _points()
    p = clustering.plan(len(x))
    key = reduction.reduction_key(x, clustering.make_umap(p, len(x), 0))
    assert key == reduction.reduction_key(x.copy(), clustering.make_umap(p, len(x), 0))
    assert key != reduction.reduction_key(x, clustering.make_umap(p, len(x), 1))
    assert key != reduction.reduction_key(_points(seed=1), clustering.make_umap(p, len(x), 0))
    assert key != reduction.reduction_key(x.astype("f8"), clustering.make_umap(p, len(x), 0))
    other = clustering.make_umap(clustering.plan(len(x), min_topic_size=9), len(x), 0)
    other.set_params(n_neighbors=p.n_neighbors + 1)
    assert key != reduction.reduction_key(x, other)


def test_the_key_changes_with_the_code_that_reduces(monkeypatch):
    from convolab import embedding_cache

    x = _points()
    p = clustering.plan(len(x))
    key = reduction.reduction_key(x, clustering.make_umap(p, len(x), 0))
    monkeypatch.setattr(embedding_cache, "code_version", lambda *files: "edited")
    assert key != reduction.reduction_key(x, clustering.make_umap(p, len(x), 0))


def test_no_cache_without_a_seed_or_when_disabled(tmp_path):
    x = _points()
    p = clustering.plan(len(x))
    reduction.reduce(x, clustering.make_umap(p, len(x), None), tmp_path)
    reduction.reduce(x, clustering.make_umap(p, len(x), 0), False)
    clustering.cluster(x, random_state=None, cache_dir=tmp_path, n_init=3)  # seeds drawn fresh
    assert not (tmp_path / "reduced").exists()


def test_an_unreadable_cache_is_ignored(tmp_path):
    (tmp_path / "reduced").mkdir()
    (tmp_path / "reduced" / "umap.sqlite").write_bytes(b"not a database" * 100)
    x = _points()
    p = clustering.plan(len(x))
    out = reduction.reduce(x, clustering.make_umap(p, len(x), 0), tmp_path)
    assert out.shape == (len(x), p.n_components)


def test_cached_refit_equals_cold_fit_with_keybert(themed_corpus, tmp_path):
    def fit():
        return TopicModel(unit="sentence", embedding="minilm", random_state=0,
                          cache_dir=tmp_path).fit(themed_corpus)

    cold, warm = fit(), fit()
    for name in ("topics_", "assignments_", "topic_terms_", "representatives_"):
        pd.testing.assert_frame_equal(getattr(cold, name), getattr(warm, name))
    assert cold.labels_ == warm.labels_ and cold.clustering_ == warm.clustering_
    assert (tmp_path / "reduced" / "umap.sqlite").is_file()
    # KeyBERT's candidate words went through the embedding cache too.
    assert cold.bertopic_.topic_aspects_["KeyBERT"]


def test_exact_neighbours_match_brute_force_with_self_first():
    from sklearn.neighbors import NearestNeighbors

    x = _points(300)
    x[7] = x[3]  # an exact duplicate must not displace a row from its own first place
    indices, distances = reduction.exact_knn(x, 10, block=64)
    brute = NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute").fit(x)
    expected = brute.kneighbors(x)[0]
    assert (indices[:, 0] == np.arange(len(x))).all() and (distances[:, 0] == 0).all()
    np.testing.assert_allclose(distances, expected, atol=1e-5)
    assert indices.dtype == np.int32 and distances.dtype == np.float32


def test_large_corpora_cluster_a_seeded_sample_and_assign_the_rest(monkeypatch):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16)) * 4
    x = (centres[np.arange(900) % 3] + rng.normal(size=(900, 16))).astype("f4")
    monkeypatch.setattr(clustering, "MAX_CLUSTERED_UNITS", 300)
    rows = clustering.sample_rows(len(x), 0)
    assert len(rows) == 300 and (np.diff(rows) > 0).all()
    assert (rows == clustering.sample_rows(len(x), 0)).all()
    assert clustering.sample_rows(300, 0) is None
    labels, _, how = clustering.cluster(x, random_state=0, cache_dir=False)
    assert len(labels) == len(x) and (labels >= 0).all()
    assert "sample of 300 of the 900 units" in how
    truth = np.arange(900) % 3
    assert pd.crosstab(labels, truth).max(axis=1).sum() / len(x) > 0.95

"""The issue's acceptance checks on the seed corpus with the real MiniLM model (slow layer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import convolab as cl

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
BOILERPLATE_TERMS = {"blake", "project", "insider", "advertisement", "subscribe", "newsletter",
                     "share", "views", "source link", "read more"}


@pytest.fixture(scope="module")
def corpus():
    return cl.load_corpus(ROOT / "corpus")


@pytest.fixture(scope="module")
def fitted(corpus):
    return cl.TopicModel(random_state=0).fit(corpus)


def test_default_fit_meets_the_bar(fitted):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    ev = fitted.evaluate()
    assert ev["n_topics"] >= 4 and ev["outlier_share"] <= 0.2
    assert {"coherence_npmi", "diversity", "outlier_share"} <= set(ev.index)
    terms = fitted.topic_terms_
    assert not terms[terms["rank"] == 0]["term"].isin(ENGLISH_STOP_WORDS).any()
    assert not terms["term"].isin(BOILERPLATE_TERMS).any()


def test_topics_barely_depend_on_the_seed(fitted):
    # Issue 11's bar: mean ARI >= 0.8 against refits with three other seeds (0.54 with one
    # clustering run). Measured with the consensus that runs until it settles: 0.99 on one
    # machine's exact embeddings and 0.92-1.00 on three copies nudged by float rounding
    # (benchmarks/bench_validity.py --nudge seed), so the bar holds with a margin of 0.1 on
    # a machine whose CPU rounds differently.
    assert fitted.evaluate(stability=True)["stability_ari"] >= 0.8


def test_topics_do_not_hang_on_the_last_bits_of_the_embeddings(corpus, fitted):
    # Another CPU's kernels change the embeddings' last bits: each value times
    # 1 + 1e-6 * N(0, 1). Issue 23's bar: the topics agree with the exact ones at ARI >= 0.9.
    # Measured: 0.99-1.00 for three nudged copies on one machine; two consensuses of 240
    # runs agreed at 0.98 on average, 0.94 at the 10th percentile (a pool of 1,200 runs).
    # Before: 0.78-0.95 with the fixed 24 runs.
    from sklearn.metrics import adjusted_rand_score

    from convolab.embeddings import embed, get_embedder

    exact = embed(corpus.units("sentence")["text"].tolist(), get_embedder("minilm"))
    rng = np.random.default_rng(23)
    agreement = []
    for _ in range(2):
        nudged = (exact * (1 + 1e-6 * rng.standard_normal(exact.shape))).astype(np.float32)
        assert not np.array_equal(nudged, exact)
        refit = cl.TopicModel(random_state=0).fit(corpus, embeddings=nudged)
        agreement.append(adjusted_rand_score(fitted.assignments_["topic"],
                                             refit.assignments_["topic"]))
    assert np.mean(agreement) >= 0.9, agreement


def test_style_topics_are_labelled_by_their_form(fitted):
    kinds = fitted.topics_.set_index("topic")["kind"]
    assert set(kinds) <= {"subject", "style", "mixed"}
    for topic, kind in kinds.items():
        assert fitted.labels_[topic].startswith(("style: ", "mixed: ")) == (kind != "subject")


def test_second_fit_is_identical(corpus, fitted):
    again = cl.TopicModel(random_state=0).fit(corpus)
    pd.testing.assert_frame_equal(again.assignments_, fitted.assignments_)
    pd.testing.assert_frame_equal(again.topics_, fitted.topics_)


def test_save_load_round_trip_offline(fitted, tmp_path):
    loaded = cl.TopicModel.load(fitted.save(tmp_path / "tm"))
    pd.testing.assert_frame_equal(loaded.topics_, fitted.topics_)
    new = ["The waiter brought water before we sat down."]
    pd.testing.assert_frame_equal(loaded.transform(new), fitted.transform(new))


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_other_units(corpus, unit):
    if unit == "document":
        with pytest.raises(ValueError, match="Only 5 document units"):
            cl.TopicModel(unit=unit).fit(corpus)
    else:
        assert len(cl.TopicModel(unit=unit, random_state=0).fit(corpus).topics_) >= 2


def test_two_document_corpus_gives_a_result_or_clear_error(corpus):
    two = cl.load_corpus(corpus.documents[["doc_id", "text"]].head(2))
    try:
        tm = cl.TopicModel(random_state=0).fit(two)
    except ValueError as exc:
        assert "units to model" in str(exc)
    else:
        assert len(tm.topics_) >= 2

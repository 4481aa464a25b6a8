"""The issue's acceptance checks on the seed corpus with the real MiniLM model (slow layer)."""

from __future__ import annotations

from pathlib import Path

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
    # clustering run; the consensus of runs is what gets it there).
    assert fitted.evaluate(stability=True)["stability_ari"] >= 0.8


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

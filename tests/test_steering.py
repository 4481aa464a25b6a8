"""Researcher control over topics: merge, name, seed and stop words; every table stays true.

The static backend (a local Model2Vec file) keeps these fast and lets the model be saved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import convolab as cl
from convolab.execute import check_params
from convolab.topics import TopicModel
from convolab.topics.steering import guide_embeddings


def _fit(corpus, **kw):
    return TopicModel(unit="sentence", embedding="static", random_state=0, **kw).fit(corpus)


@pytest.fixture(scope="module")
def fitted(themed_corpus):
    tm = _fit(themed_corpus)
    assert len(tm.topic_ids_) >= 3, "the themed corpus should give three topics or more"
    return tm


def _partition(tm) -> set[frozenset]:
    """The units of each topic, whatever the topics are numbered."""
    a = tm.assignments_
    return {frozenset(a.loc[a["topic"] == t, "unit_id"]) for t in set(a["topic"])}


def _consistent(tm) -> None:
    a, topics = tm.assignments_, tm.topics_
    assert sorted(topics["topic"]) == sorted(tm.topic_ids_) == sorted(set(a["topic"]) - {-1})
    assert dict(zip(topics["topic"], topics["size"])) == a["topic"].value_counts().drop(
        -1, errors="ignore").to_dict()
    assert set(tm.topic_terms_["topic"]) <= set(tm.topic_ids_)
    reps = tm.representatives_.merge(a, on="unit_id", suffixes=("", "_unit"))
    assert (reps["topic"] == reps["topic_unit"]).all()
    assert dict(zip(topics["topic"], topics["label"])) == {t: tm.labels_[t]
                                                            for t in tm.topic_ids_}
    assert tm.centroids_.shape[0] == len(tm.topic_ids_)
    assert list(tm.document_topics().columns) == sorted(set(a["topic"]))


def test_merge_joins_exactly_the_units_of_the_merged_topics(fitted, themed_corpus):
    tm = _fit(themed_corpus)
    first, second = tm.topic_ids_[:2]
    before = _partition(tm)
    a = tm.assignments_
    joined = frozenset(a.loc[a["topic"].isin([first, second]), "unit_id"])
    tm.merge_topics([[first, second]])
    after = _partition(tm)
    assert joined in after
    assert after - {joined} == {p for p in before if not p <= joined}
    assert len(tm.topic_ids_) == len(fitted.topic_ids_) - 1
    _consistent(tm)
    assert tm.edits_ == [{"merge_topics": [[first, second]]}]
    # Derived tables follow: evaluation and topic × tone see the merged topics.
    assert tm.evaluate()["n_topics"] == len(tm.topic_ids_)
    scores = cl.SentimentModel(method="vader").score(themed_corpus)
    tone = cl.topic_sentiment(tm, scores, n_boot=50)
    assert set(tone["topic"]) <= set(tm.topic_ids_) | {-1}


def test_names_stick_to_their_topics_through_a_merge(themed_corpus):
    tm = _fit(themed_corpus)
    a, b, c = tm.topic_ids_[:3]
    units_of_c = set(tm.assignments_.loc[tm.assignments_["topic"] == c, "unit_id"])
    tm.set_labels({str(c): "Third theme", a: "First theme"})
    assert tm.topics_.set_index("topic").loc[c, "label"] == "Third theme"
    long = tm.document_topics(long=True)
    assert (long.loc[long["topic"] == c, "label"] == "Third theme").all()
    tm.merge_topics([[a, b]])
    named = {v: k for k, v in tm.custom_labels_.items()}
    assert set(named) == {"Third theme", "First theme"}
    new_c = named["Third theme"]
    assert set(tm.assignments_.loc[tm.assignments_["topic"] == new_c, "unit_id"]) == units_of_c
    _consistent(tm)


def test_edits_survive_save_and_load(themed_corpus, tmp_path):
    tm = _fit(themed_corpus, stop_words=["velvet"])
    tm.merge_topics([tm.topic_ids_[:2]]).set_labels({tm.topic_ids_[0]: "Merged"})
    back = TopicModel.load(tm.save(tmp_path / "model"))
    assert back.custom_labels_ == tm.custom_labels_ and back.edits_ == tm.edits_
    assert back.labels_ == tm.labels_ and back.stop_words == ["velvet"]
    for name in ("topics_", "assignments_", "topic_terms_", "representatives_"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(tm, name), check_dtype=False)
    back.set_labels({back.topic_ids_[-1]: "Renamed after loading"})
    assert "Renamed after loading" in set(back.topics_["label"])


def test_a_fitted_model_pickles_like_it_saves(fitted):
    import pickle

    back = pickle.loads(pickle.dumps(fitted))  # joblib and Dask pickle models too
    assert back.bertopic_ is None and fitted.bertopic_ is not None
    assert back.labels_ == fitted.labels_
    pd.testing.assert_frame_equal(back.assignments_, fitted.assignments_)


def test_stop_words_leave_the_terms_and_labels(fitted, themed_corpus):
    assert fitted.topic_terms_["term"].str.contains(r"\bbank\b").any()
    tm = _fit(themed_corpus, stop_words=["bank", "waiter"])
    terms = tm.topic_terms_["term"]
    assert not terms.str.contains(r"\b(?:bank|waiter)\b").any()
    assert not tm.topics_["label"].str.contains(r"\b(?:bank|waiter)\b").any()


def test_seed_topics_pull_matching_units_towards_the_seed(fitted, themed_corpus):
    texts = fitted.assignments_["text"].tolist()
    vectors = cl.embed(texts, fitted.embedder_, progress=False)
    seed = [["velvet", "silk", "designer"]]
    nudged = guide_embeddings(vectors, seed, fitted.embedder_)
    target = cl.embed([" ".join(seed[0])], fitted.embedder_, progress=False)[0]
    moved = ~np.isclose(nudged, vectors).all(axis=1)
    assert moved.any()
    closer = (nudged[moved] @ target) > (vectors[moved] @ target)
    assert closer.all()
    tm = _fit(themed_corpus, seed_topics=seed)
    again = _fit(themed_corpus, seed_topics=seed)
    pd.testing.assert_frame_equal(tm.assignments_, again.assignments_)
    assert tm.get_params()["seed_topics"] == seed


def test_the_themes_report_states_the_edits(fitted, themed_corpus):
    from convolab.narrative import describe_edits

    assert describe_edits(fitted).facts["merges"] == []
    assert "as the model found them" in describe_edits(fitted).text
    tm = _fit(themed_corpus, stop_words=["velvet"])
    first, second = tm.topic_ids_[:2]
    tm.merge_topics([[second, first]]).set_labels({0: "Money $ matters"})
    story = describe_edits(tm)
    assert story.facts["merges"] == [[first, second]] and story.facts["names"] == {
        0: "Money $ matters"}
    assert f"topics {first} and {second} were merged" in story.text
    assert "Money \\$ matters" in story.text and "*velvet*" in story.text


@pytest.mark.parametrize("call, match", [
    (lambda tm: tm.merge_topics([[0, 99]]), "no topic 99"),
    (lambda tm: tm.merge_topics([[0, 1], [1, 2]]), "two groups"),
    (lambda tm: tm.merge_topics([0, 1]), "list of lists"),
    (lambda tm: tm.set_labels({0: ""}), "non-empty text"),
    (lambda tm: tm.set_labels({"first": "A"}), "not a topic id"),
    (lambda tm: tm.set_labels(["A"]), "mapping of topic id"),
])
def test_bad_edits_are_one_line_errors(fitted, call, match):
    with pytest.raises(ValueError, match=match) as info:
        call(fitted)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("kw, match", [({"seed_topics": ["bank", "loan"]}, "list of lists"),
                                      ({"seed_topics": [[]]}, "list of lists"),
                                      ({"stop_words": "bank"}, "list of words")])
def test_bad_steering_settings_fail_when_the_model_is_made(kw, match):
    with pytest.raises(ValueError, match=match):
        TopicModel(**kw)


def test_report_parameters_for_edits_are_checked_before_running():
    declared = {"02-themes.ipynb": {"merge_topics": [], "topic_labels": {}, "seed_topics": [],
                                    "stop_words": []}}
    check_params({"merge_topics": [[1, 4]], "topic_labels": {"0": "Loyalty"}}, declared)
    for bad, match in [({"merge_topics": [1, 4]}, "list of lists"),
                       ({"topic_labels": {"zero": "Loyalty"}}, "not a topic id"),
                       ({"seed_topics": [["bank"], []]}, "list of lists")]:
        with pytest.raises(ValueError, match=match):
            check_params(bad, declared)


@pytest.mark.slow
def test_report_applies_and_states_the_edits(tmp_path):
    import shutil

    from test_compare_report import ROOT, write_two_authors

    from convolab.cli import main

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "02-themes.ipynb", notebooks)
    out = tmp_path / "reports"
    assert main(["report", "--corpus", str(write_two_authors(tmp_path / "corpus")), "--out",
                 str(out), "--notebooks", str(notebooks), "--strict", "-q",
                 "--param", "embedding=static", "--param", "stability_seeds=1",
                 "--param", "merge_topics=[[0, 1]]",
                 "--param", 'topic_labels={"0": "Loyalty & care"}']) == 0
    html = (out / "02-themes.html").read_text(encoding="utf-8")
    assert "topics 0 and 1 were merged" in html
    assert "Loyalty &amp; care" in html and "Names given by the researcher" in html

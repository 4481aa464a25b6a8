"""One topic model per report: fitted once, loaded by later notebooks only when it matches."""

import json

import pandas as pd
import pytest

import convolab as cl
from convolab.topics import shared

SETTINGS = {"unit": "sentence", "embedding": "minilm", "random_state": 0}


@pytest.fixture(scope="module")
def first(themed_corpus, tmp_path_factory):
    report = tmp_path_factory.mktemp("report")
    return report, cl.shared_topic_model(themed_corpus, report, **SETTINGS)


def test_a_later_notebook_loads_the_same_model(themed_corpus, first, monkeypatch):
    report, tm = first
    assert (report / "model" / "fit.json").is_file()
    monkeypatch.setattr(cl.TopicModel, "fit", lambda *a, **k: pytest.fail("refitted"))
    again = cl.shared_topic_model(themed_corpus, report, **SETTINGS)
    for name in ("topics_", "assignments_", "topic_terms_", "representatives_"):
        pd.testing.assert_frame_equal(getattr(tm, name), getattr(again, name))
    assert again.labels_ == tm.labels_ and again.bertopic_ is None


@pytest.mark.parametrize("change", [{"random_state": 1}, {"unit": "paragraph"},
                                    {"merge_topics": [[0, 1]]}, {"topic_labels": {"0": "Tea"}}])
def test_other_settings_or_edits_refit_and_replace_the_model(themed_corpus, first, change,
                                                             tmp_path):
    report, _ = first
    copy = tmp_path / "report"
    import shutil

    shutil.copytree(report, copy)
    fits = []
    real_fit = cl.TopicModel.fit
    with pytest.MonkeyPatch.context() as m:
        m.setattr(cl.TopicModel, "fit", lambda self, *a, **k: fits.append(1) or
                  real_fit(self, *a, **k))
        tm = cl.shared_topic_model(themed_corpus, copy, **{**SETTINGS, **change})
    assert fits == [1]
    record = json.loads((copy / "model" / "fit.json").read_text())
    assert record["params"]["random_state"] == tm.random_state
    assert record["merge_topics"] == change.get("merge_topics", [])
    assert not list(copy.glob(".model-*")), "a temporary folder was left behind"


def test_another_corpus_refits(first, themed_corpus):
    report, _ = first
    units = themed_corpus.units("sentence")
    fewer = units.iloc[:-1]
    assert shared.units_fingerprint(units) != shared.units_fingerprint(fewer)
    assert shared.units_fingerprint(units) == shared.units_fingerprint(units.copy())


def test_evaluation_is_computed_once_per_fit(first, monkeypatch):
    report, tm = first
    evaluation = cl.shared_evaluation(tm, report, n_seeds=1)
    assert (report / "model" / "evaluation-1.json").is_file()
    monkeypatch.setattr(cl.TopicModel, "evaluate", lambda *a, **k: pytest.fail("evaluated"))
    loaded = cl.TopicModel.load(report / "model")
    again = cl.shared_evaluation(loaded, report, n_seeds=1)
    pd.testing.assert_series_equal(evaluation, again)
    assert loaded.topic_coherence_ == pytest.approx(tm.topic_coherence_, nan_ok=True)


def test_without_a_report_folder_it_simply_fits(themed_corpus, tmp_path):
    tm = cl.shared_topic_model(themed_corpus, None, **SETTINGS)
    assert tm.bertopic_ is not None and not list(tmp_path.iterdir())

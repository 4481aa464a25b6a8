"""The ``convolab`` command: help, tables, clear errors, and the report entry point."""

from __future__ import annotations

import pandas as pd
import pytest

import convolab
from convolab.cli import main


def test_help_reads_well(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for command in ("report", "corpus", "topics", "sentiment"):
        assert command in text
    assert "examples:" in text and "convolab report --corpus" in text


@pytest.mark.parametrize("command", ["report", "corpus", "topics", "sentiment"])
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert convolab.__version__ in capsys.readouterr().out


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2


def test_corpus_writes_every_table_in_both_formats(essays, tmp_path, capsys):
    out = tmp_path / "tables"
    assert main(["corpus", str(essays), "--out", str(out), "-q"]) == 0
    corpus = convolab.load_corpus(essays)
    for name in ("documents", "paragraphs", "sentences", "excluded", "skipped", "removed"):
        expected = getattr(corpus, name)
        from_csv = pd.read_csv(out / f"{name}.csv")
        from_parquet = pd.read_parquet(out / f"{name}.parquet")
        assert len(from_csv) == len(from_parquet) == len(expected), name
        assert list(from_parquet.columns) == list(expected.columns), name
    sentences = pd.read_parquet(out / "sentences.parquet")
    assert sentences["text"].tolist() == corpus.sentences["text"].tolist()
    assert str(out / "sentences.csv") in capsys.readouterr().out


def test_corpus_csv_only(essays, tmp_path):
    out = tmp_path / "tables"
    assert main(["corpus", str(essays), "--out", str(out), "--formats", "csv", "-q"]) == 0
    assert not list(out.glob("*.parquet")) and len(list(out.glob("*.csv"))) == 6


def test_hidden_files_are_listed_as_skipped_unless_asked_for(essays, tmp_path):
    (essays / ".draft.txt").write_text("A hidden draft about kites and wind and beaches and "
                                       "sails that nobody meant to publish yet.", encoding="utf-8")
    out = tmp_path / "tables"
    assert main(["corpus", str(essays), "--out", str(out), "--formats", "csv", "-q"]) == 0
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["path"].str.endswith(".draft.txt").sum() == 1
    assert len(pd.read_csv(out / "documents.csv")) == 2
    assert main(["corpus", str(essays), "--out", str(out), "--formats", "csv", "-q",
                 "--include-hidden"]) == 0
    assert len(pd.read_csv(out / "documents.csv")) == 3
    skipped = pd.read_csv(out / "skipped.csv")
    assert not skipped["path"].str.endswith(".draft.txt").any()


def test_missing_corpus_is_a_clear_error(tmp_path, capsys):
    assert main(["corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("convolab corpus: error: No such file or folder")
    assert "Traceback" not in err


class _FakeTopicModel:
    def __init__(self, unit="paragraph", embedding="minilm", random_state=0, progress=True):
        self.unit, self.embedding, self.random_state = unit, embedding, random_state

    def fit(self, corpus):
        units = corpus.units(self.unit)
        self.topics_ = pd.DataFrame({"topic": [0], "label": ["all"], "size": [len(units)]})
        self.assignments_ = units.assign(topic=0)
        return self

    def document_topics(self):
        return pd.DataFrame({"0": [1.0, 1.0]}, index=pd.Index(["kites", "tea"], name="doc_id"))

    def evaluate(self):
        return pd.Series({"coherence": 0.1, "diversity": 1.0})


def test_topics_writes_the_model_tables(essays, tmp_path, monkeypatch):
    monkeypatch.setattr(convolab, "TopicModel", _FakeTopicModel, raising=False)
    out = tmp_path / "topics"
    assert main(["topics", str(essays), "--out", str(out), "--unit", "sentence", "-q"]) == 0
    assignments = pd.read_parquet(out / "assignments.parquet")
    assert len(assignments) == 8 and {"unit_id", "doc_id", "topic"} <= set(assignments.columns)
    assert pd.read_csv(out / "document_topics.csv")["doc_id"].tolist() == ["kites", "tea"]
    evaluation = pd.read_csv(out / "evaluation.csv")
    assert evaluation.to_dict("records") == [{"coherence": 0.1, "diversity": 1.0}]
    assert (out / "topics.csv").exists()


def test_sentiment_writes_scores_and_summary(essays, tmp_path, monkeypatch):
    class FakeSentiment:
        def score(self, corpus):
            return corpus.sentences.assign(score=0.5)

    def by(scores, by="doc_id"):
        return scores.groupby(by, as_index=False)["score"].mean()

    monkeypatch.setattr(convolab, "SentimentModel", FakeSentiment, raising=False)
    monkeypatch.setattr(convolab, "sentiment_by", by, raising=False)
    out = tmp_path / "sentiment"
    assert main(["sentiment", str(essays), "--out", str(out), "-q"]) == 0
    assert len(pd.read_parquet(out / "sentiment.parquet")) == 8
    assert pd.read_csv(out / "sentiment_by_document.csv")["doc_id"].tolist() == ["kites", "tea"]


def test_report_rejects_unknown_parameters(essays, tmp_path, capsys):
    status = main(["report", "--corpus", str(essays), "--out", str(tmp_path / "r"),
                   "--param", "no_such_parameter=1", "-q"])
    assert status == 1
    assert "no_such_parameter" in capsys.readouterr().err


def test_report_rejects_malformed_parameters(essays, tmp_path, capsys):
    assert main(["report", "--corpus", str(essays), "--out", str(tmp_path / "r"),
                 "--param", "oops", "-q"]) == 1
    assert "name=value" in capsys.readouterr().err


def test_report_missing_corpus(tmp_path, capsys):
    assert main(["report", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r"),
                 "-q"]) == 1
    assert "No corpus" in capsys.readouterr().err


@pytest.mark.slow
def test_report_renders_with_parameter_overrides(essays, tmp_path, capsys):
    import shutil
    from pathlib import Path

    # Two notebooks are enough to see a parameter reach the one that declares it, and only it.
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("00-quickstart.ipynb", "01-corpus.ipynb"):
        shutil.copy(Path(__file__).resolve().parent.parent / "notebooks" / name, notebooks)
    out = tmp_path / "reports"
    assert main(["report", "--corpus", str(essays), "--out", str(out), "--param", "min_words=5",
                 "--notebooks", str(notebooks), "--strict", "-q"]) == 0
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    import nbformat

    executed = nbformat.read(out / "executed" / "01-corpus.ipynb", as_version=4)
    injected = next(c for c in executed.cells
                    if "injected-parameters" in c.metadata.get("tags", []))
    assert "min_words = 5" in injected.source
    assert str(essays.resolve()) in injected.source
    quickstart = nbformat.read(out / "executed" / "00-quickstart.ipynb", as_version=4)
    injected = next(c for c in quickstart.cells
                    if "injected-parameters" in c.metadata.get("tags", []))
    assert "min_words" not in injected.source  # only parameters a notebook declares

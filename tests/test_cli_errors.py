"""Every mistake a user can make with the ``convolab`` command is one line on stderr.

No traceback, a non-zero exit status, the file or parameter named, and found before any work is
done: nothing is fitted or executed, no output folder is left behind. An unexpected error is
a bug: its traceback is shown, with a line that says so.
"""

from __future__ import annotations

import pytest

import convolab
from convolab.cli import EXIT_BUG, main


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a folder", encoding="utf-8")
    return path


def one_line(capsys, *names) -> str:
    """The stderr of the last command: exactly one line, naming each of ``names``."""
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for name in names:
        assert str(name) in err, (name, err)
    return err


def _never_called(*args, **kwargs):
    raise AssertionError("work was done before the mistake was reported")


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a notebook runs or a model is fitted."""
    import convolab.report

    monkeypatch.setattr(convolab.report, "execute", _never_called)
    monkeypatch.setattr(convolab.TopicModel, "fit", _never_called)
    monkeypatch.setattr(convolab.SentimentModel, "score", _never_called)


TABLES = ["corpus", "topics", "sentiment"]


# --- --out ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", TABLES)
def test_tables_out_naming_a_file(command, essays, a_file, capsys, no_work):
    assert main([command, str(essays), "--out", str(a_file), "-q"]) == 1
    err = one_line(capsys, a_file)
    assert err.startswith(f"convolab {command}: error: Cannot write to") and "is a file" in err


@pytest.mark.parametrize("command", TABLES)
def test_tables_out_that_cannot_be_created(command, essays, a_file, capsys, no_work):
    # Under a regular file nothing can be created, even by root (tests may run as root).
    out = a_file / "tables"
    assert main([command, str(essays), "--out", str(out), "-q"]) == 1
    one_line(capsys, out, a_file)


def test_report_out_naming_a_file(essays, a_file, capsys, no_work):
    assert main(["report", "--corpus", str(essays), "--out", str(a_file), "-q"]) == 1
    one_line(capsys, a_file)


def test_report_out_that_cannot_be_created(essays, a_file, capsys, no_work):
    out = a_file / "deeper" / "reports"
    assert main(["report", "--corpus", str(essays), "--out", str(out), "-q"]) == 1
    assert "is a file, not a folder" in one_line(capsys, out, a_file)


# --- the corpus -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", TABLES)
def test_missing_corpus(command, tmp_path, capsys, no_work):
    missing = tmp_path / "nowhere"
    assert main([command, str(missing), "--out", str(tmp_path / "o"), "-q"]) == 1
    one_line(capsys, missing)
    assert not (tmp_path / "o").exists()  # checked, not created, before the corpus was read


@pytest.mark.parametrize("command", TABLES)
def test_empty_folder(command, tmp_path, capsys, no_work):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([command, str(empty), "--out", str(tmp_path / "o"), "-q"]) == 1
    one_line(capsys, empty)


def test_report_missing_corpus(tmp_path, capsys, no_work):
    missing = tmp_path / "nowhere"
    assert main(["report", "--corpus", str(missing), "--out", str(tmp_path / "r"), "-q"]) == 1
    one_line(capsys, missing)


def test_report_empty_folder(tmp_path, capsys, no_work):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", "--corpus", str(empty), "--out", str(tmp_path / "r"), "-q"]) == 1
    one_line(capsys, empty)


def test_topics_on_a_corpus_too_small(essays, tmp_path, capsys, no_work):
    assert main(["topics", str(essays), "--out", str(tmp_path / "t"), "--unit", "document",
                 "-q"]) == 1
    assert "unit='paragraph' or unit='sentence'" in one_line(capsys, "document")


def test_report_on_a_corpus_too_small_for_topics(essays, tmp_path, capsys, no_work):
    assert main(["report", "--corpus", str(essays), "--out", str(tmp_path / "r"),
                 "--param", "unit=document", "-q"]) == 1
    one_line(capsys, "document")
    assert not list((tmp_path / "r").rglob("*.html"))


# --- options and parameters -----------------------------------------------------------------------

@pytest.mark.parametrize("param, named", [
    ("unit=banana", ["unit", "'banana'", "'sentence', 'paragraph', 'document'"]),
    ("embedding=bert", ["embedding", "'bert'", "'minilm', 'static', 'tfidf'"]),
    ("random_state=abc", ["random_state", "'abc'", "integer"]),
    ("random_state=1.5", ["random_state", "1.5", "integer"]),
    ("random_state=-1", ["random_state", "-1", "at least 0"]),
    ("stability_seeds=0", ["stability_seeds", "0", "at least 1"]),
    ("coarsen=yes", ["coarsen", "'yes'", "'auto', True, False"]),
    ("coarsen=1", ["coarsen", "1", "'auto', True, False"]),
    ("min_words=true", ["min_words", "True", "integer"]),
    ("no_such_parameter=1", ["no_such_parameter", "they declare"]),
    ("corpus_path=elsewhere", ["corpus_path", "--corpus"]),
    ("report_dir=elsewhere", ["report_dir", "--out"]),
    ("oops", ["name=value", "'oops'"]),
])
def test_report_bad_parameter(param, named, essays, tmp_path, capsys, no_work):
    assert main(["report", "--corpus", str(essays), "--out", str(tmp_path / "r"),
                 "--param", param, "-q"]) == 1
    one_line(capsys, *named)


@pytest.mark.parametrize("argv, named", [
    (["topics", "{essays}", "--out", "{out}", "--unit", "banana"], ["--unit", "banana"]),
    (["topics", "{essays}", "--out", "{out}", "--random-state", "-3"], ["--random-state", "-3"]),
    (["corpus", "{essays}", "--out", "{out}", "--min-words", "ten"], ["--min-words", "ten"]),
    (["sentiment", "{essays}", "--out", "{out}", "--formats", "xlsx"], ["--formats"]),
    (["corpus", "{essays}"], ["--out"]),
])
def test_bad_options_are_one_line_too(argv, named, essays, tmp_path, capsys, no_work):
    argv = [a.format(essays=essays, out=tmp_path / "o") for a in argv]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "--help" in one_line(capsys, *named)


# --- bugs -----------------------------------------------------------------------------------------

def test_an_unexpected_error_is_called_a_bug(essays, tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("internal")

    monkeypatch.setattr(convolab, "load_corpus", broken)
    assert main(["corpus", str(essays), "--out", str(tmp_path / "o"), "-q"]) == EXIT_BUG
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1].startswith("convolab corpus: internal error: KeyError")
    assert "this is a bug" in err.splitlines()[-1]

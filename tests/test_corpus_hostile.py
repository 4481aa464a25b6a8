"""The second hostile sweep (issue 26): what a careless or hostile folder must not do.

Nothing outside the corpus folder is read without being asked, nothing hangs, no output is left
half-written, no exclusion is misnamed and no date is invented. Fixtures are written by the
tests; cases that need root or a platform feature skip with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import convolab as cl
from tests.test_corpus_inputs import build, essay, reason


def test_links_out_of_the_folder_are_skipped_unless_asked_for(tmp_path):
    private = build(tmp_path / "private", {"notes.txt": essay(7), "deep/more.txt": essay(8)})
    root = build(tmp_path / "c", {"a.txt": essay(1), "inner/b.txt": essay(2)})
    (root / "notes.txt").symlink_to(private / "notes.txt")
    (root / "folder").symlink_to(private / "deep")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "same.txt").symlink_to(root / "inner" / "b.txt")       # inside: read (a duplicate)

    corpus = cl.load_corpus(root, min_words=5)
    assert set(corpus.documents["doc_id"]) == {"a", "inner/b"}
    for name in ("notes.txt", "folder", "passwd.txt"):
        assert reason(corpus, name, "skipped").startswith("link to outside the corpus folder")
        assert "follow_links=True" in reason(corpus, name, "skipped")
    assert "duplicate of inner/b" in reason(corpus, "same.txt")
    assert not any("root:" in text for text in corpus.sentences["text"])

    followed = cl.load_corpus(root, min_words=5, follow_links=True)
    assert {"notes", "folder/more"} <= set(followed.documents["doc_id"])


@pytest.mark.parametrize("target", ["/proc/kmsg", "/proc/self/status", "/sys/kernel/notes",
                                    "/dev/zero"])
def test_links_into_system_folders_are_never_read_even_when_links_are_followed(tmp_path, target):
    if not os.path.lexists(target):
        pytest.skip(f"{target} does not exist on this platform")
    root = build(tmp_path / "c", {"a.txt": essay(1)})
    (root / "system.txt").symlink_to(target)
    corpus = cl.load_corpus(root, min_words=5, follow_links=True)  # /proc/kmsg would block
    assert list(corpus.documents["doc_id"]) == ["a"]
    assert "system folder" in reason(corpus, "system.txt")


def test_a_system_folder_or_file_as_the_corpus_is_one_clear_error():
    for source in ("/proc/self/status", "/proc"):
        with pytest.raises(ValueError, match="system folder"):
            cl.load_corpus(source)


def test_cli_follow_links_reads_links_out_of_the_folder(tmp_path, capsys):
    from convolab.cli import main

    private = build(tmp_path / "private", {"notes.txt": essay(7)})
    root = build(tmp_path / "c", {"a.txt": essay(1)})
    (root / "notes.txt").symlink_to(private / "notes.txt")
    for flags, expected in (([], 1), (["--follow-links"], 2)):
        out = tmp_path / f"out{len(flags)}"
        assert main(["corpus", str(root), "--out", str(out), "--min-words", "5",
                     "--formats", "csv", *flags]) == 0
        assert len(pd.read_csv(out / "documents.csv")) == expected


@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_of_identical_copies_the_one_with_metadata_is_kept(tmp_path, engine):
    text = essay(3)
    root = build(tmp_path / "c", {"a-copy.txt": text, "b-essay.txt": text, "c.txt": essay(4),
                                  "metadata.csv": "file,title,author,date\n"
                                                  "b-essay.txt,On queues,Ana,2004-05-01\n"})
    corpus = cl.load_corpus(root, min_words=5, engine=engine)
    documents = corpus.documents.compute() if engine == "dask" else corpus.documents
    assert sorted(documents["doc_id"]) == ["b-essay", "c"]
    why = reason(corpus, "a-copy.txt")
    assert why.startswith("duplicate of b-essay") and "most metadata" in why


def test_utf16_without_a_byte_order_mark_is_read_as_text(tmp_path):
    extra = " Café crème, naïve façade: the ‘bistro’ is still open."
    root = build(tmp_path / "c", {"le.txt": (essay(1) + extra).encode("utf-16-le"),
                                  "be.txt": (essay(2) + extra).encode("utf-16-be"),
                                  "bom.txt": (essay(3) + extra).encode("utf-16")})
    corpus = cl.load_corpus(root, min_words=5)
    documents = corpus.documents.set_index("doc_id")
    assert corpus.excluded.empty
    assert documents.loc[["le", "be"], "encoding"].tolist() == ["utf-16-le", "utf-16-be"]
    assert all(t.endswith("naïve façade: the 'bistro' is still open.") for t in documents["text"])


def test_binary_with_nul_bytes_is_still_binary():
    from convolab.corpus.readers import Unreadable, decode_bytes

    with pytest.raises(Unreadable, match="binary"):
        decode_bytes(bytes(range(256)) * 8)


def test_table_cells_that_hold_no_text_are_excluded_by_what_they_hold(tmp_path):
    root = build(tmp_path / "c", {"t.csv": "title,text\nok,\"" + essay(1) + "\"\nn,12345\n"
                                            "p,NULL\ne,\nf,3.5e10\n"})
    corpus = cl.load_corpus(root, min_words=5)
    assert list(corpus.documents["title"]) == ["ok"]
    reasons = dict(zip(corpus.excluded["path"].str.rsplit("=", n=1).str[-1],
                       corpus.excluded["reason"]))
    assert reasons["1"] == "the 'text' column holds a number (12345), not text"
    assert reasons["2"] == "the 'text' column holds 'NULL', a placeholder for no text"
    assert reasons["3"] == "the 'text' column is empty in this row"
    assert reasons["4"].startswith("the 'text' column holds a number")


def test_parquet_bytes_are_decoded_and_lists_refused(tmp_path):
    import numpy as np

    frame = pd.DataFrame({"doc_id": ["b", "l", "n"],
                          "text": [essay(1).encode("cp1252"), ["one", "two"], 7]})
    frame["text"] = frame["text"].astype(object)
    root = tmp_path / "c"
    root.mkdir()
    frame.iloc[[0]].to_parquet(root / "bytes.parquet")
    pd.DataFrame({"doc_id": ["l"], "text": [["one", "two"]]}).to_parquet(root / "lists.parquet")
    pd.DataFrame({"doc_id": ["n"], "text": [7.0]}).to_parquet(root / "numbers.parquet")
    corpus = cl.load_corpus(root, min_words=5)
    assert corpus.documents.set_index("doc_id").loc["b", "text"] == essay(1)
    assert "holds a list, not text; join it" in reason(corpus, "lists.parquet#row=0")
    assert reason(corpus, "numbers.parquet#row=0") == "the 'text' column holds a number (7.0), not text"
    from convolab.corpus.readers import cell_text

    assert cell_text(np.str_("A plain numpy string.")) == ("A plain numpy string.", None)
    assert cell_text(np.int64(3))[1] == "the 'text' column holds a number (3), not text"


def test_two_text_columns_are_refused_by_name(tmp_path):
    root = build(tmp_path / "c", {"a.txt": essay(2),
                                  "t.csv": "text,title,text\n\"" + essay(1) + "\",x,other\n"})
    corpus = cl.load_corpus(root, min_words=5)
    assert "2 columns are named 'text'" in reason(corpus, "t.csv")


def test_a_bad_json_line_is_excluded_by_number_and_the_others_kept(tmp_path):
    import json

    lines = [json.dumps({"text": essay(i), "title": f"t{i}"}) for i in range(3)]
    lines.insert(2, '{"text": "broken')
    lines.insert(4, '"just a string"')
    root = build(tmp_path / "c", {"posts.jsonl": "\n".join(lines) + "\n"})
    corpus = cl.load_corpus(root, min_words=5)
    assert list(corpus.documents["title"]) == ["t0", "t1", "t2"]
    assert reason(corpus, "posts.jsonl#row=2").startswith("not valid JSON (line 3:")
    assert reason(corpus, "posts.jsonl#row=4").startswith("not a JSON object (line 5)")


@pytest.fixture
def read_only_folder(tmp_path):
    """An empty read-only tmpfs (root only: root writes through a chmod-ed folder)."""
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(folder)],
            capture_output=True).returncode:
        pytest.skip("needs root and mount to make a read-only file system")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


def test_a_read_only_cache_costs_time_only(read_only_folder, caplog, monkeypatch):
    import numpy as np

    from convolab import embedding_cache
    from convolab.embeddings import embed
    from convolab.topics.reduction import ReducedCache

    monkeypatch.setattr(embedding_cache, "_warned_unwritable", False)
    texts = ["The clerk smiled.", "The queue was long.", "The clerk smiled."]
    with caplog.at_level("WARNING"):
        vectors = embed(texts, "minilm", cache_dir=read_only_folder)
        ReducedCache(read_only_folder).put("key", np.zeros((2, 2), np.float32))
    np.testing.assert_allclose(vectors, embed(texts, "minilm", cache_dir=False), atol=1e-5)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "running without it" in warnings[0]


@pytest.fixture
def full_disk(tmp_path):
    """A tiny tmpfs that fills up at once (root only), as a factory of its size in kB."""
    import subprocess

    mounted = []

    def make(kilobytes: int) -> Path:
        folder = tmp_path / f"disk{kilobytes}"
        folder.mkdir()
        if os.geteuid() != 0 or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)],
                capture_output=True).returncode:
            pytest.skip("needs root and mount to make a small file system")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=False)


def _left_behind(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if ".partial" in p.name]


def test_corpus_tables_on_a_full_disk_fail_in_one_line_and_leave_nothing_half_written(
        tmp_path, full_disk, capsys):
    from convolab.cli import main

    root = build(tmp_path / "c", {f"e{i:02d}.txt": essay(i, 12) for i in range(40)})
    disk = full_disk(48)
    assert main(["corpus", str(root), "--out", str(disk), "--min-words", "5", "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "no space left on device" in err and "free some space" in err
    assert _left_behind(disk) == []
    for path in disk.iterdir():  # whatever is there is whole
        (pd.read_csv if path.suffix == ".csv" else pd.read_parquet)(path)


def test_a_report_on_a_full_disk_fails_in_one_line_and_leaves_no_notebook(full_disk, capsys):
    from convolab.cli import main

    disk = full_disk(8)
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    assert main(["report", "--corpus", str(corpus), "--out", str(disk), "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no space left on device" in err, err
    assert _left_behind(disk) == [] and not list(disk.rglob("*.ipynb"))


def test_atomic_path_keeps_the_old_file_when_a_write_fails(tmp_path):
    import errno

    from convolab.outputs import OutputError, atomic_path

    target = tmp_path / "table.csv"
    target.write_text("old")
    with pytest.raises(OutputError, match="cannot write .*table.csv': no space left on device"):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "old" and _left_behind(tmp_path) == []


def test_unreadable_dates_are_no_date_and_the_corpus_report_says_so(tmp_path):
    from convolab.narrative.corpus import describe_metadata

    root = build(tmp_path / "c", {
        "a.txt": essay(1), "b.txt": essay(2), "c.txt": essay(3), "d.txt": essay(4),
        "metadata.csv": "file,date\na.txt,May 2004\nb.txt,next Tuesday\nc.txt,1e10\n"
                        "d.txt,\"22,January,2004\"\n"})
    documents = cl.load_corpus(root, min_words=5).documents.set_index("doc_id")
    assert documents["date"].fillna("").to_dict() == {"a": "2004-05", "b": "", "c": "",
                                                      "d": "2004-01-22"}
    assert documents["date_unread"].fillna("").to_dict() == {"a": "", "b": "next Tuesday",
                                                             "c": "1e10", "d": ""}
    story = describe_metadata(documents.reset_index())
    assert story.facts["n_with_date"] == 2 and story.facts["n_unread_dates"] == 2
    assert story.facts["earliest"] == "2004-01-22" and story.facts["latest"] == "2004-05"
    assert "2 documents give a date that cannot be read" in story.text


def test_a_fifo_given_as_the_corpus_is_named_as_one_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"pipe.txt' is a FIFO \(named pipe\), not a file"):
        cl.load_corpus(fifo)


def test_reports_follow_links_only_when_asked(monkeypatch, tmp_path):
    import convolab.report
    from convolab.cli import main
    from convolab.execute import declared_parameters

    notebooks = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
    for notebook in notebooks:
        if "cl.load_corpus(" in notebook.read_text():
            assert declared_parameters(notebook).get("follow_links") is False, notebook.name
            assert "follow_links=follow_links" in notebook.read_text(), notebook.name
    seen = []
    monkeypatch.setattr(convolab.report, "render_reports",
                        lambda corpus, out, params, **kw: seen.append(params) or [])
    for flags in ([], ["--follow-links"]):
        main(["report", "--corpus", str(tmp_path), "--out", str(tmp_path / "r"), *flags])
    assert seen == [[], ["follow_links=true"]]

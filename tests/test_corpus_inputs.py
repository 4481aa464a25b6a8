"""Every entry of a messy folder ends as a document, an excluded row or a skipped row.

A file-system fixture builder makes hidden, symlinked, unreadable, special and colliding
entries; tests run as root here, so "unreadable" is simulated by making the read fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import convolab as cl
from convolab.corpus.metadata import MetadataError

PROSE = [
    "Customer service at the bank was slow on Monday, but the teller apologised twice.",
    "The hotel clerk remembered our names and found us a quiet room away from the lift.",
    "Good conversations with customers start when a company stops reading from a script.",
    "The airline lost our bags and nobody at the desk could say where they had gone.",
    "A small bakery keeps its regulars by asking about their children and their week.",
    "Support chats that end with a real answer are rarer than they should be these days.",
    "The insurer sent three letters that contradicted each other about the same claim.",
    "Our waiter explained the menu slowly and never made anyone feel rushed or foolish.",
]


def essay(seed: int, n: int = 4) -> str:
    """A distinct essay of ``n`` paragraphs (distinct seeds give distinct texts)."""
    return "\n\n".join(f"{PROSE[(seed + i) % len(PROSE)]} Essay {seed}, part {i} of the "
                       f"argument continues here with detail {seed * 31 + i}."
                       for i in range(n))


def build(root: Path, entries: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in entries.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def accounted(corpus) -> list[str]:
    return (list(corpus.documents["path"]) + list(corpus.excluded["path"])
            + list(corpus.skipped["path"]))


def reason(corpus, path_end: str, table: str = "excluded") -> str:
    frame = getattr(corpus, table)
    rows = frame[frame["path"].str.endswith(path_end)]
    assert len(rows) == 1, f"{path_end} should be one row of {table}: {frame.to_dict('records')}"
    return rows["reason"].iloc[0]


def test_hidden_symlinked_special_and_nested_entries_are_all_listed(tmp_path):
    root = build(tmp_path / "c", {
        "a.txt": essay(1), ".hidden.txt": essay(2), ".drafts/b.txt": essay(3),
        "sub/c.txt": essay(4), "sub/metadata.csv": "file,author\nc.txt,Ana\n",
        "elsewhere/d.txt": essay(5),
    })
    (root / "linked").symlink_to(tmp_path / "c" / "elsewhere")     # read twice: a duplicate
    (root / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "sub" / "up").symlink_to(root)                          # a folder it is inside
    os.mkfifo(root / "pipe.txt")
    corpus = cl.load_corpus(root, min_words=5)

    docs = corpus.documents.set_index("doc_id")
    assert set(docs.index) == {"a", "sub/c", "elsewhere/d"}
    assert docs.loc["sub/c", "author"] == "Ana"                     # nested metadata.csv
    assert "duplicate of elsewhere/d" in reason(corpus, "linked/d.txt")
    assert "broken symbolic link" in reason(corpus, "broken.txt")
    assert "symbolic link loop" in reason(corpus, "loop.txt")
    assert "FIFO" in reason(corpus, "pipe.txt")
    assert "hidden file" in reason(corpus, ".hidden.txt", "skipped")
    assert "hidden folder" in reason(corpus, ".drafts", "skipped")
    assert "folder it is inside" in reason(corpus, "sub/up", "skipped")
    assert "metadata file" in reason(corpus, "sub/metadata.csv", "skipped")
    assert sorted(accounted(corpus)) == sorted(
        str(root / p) for p in ["a.txt", "sub/c.txt", "elsewhere/d.txt", "linked/d.txt",
                                "broken.txt", "loop.txt", "pipe.txt", ".hidden.txt", ".drafts",
                                "sub/up", "sub/metadata.csv"])

    with_hidden = cl.load_corpus(root, min_words=5, include_hidden=True)
    assert {".hidden", ".drafts/b"} <= set(with_hidden.documents["doc_id"])


def test_unreadable_file_and_folder_are_excluded_with_the_fix(tmp_path, monkeypatch):
    root = build(tmp_path / "c", {"ok.txt": essay(1), "locked.txt": essay(2),
                                  "closed/x.txt": essay(3)})
    real_read, real_scandir = Path.read_bytes, os.scandir

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    def scandir(path="."):
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "scandir", scandir)
    corpus = cl.load_corpus(root, min_words=5)
    assert list(corpus.documents["doc_id"]) == ["ok"]
    assert reason(corpus, "locked.txt") == ("cannot be read (permission denied); fix its "
                                            "permissions or remove it")
    assert "folder cannot be read (permission denied)" in reason(corpus, "closed")


def test_colliding_ids_never_overwrite_another_document(tmp_path):
    root = build(tmp_path / "c", {"essay.md": essay(1), "essay.txt": essay(2),
                                  "essay~2.txt": essay(3)})
    corpus = cl.load_corpus(root, min_words=5)
    docs = corpus.documents.set_index("path")
    assert corpus.excluded.empty and docs["doc_id"].is_unique
    for name, seed in [("essay.md", 1), ("essay.txt", 2), ("essay~2.txt", 3)]:
        assert docs.loc[str(root / name), "text"].startswith(PROSE[seed % len(PROSE)])
    assert docs.loc[str(root / "essay~2.txt"), "doc_id"] == "essay~2"

    table = pd.DataFrame({"doc_id": ["x", "x", "x~2"], "text": [essay(1), essay(2), essay(3)]})
    rows = cl.load_corpus(table, min_words=5).documents
    assert list(rows["doc_id"]) == ["x", "x~3", "x~2"]
    assert [t[:30] for t in rows["text"]] == [essay(s)[:30] for s in (1, 2, 3)]


def test_an_essay_published_three_times_is_kept_once_with_its_text(tmp_path):
    footer = "Subscribe to our newsletter for weekly notes on service and customers."
    root = build(tmp_path / "c", {
        "site-a.txt": essay(1), "site-b.txt": essay(1), "site-c.txt": essay(1),
        **{f"other{i}.txt": f"{essay(10 + i)}\n\nShared footer of the site, with words: "
           "we love our readers." for i in range(3)},
        "promo.txt": f"{essay(20)}\n\n{footer}",
    })
    corpus = cl.load_corpus(root, min_words=5)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["site-a", "text"] == essay(1)
    assert set(corpus.excluded["reason"]) == {
        "duplicate of site-a (same text; kept: the copy with the most metadata, else the first)"}
    assert len(corpus.excluded) == 2
    # The real shared footer is still recognised as one.
    footers = corpus.removed[corpus.removed["kind"] == "repeated-across-documents"]
    assert sorted(footers["doc_id"]) == ["other0", "other1", "other2"]


def test_binary_formats_saved_as_text_are_sniffed(tmp_path):
    root = build(tmp_path / "c", {
        "ok.txt": essay(1), "paper.txt": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj",
        "letter.md": b"PK\x03\x04\x14\x00\x06\x00", "photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
    })
    corpus = cl.load_corpus(root, min_words=5)
    assert list(corpus.documents["doc_id"]) == ["ok"]
    assert "PDF document; extract its text" in reason(corpus, "paper.txt")
    assert "zip archive" in reason(corpus, "letter.md")
    assert "PNG image" in reason(corpus, "photo.txt")


def test_non_utf8_file_names_are_kept_printable(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "ok.txt").write_text(essay(1), encoding="utf-8")
    with open(os.path.join(os.fsencode(root), b"caf\xe9.txt"), "wb") as handle:
        handle.write(essay(2).encode())
    corpus = cl.load_corpus(root, min_words=5)
    assert set(corpus.documents["doc_id"]) == {"ok", "caf\\xe9"}
    corpus.documents.to_parquet(tmp_path / "docs.parquet")   # was a UnicodeEncodeError


def test_series_and_list_inputs(tmp_path):
    texts = pd.Series([essay(1), essay(2)], index=["first", "second"], name="essays")
    corpus = cl.load_corpus(texts, min_words=5)
    assert list(corpus.documents["doc_id"]) == ["first", "second"]
    assert corpus.name == "essays"
    with pytest.raises(TypeError, match=r"not list; for a list of texts use pd.Series"):
        cl.load_corpus([essay(1)])
    with pytest.raises(ValueError, match="min_words must be"):
        cl.load_corpus(texts, min_words=-1)


def test_a_one_megabyte_line_is_segmented(tmp_path):
    line = " ".join(f"Sentence {i} says the service was fine." for i in range(25_000))
    assert len(line) > 1_000_000
    build(tmp_path / "c", {"long.txt": line})
    corpus = cl.load_corpus(tmp_path / "c")
    assert len(corpus.sentences) == 25_000
    assert corpus.sentences["text"].iloc[-1] == "Sentence 24999 says the service was fine."


@pytest.mark.parametrize("content, message", [
    (b"file,author\n\"a.txt,Ana\n", "not a readable CSV"),
    (b"\x00\x01\x02binary", "binary file"),
    (b"name,author\na.txt,Ana\n", "needs a 'file' column"),
    (b"file,author\na.txt,Ana\na.txt,Bo\n", "names 'a.txt' in more than one row"),
])
def test_malformed_metadata_is_one_line_naming_the_file(tmp_path, content, message):
    root = build(tmp_path / "c", {"a.txt": essay(1), "metadata.csv": content})
    with pytest.raises(MetadataError, match=message) as info:
        cl.load_corpus(root, min_words=5)
    assert str(root / "metadata.csv") in str(info.value)
    assert "\n" not in str(info.value)


def test_metadata_variants_that_work(tmp_path):
    root = build(tmp_path / "c", {
        "a.txt": essay(1), "b.txt": essay(2),
        "metadata.csv": "file,author,source\n./a.txt, Zoë ,Blog\nmissing.txt,Bo,X\n,Cy,Y\n"
                        .encode("cp1252"),
    })
    corpus = cl.load_corpus(root, min_words=5)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["a", "author"] == "Zoë" and docs.loc["a", "source"] == "Blog"
    assert pd.isna(docs.loc["b", "author"])
    assert "'missing.txt', which is not in the folder" in reason(corpus, "#row=3", "skipped")
    assert "empty 'file' column" in reason(corpus, "#row=4", "skipped")
    build(root, {"metadata.csv": b""})
    assert cl.load_corpus(root, min_words=5).documents["author"].isna().all()


def test_bad_tables_in_a_folder_are_excluded_and_a_bad_single_file_is_an_error(tmp_path):
    root = build(tmp_path / "c", {"ok.txt": essay(1), "a.csv": "title,body\nx,hello world\n",
                                  "b.jsonl": '{"text": "ok"}\n{bad json\n', "g.csv": "",
                                  "p.parquet": b"not parquet"})
    corpus = cl.load_corpus(root, min_words=5)
    assert list(corpus.documents["doc_id"]) == ["ok"]
    assert reason(corpus, "a.csv").startswith("no 'text' column (columns: title, body)")
    assert reason(corpus, "p.parquet").startswith("could not parse table (")
    assert reason(corpus, "g.csv") == "empty file (no text)"
    assert reason(corpus, "b.jsonl#row=1").startswith("not valid JSON (line 2: ")  # one line
    with pytest.raises(ValueError, match=r"a.csv': no 'text' column .* pass text_column="):
        cl.load_corpus(root / "a.csv")
    with pytest.raises(ValueError, match=r"holds no files to read .only 1 entry"):
        cl.load_corpus(build(tmp_path / "h", {".only.txt": essay(1)}))

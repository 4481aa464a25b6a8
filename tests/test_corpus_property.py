"""Property: over random folder trees, every input is accounted for exactly once, verbatim.

``inputs == documents + excluded + skipped``, and the text of every kept document is its
file's text after cleaning (nothing from another file, nothing garbled).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convolab as cl
from convolab.corpus.cleaning import clean_text

WORDS = ("bank hotel waiter clerk customer service slow kind rude patient answer letter queue "
         "refund promise apology manager desk phone chat ticket bag flight room bill").split()

sentence = st.lists(st.sampled_from(WORDS), min_size=6, max_size=12).map(
    lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)
prose = st.lists(paragraph, min_size=1, max_size=4).map("\n\n".join)
content = st.one_of(
    prose.map(lambda t: t.encode("utf-8")),
    prose.map(lambda t: t.encode("cp1252")),
    prose.map(lambda t: f"<html><body><p>{t}</p></body></html>".encode()),
    st.just(b""), st.just(b"\x00\x01\x02\x03"), st.just(b"%PDF-1.4 not text"),
    st.just(b"Hi."),
)
name = st.text("abcdefgh~-_.", min_size=1, max_size=6).filter(lambda n: n not in {".", ".."})
suffix = st.sampled_from([".txt", ".md", ".html", ".TXT", ".docx", ""])
tree = st.lists(st.tuples(st.lists(name, max_size=2), name, suffix, content),
                min_size=1, max_size=12)


@settings(max_examples=int(os.environ.get("CONVOLAB_PROPERTY_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree)
def test_every_input_is_accounted_for_once_and_verbatim(entries):
    root = Path(tempfile.mkdtemp())
    try:
        written: dict[str, bytes] = {}
        for folders, stem, ext, data in entries:
            path = root.joinpath(*folders, stem + ext)
            if any(str(p).startswith(str(path) + "/") for p in written) or any(
                    str(path).startswith(p + "/") for p in written):
                continue  # a file where a folder is wanted, or the reverse
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written[str(path)] = data
        expected = {_hidden_entry(root, p) or p for p in written}
        if all(_hidden_entry(root, p) for p in written):
            with pytest.raises(ValueError, match="holds no files to read .only .* hidden"):
                cl.load_corpus(root, min_words=3)
            return
        corpus = cl.load_corpus(root, min_words=3)
        paths = (list(corpus.documents["path"]) + list(corpus.excluded["path"])
                 + list(corpus.skipped["path"]))
        assert sorted(paths) == sorted(expected)
        assert corpus.documents["doc_id"].is_unique
        for _, doc in corpus.documents.iterrows():
            raw = written[doc["path"]]
            if doc["format"] == "html":
                continue  # markup removed; checked by the reader's own tests
            text = raw.decode(doc["encoding"] if doc["encoding"] != "utf-8" else "utf-8-sig")
            assert doc["text"] == "\n\n".join(clean_text(text).paragraphs)
    finally:
        shutil.rmtree(root)


def _hidden_entry(root: Path, path: str) -> str | None:
    """The outermost hidden file or folder on the way to ``path`` (it alone is listed)."""
    parts = Path(path).relative_to(root).parts
    for i, part in enumerate(parts):
        if part.startswith("."):
            return str(root.joinpath(*parts[:i + 1]))
    return None

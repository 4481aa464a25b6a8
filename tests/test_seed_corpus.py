"""The seed corpus as shipped in corpus/: counts, cleanliness, metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

import convolab as cl

ROOT = Path(__file__).resolve().parents[1]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"

# Web boilerplate seen in blog exports; none of it may survive cleaning.
BOILERPLATE = ["advertisement", "Source link", "Read more", "Post Views", "Share\n", "subscribe",
               "newsletter", "[image", "Blake Project", "Local News", "www.", "-DEG",
               "is a business consultant", "Contributed to", "FREE Publications"]


@pytest.fixture(scope="module")
def corpus():
    return cl.load_corpus(ROOT / "corpus")


def test_five_documents_kept(corpus):
    assert len(corpus.documents) == 5 and corpus.excluded.empty
    assert 100 <= len(corpus.sentences) <= 260


def test_no_boilerplate_left(corpus):
    text = "\n".join(corpus.documents["text"])
    for marker in BOILERPLATE:
        assert marker.lower() not in text.lower(), marker


def test_repeated_paragraph_kept_once(corpus):
    repeated = corpus.removed[corpus.removed["kind"] == "duplicate-paragraph"]
    assert len(repeated) == 1
    key = repeated["text"].iloc[0]
    doc = corpus.documents.set_index("doc_id").loc[repeated["doc_id"].iloc[0], "text"]
    assert doc.count(key) == 1


def test_offsets_match(corpus):
    texts = corpus.documents.set_index("doc_id")["text"]
    for table in (corpus.paragraphs, corpus.sentences):
        assert all(texts[r.doc_id][r.start:r.end] == r.text for r in table.itertuples())


def test_metadata_rows_cover_every_file():
    meta = pd.read_csv(ROOT / "corpus" / "metadata.csv", dtype=str)
    files = sorted(p.name for p in (ROOT / "corpus").glob("*.txt"))
    assert sorted(meta["file"]) == files
    assert {"file", "title", "author", "date", "source", "url"} <= set(meta.columns)


@pytest.mark.skipif(not SHARED_SEEDS.exists(), reason="shared/seeds not beside the checkout")
def test_files_are_byte_for_byte_copies():
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    seeds = sorted(digest(p) for p in SHARED_SEEDS.glob("*.txt"))
    ours = sorted(digest(p) for p in (ROOT / "corpus").glob("*.txt"))
    assert seeds == ours

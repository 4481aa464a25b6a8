"""Corpus layer: reading, bad input, metadata, segmentation and offsets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convolab as cl

ESSAY = (
    "Good service starts with listening. The staff at the corner shop remember every name.\n\n"
    "When a customer calls, the first answer matters more than the tenth. People forgive slow "
    "fixes but not indifference.\n\n"
    "Companies that measure only cost per call end up with callers who never come back."
)
OTHER = (
    "Restaurants divide work along clear lines. The host seats you and the waiter takes the "
    "order.\n\nThis works well until a guest asks for something outside the script. Then the "
    "workflow shows whom it was designed for."
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_messy_folder_accounts_for_every_file(tmp_path):
    write(tmp_path, "a_good.txt", ESSAY)
    write(tmp_path, "b_duplicate.txt", ESSAY)
    write(tmp_path, "c_empty.txt", "")
    write(tmp_path, "d_blob.txt", bytes(range(256)) * 20)
    write(tmp_path, "e_latin1.txt", ("Le café était très agréable, merci à l'équipe. " * 3
                                     + "\n\n" + OTHER).encode("latin-1"))
    write(tmp_path, "f_page.html", "<html><head><title>Workflows</title><script>var x=1;"
          "</script><style>p{}</style></head><body><nav>Home | About</nav><article><p>"
          "Banks sell nearly identical products, so the relationship is the product."
          "</p><p>Every teller conversation is a chance to learn what customers need next."
          "</p></article></body></html>")
    corpus = cl.load_corpus(tmp_path)
    assert sorted(corpus.documents["doc_id"]) == ["a_good", "e_latin1", "f_page"]
    reasons = dict(zip((Path(p).name for p in corpus.excluded["path"]), corpus.excluded["reason"]))
    assert set(reasons) == {"b_duplicate.txt", "c_empty.txt", "d_blob.txt"}
    assert "duplicate of a_good" in reasons["b_duplicate.txt"]
    assert "empty" in reasons["c_empty.txt"]
    assert "binary" in reasons["d_blob.txt"]
    docs = corpus.documents.set_index("doc_id")
    assert "café était très agréable" in docs.loc["e_latin1", "text"]
    assert docs.loc["e_latin1", "encoding"] == "cp1252"
    page = docs.loc["f_page"]
    assert page["title"] == "Workflows" and page["format"] == "html"
    assert "var x" not in page["text"] and "Home | About" not in page["text"]
    assert len(corpus.documents) + len(corpus.excluded) == 6


def test_cp1252_smart_quotes_decode(tmp_path):
    text = "\u201cCustomers\u201d don\u2019t wait \u2013 they leave. " * 4
    write(tmp_path, "quotes.txt", text.encode("cp1252"))
    doc = cl.load_corpus(tmp_path).documents.iloc[0]
    assert "\"Customers\" don't wait" in doc["text"]


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file or folder"):
        cl.load_corpus(tmp_path / "nope")
    with pytest.raises(ValueError, match="holds no files"):
        cl.load_corpus(tmp_path)


def test_unsupported_and_too_short_are_listed(tmp_path):
    write(tmp_path, "essay.txt", ESSAY)
    write(tmp_path, "slides.pdf", b"%PDF-1.4 ...")
    write(tmp_path, "oneliner.txt", "Service matters.")
    corpus = cl.load_corpus(tmp_path)
    reasons = dict(zip((Path(p).name for p in corpus.excluded["path"]), corpus.excluded["reason"]))
    assert "unsupported file type '.pdf'" in reasons["slides.pdf"]
    assert reasons["oneliner.txt"].startswith("too short: 2 words")
    assert len(cl.load_corpus(tmp_path, min_words=1).documents) == 2


def test_near_duplicate_is_excluded(tmp_path):
    long = " ".join(f"Sentence {i} says customers value a human voice on the line." for i in range(40))
    write(tmp_path, "a.txt", long)
    write(tmp_path, "b.txt", long.replace("Sentence 39", "Sentence thirty-nine"))
    corpus = cl.load_corpus(tmp_path)
    assert list(corpus.documents["doc_id"]) == ["a"]
    assert corpus.excluded["reason"].iloc[0].startswith("near-duplicate of a")


def test_boilerplate_is_removed_and_logged(tmp_path):
    raw = "\n".join([
        "Why Listening Wins", "Tuesday, March 4, 2025", "Share", "advertisement",
        "Good service starts with listening to the customer on the phone.",
        "[image of a telephone]",
        "Listening is cheap and it is the one thing most companies skip.",
        "This article is part of the Service Weekly newsletter. Sign up here to get it in your inbox.",
        "Good service starts with listening to the customer on the phone.",
        "Contributed to Service Weekly by Ada Lovelace, Author of Notes",
        "Ada Lovelace is a consultant and the founder of Listening Labs.",
        "Post Views: 12", "Source link", "Read more", "Local News",
    ])
    write(tmp_path, "post.txt", raw)
    corpus = cl.load_corpus(tmp_path)
    doc = corpus.documents.iloc[0]
    assert doc["text"] == ("Good service starts with listening to the customer on the phone.\n\n"
                           "Listening is cheap and it is the one thing most companies skip.")
    assert doc["title"] == "Why Listening Wins"
    assert doc["date"] == "2025-03-04"
    assert doc["author"] == "Ada Lovelace" and doc["source"] == "Service Weekly"
    kinds = corpus.removed.groupby("kind").size().to_dict()
    assert kinds == {"title": 1, "dateline": 1, "web-chrome": 5, "image-placeholder": 1,
                     "promotion": 1, "duplicate-paragraph": 1, "byline": 1, "author-bio": 1,
                     "navigation": 1}
    from convolab.corpus.cleaning import RULES

    assert set(kinds) <= set(RULES)  # every kind has a reason readers are shown


def test_prose_that_mentions_promotions_is_kept(tmp_path):
    text = ("Customers who subscribe to a service expect the same voice every time they call. "
            "An author who writes about service is a witness, not a consultant.\n\n"
            "Read more about your customers before you read more reports.")
    write(tmp_path, "essay.txt", text)
    doc = cl.load_corpus(tmp_path).documents.iloc[0]
    assert doc["text"].count("\n\n") == 1 and "subscribe to a service" in doc["text"]
    assert cl.load_corpus(tmp_path).removed.empty


def test_footer_shared_by_many_documents_is_removed(tmp_path):
    footer = "Our agency helps brands grow through research and strategy work."
    for i, body in enumerate([ESSAY, OTHER, ESSAY.replace("corner shop", "bakery") + " More."]):
        write(tmp_path, f"post{i}.txt", body + "\n\n" + footer)
    corpus = cl.load_corpus(tmp_path, near_duplicate_threshold=0.99)
    assert not corpus.documents["text"].str.contains("Our agency").any()
    assert (corpus.removed["kind"] == "repeated-across-documents").sum() == 3


def test_metadata_csv_is_merged(tmp_path):
    write(tmp_path, "one.txt", ESSAY)
    write(tmp_path, "metadata.csv", "file,title,author,date,source,url,topic_area\n"
          "one.txt,Listening,Jane Doe,2020-01-02,A Blog,,retail\n")
    doc = cl.load_corpus(tmp_path).documents.iloc[0]
    assert (doc["title"], doc["author"], doc["date"], doc["source"]) == \
        ("Listening", "Jane Doe", "2020-01-02", "A Blog")
    assert doc["topic_area"] == "retail" and doc["url"] is None


def test_dataframe_input_keeps_ids_and_metadata():
    frame = pd.DataFrame({"doc_id": ["x1", "x2"], "text": [ESSAY, OTHER], "blog": ["A", "B"]})
    corpus = cl.load_corpus(frame)
    assert list(corpus.documents["doc_id"]) == ["x1", "x2"]
    assert list(corpus.documents["blog"]) == ["A", "B"]
    with pytest.raises(ValueError, match="no 'body' column"):
        cl.load_corpus(frame, text_column="body")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_tables_are_read_row_by_row(tmp_path, suffix):
    frame = pd.DataFrame({"text": [ESSAY, OTHER, None], "author": ["A", "B", "C"]})
    path = tmp_path / f"posts{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(r) for r in frame.to_dict("records")))
    else:
        frame.to_parquet(path)
    corpus = cl.load_corpus(tmp_path)
    assert list(corpus.documents["doc_id"]) == ["posts-0", "posts-1"]
    assert list(corpus.documents["author"]) == ["A", "B"]
    assert corpus.excluded["path"].tolist() == [f"{path}#row=2"]


def test_offsets_and_units():
    corpus = cl.load_corpus(pd.DataFrame({"text": [ESSAY, OTHER]}))
    texts = corpus.documents.set_index("doc_id")["text"]
    for table in (corpus.paragraphs, corpus.sentences):
        for row in table.itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text
    assert corpus.sentences.groupby("doc_id")["sent_id"].apply(list).iloc[0] == list(range(5))
    sentences = corpus.units("sentence")
    assert sentences["unit_id"].is_unique and (sentences["para_id"] >= 0).all()
    assert list(corpus.units("document")["unit_id"]) == list(corpus.documents["doc_id"])
    with pytest.raises(ValueError, match="unit must be one of"):
        corpus.units("chapter")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_offsets_always_map_back(text):
    corpus = cl.load_corpus(pd.DataFrame({"text": [text]}), min_words=1)
    if corpus.documents.empty:
        assert len(corpus.excluded) == 1
        return
    doc = corpus.documents["text"].iloc[0]
    for table in (corpus.paragraphs, corpus.sentences):
        for row in table.itertuples():
            assert doc[row.start:row.end] == row.text and row.text.strip() == row.text


def test_summary_mentions_counts():
    corpus = cl.load_corpus(pd.DataFrame({"text": [ESSAY, ""]}))
    summary = corpus.summary()
    assert "1 documents kept, 1 excluded" in summary
    assert f"{len(corpus.sentences)} sentences" in summary and "Cleaning removed" in summary


def test_windows_cut_long_texts_at_sentence_ends_and_lose_nothing():
    import re

    from convolab.corpus.segment import windows

    text = "One two three. Four five six seven. Eight nine! Ten eleven twelve thirteen fourteen"
    offsets = [m.span() for m in re.finditer(r"\S+", text)]
    # A passage ends at the last sentence end in its second half, else after 5 tokens.
    assert windows(text, offsets, 5) == [
        ("One two three.", 3), ("Four five six seven.", 4),
        ("Eight nine! Ten eleven twelve", 5), ("thirteen fourteen", 2)]
    assert windows("Short text.", [(0, 5), (6, 11)], 5) == [("Short text.", 2)]


@pytest.mark.parametrize("written, read", [
    ("22,January,2004", "2004-01-22"), ("20,Junho,2004", "2004-06-20"),
    ("03,juillet,2004", "2004-07-03"), ("2007-03-15T10:00:00Z", "2007-03-15"),
    ("May 2004", "2004-05"), ("2004", "2004"),  # a period, never a day made up from today
    ("next Tuesday", None), ("yesterday", None), ("1e10", None), ("12:30", None),
    ("not a date", None)])
def test_dates_keep_the_precision_written_and_never_borrow_from_today(written, read):
    from convolab.corpus.dates import iso_date

    assert iso_date(written) == read


def test_partial_dates_are_placed_only_in_periods_they_fit():
    from convolab.compare.periods import readable_dates

    dates = pd.Series(["2004", "2004-05", "2004-05-30", "no date", None])
    placed = {freq: readable_dates(dates, freq).notna().tolist() for freq in ("YS", "MS", "W")}
    assert placed == {"YS": [True, True, True, False, False],
                      "MS": [False, True, True, False, False],
                      "W": [False, False, True, False, False]}

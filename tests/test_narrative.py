"""Computed prose: every number a narrative states equals an independent computation."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab import Corpus, narrative
from convolab.narrative import (
    REMOVAL_REASONS,
    describe_corpus,
    describe_excluded,
    describe_lengths,
    describe_metadata,
    describe_removed,
    document_labels,
    md_escape,
)


def _corpus(removed=None, excluded=None) -> Corpus:
    documents = pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        "title": ["Alpha <b>bold</b>", None, "Gamma"],
        "author": ["Ann", None, None],
        "date": ["2001-02-03", None, "1999-12-31"],
        "source": [None, None, "Zine"],
        "n_words": [120, 40, 300],
        "n_paragraphs": [3, 1, 6],
        "n_sentences": [8, 2, 20],
    })
    paragraphs = pd.DataFrame({"doc_id": ["a"] * 3 + ["b"] + ["c"] * 6})
    sentences = pd.DataFrame({"doc_id": ["a"] * 8 + ["b"] * 2 + ["c"] * 20})
    return Corpus(
        documents=documents, paragraphs=paragraphs, sentences=sentences,
        excluded=excluded if excluded is not None else
        pd.DataFrame(columns=["path", "doc_id", "reason"]),
        removed=removed if removed is not None else pd.DataFrame(columns=["doc_id", "kind", "text"]),
        name="three <i>essays</i>",
    )


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d[\d,]*(?:\.\d+)?", text))


def test_describe_corpus_states_the_counts():
    corpus = _corpus()
    story = describe_corpus(corpus)
    assert story.facts == {"name": "three <i>essays</i>", "n_documents": 3, "n_words": 460,
                           "n_paragraphs": 10, "n_sentences": 30, "n_excluded": 0,
                           "n_skipped": 0, "languages": {}}
    assert {"3", "460", "10", "30"} <= _numbers(story.text)
    assert "No input was excluded" in story.text
    assert "<i>" not in story.text and "&lt;i&gt;" in story.text


def test_describe_corpus_counts_exclusions():
    excluded = pd.DataFrame({"path": ["x.txt"], "doc_id": ["x"], "reason": ["too short: 3 words"]})
    story = describe_corpus(_corpus(excluded=excluded))
    assert story.facts["n_excluded"] == 1
    assert "1 further input was excluded" in story.text


def test_describe_metadata_counts_fields_and_date_range():
    corpus = _corpus()
    story = describe_metadata(corpus.documents)
    assert story.facts["n_with_title"] == 2
    assert story.facts["n_with_author"] == 1
    assert story.facts["n_with_date"] == 2
    assert story.facts["n_with_source"] == 1
    assert (story.facts["earliest"], story.facts["latest"]) == ("1999-12-31", "2001-02-03")
    assert "1999-12-31 to 2001-02-03" in story.text
    assert "2 documents have no known author" in story.text


def test_describe_lengths_names_shortest_and_longest():
    documents = _corpus().documents
    story = describe_lengths(documents)
    words = documents["n_words"]
    labels = document_labels(documents)
    assert story.facts["min_words"] == words.min() == 40
    assert story.facts["max_words"] == words.max() == 300
    assert story.facts["median_words"] == words.median()
    assert story.facts["shortest"] == labels[words.idxmin()] == "b"
    assert story.facts["longest"] == labels[words.idxmax()] == "Gamma"
    assert story.facts["mean_words_per_sentence"] == round(460 / 30, 1)
    assert {"40", "300", "120", str(round(460 / 30, 1))} <= _numbers(story.text)


def test_describe_removed_counts_by_kind_and_explains_each():
    removed = pd.DataFrame({
        "doc_id": ["a", "a", "c", "a"],
        "kind": ["web-chrome", "promotion", "web-chrome", "made-up-kind"],
        "text": ["Share", "Subscribe to our newsletter now", "Tweet", "odd <script>x</script>"],
    })
    corpus = _corpus(removed=removed)
    story = describe_removed(corpus.removed, corpus.documents)
    assert story.facts["n_removed"] == len(removed) == 4
    assert story.facts["n_words_removed"] == sum(len(t.split()) for t in removed["text"])
    assert story.facts["by_kind"] == removed["kind"].value_counts().to_dict()
    assert list(story.facts["by_kind"])[0] == "web-chrome"
    assert story.facts["n_documents_touched"] == 2
    assert story.facts["most_from"] == "Alpha <b>bold</b>"
    assert story.facts["most_from_count"] == 3
    assert REMOVAL_REASONS["promotion"] in story.text
    assert "a rule of the cleaner" in story.text  # unknown kinds still get a line
    assert "<b>" not in story.text and "of 3 documents" in story.text


def test_describe_removed_when_nothing_was_removed():
    story = describe_removed(_corpus().removed)
    assert story.facts["n_removed"] == 0
    assert "removed nothing" in story.text


def test_describe_excluded_groups_reasons():
    excluded = pd.DataFrame({
        "path": ["x", "y", "z"], "doc_id": ["x", "y", "z"],
        "reason": ["too short: 3 words after cleaning (min_words=10)",
                   "too short: 5 words after cleaning (min_words=10)",
                   "duplicate of a (same text)"],
    })
    story = describe_excluded(excluded)
    assert story.facts == {"n_excluded": 3, "by_reason": {"too short": 2, "duplicate of a": 1}}
    assert story.text.startswith("3 inputs were excluded: 2 too short and 1 duplicate of a.")
    assert describe_excluded(excluded.iloc[:0]).facts["n_excluded"] == 0


def test_document_labels_fall_back_to_doc_id():
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["T", float("nan"), "  "]})
    assert document_labels(documents).tolist() == ["T", "b", "c"]
    assert document_labels(documents[["doc_id"]]).tolist() == ["a", "b", "c"]


def test_narrative_renders_as_markdown_in_notebooks():
    story = describe_corpus(_corpus())
    assert story._repr_markdown_() == story.text == str(story)


def test_empty_documents_do_not_crash():
    empty = _corpus().documents.iloc[:0]
    assert describe_lengths(empty).facts == {}
    assert describe_metadata(empty).facts["n_documents"] == 0


def test_md_escape_neutralises_html():
    assert md_escape("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_escaped_text_renders_as_itself_and_never_as_markup(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(f"Named *{md_escape(text)}* here.")
    assert "<script" not in rendered
    inner = re.fullmatch(r"<p>Named <em>(.*)</em> here\.</p>\s*", rendered, re.S)
    if text.strip() and text == text.strip() and "  " not in text:
        assert inner is not None, rendered
        import html

        assert html.unescape(inner.group(1)) == text


@pytest.mark.slow
def test_narratives_match_a_loaded_corpus(tmp_path):
    """Against real tables from load_corpus (the synthetic essays of test_report)."""
    from test_report import write_corpus

    import convolab

    corpus = convolab.load_corpus(write_corpus(tmp_path / "essays"))
    story = describe_corpus(corpus)
    assert story.facts["n_sentences"] == len(corpus.sentences)
    assert story.facts["n_words"] == sum(len(t.split()) for t in corpus.documents["text"])
    lengths = describe_lengths(corpus.documents)
    assert lengths.facts["longest"].startswith("Crust <script>")
    assert "<script>" not in lengths.text
    assert narrative.describe_removed(corpus.removed, corpus.documents).facts["n_removed"] == \
        len(corpus.removed)


def test_corpus_prose_counts_skipped_entries_and_languages(tmp_path):
    from convolab import load_corpus
    from convolab.narrative import describe_corpus, describe_skipped

    folder = tmp_path / "c"
    folder.mkdir()
    english = ("The bank kept us waiting, but the teller apologised and fixed the account. "
               "Service at the branch was slow all week, and the manager wrote to say sorry.")
    russian = ("Обслуживание клиентов в банке было медленным. Сотрудники вежливо извинились "
               "и помогли нам открыть счёт без лишних вопросов.")
    (folder / "a.txt").write_text(english)
    (folder / "b.txt").write_text(russian)
    (folder / ".draft.txt").write_text(english + " Draft.")
    (folder / "metadata.csv").write_text("file,author\na.txt,Ana\ngone.txt,Bo\n")
    corpus = load_corpus(folder, min_words=5)
    story = describe_corpus(corpus)
    assert story.facts["n_skipped"] == 3 and story.facts["languages"] == {"ru": 1}
    assert "3 entries were deliberately not read" in story.text
    assert "1 document is not in English (1 in ru" in story.text
    skipped = describe_skipped(corpus.skipped)
    assert skipped.facts["by_reason"] == {"hidden file": 1, "metadata file": 1,
                                          "metadata row for 'gone.txt'": 1}
    assert skipped.text.startswith("3 entries were not read as an essay: 1 hidden file")


def test_themes_from_one_document_have_no_interval_and_are_said_so():
    from convolab.narrative.wording import ci_text, interval_counts

    table = pd.DataFrame({"ci_low": [0.1, -0.4, -0.1, float("nan")],
                          "ci_high": [0.3, -0.2, 0.2, float("nan")]})
    facts, sentence = interval_counts(table, "themes", ["warm", "cold", "flat", "lone"])
    assert (facts["n_above_zero"], facts["n_below_zero"], facts["n_include_zero"],
            facts["n_without_interval"]) == (1, 1, 1, 1)
    assert "For the remaining theme the interval includes zero" in sentence
    assert sentence.endswith("1 of the 4 themes draws all its sentences from one document, so "
                             "there is no interval (*lone*).")
    facts, sentence = interval_counts(table.iloc[[2, 3]], "themes", ["flat", "lone"])
    assert sentence.startswith("The one theme with an interval has one that includes zero")
    assert ci_text(float("nan"), float("nan")) == ("no interval: its sentences come from one "
                                                   "document")


@given(st.lists(st.text(min_size=1, max_size=80), max_size=400), st.integers(1, 10))
@settings(max_examples=60, deadline=None)
def test_a_capped_list_names_at_most_limit_and_counts_the_rest(items, limit):
    """Lists that grow with the corpus (essays, themes) are cut and counted, never listed."""
    from convolab.narrative.theme_tone import capped, short

    names = [short(x) for x in items]
    text = capped(names, limit)
    shown = names[:limit] if len(names) > limit else names
    assert text.startswith(shown[0] if shown else "")
    if len(names) > limit:
        assert text.endswith(f" and {len(names) - limit} more")
        assert names[limit] not in text or names[limit] in shown
    for name in names:  # short labels: cut at a word end, escaped, in italics
        assert name.startswith("*") and name.endswith("*") and len(name) <= 2 * 50 + 8

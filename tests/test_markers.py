"""Corpus-wide marks (urlLink, &nbsp;, site names, XXXX) kept out of topic terms and labels."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import blog_folder  # noqa: E402

import convolab as cl  # noqa: E402
from convolab.narrative import describe_excluded_terms  # noqa: E402
from convolab.topics import TopicModel, markers  # noqa: E402

SUBJECTS = {"bakery": ["baker", "dough", "loaf", "crust", "oven", "flour"],
            "garden": ["gardener", "mulch", "compost", "hedge", "soil", "seedling"],
            "sailing": ["skipper", "mast", "hull", "harbour", "tide", "keel"]}


def _documents(n: int = 120) -> pd.DataFrame:
    """``n`` short documents; marks and look-alike words each in a known number of them."""
    rng = np.random.default_rng(0)
    rows = []
    for d in range(n):
        nouns = SUBJECTS[list(SUBJECTS)[d % 3]]
        words = [f"The {rng.choice(nouns)} met the {rng.choice(nouns)} before noon."
                 for _ in range(4)]
        if d % 5 == 0:      # 24 of 120 (20%, twice the bar): a machine's mark, one spelling
            words.append("Read it at urlLink the page.")
        if d % 15 == 1:     # 8 (7%): the same form, too rare to be the corpus's
            words.append("A fooBar came.")
        if d % 4 == 1:      # 30 (25%): a brand spelled many ways
            words.append(f"We sold it on {['eBay', 'Ebay', 'ebay'][d % 3]} today.")
        if d % 6 == 2:      # 20: markup, an address, a placeholder
            words.append("Ring&nbsp;us at www.xanga.com or XXXX for more.")
        if d % 4 == 3:      # 30: one camel-cased word of the dictionary, always so spelled
            words.append("My iPhone rang.")
        rows.append({"doc_id": f"d{d:03d}", "text": " ".join(words)})
    return pd.DataFrame(rows)


def test_marks_are_widespread_tokens_written_as_no_word_is():
    docs = _documents()
    found = markers.corpus_stop_words(docs["text"], docs["doc_id"]).set_index("term")
    assert found["reason"].to_dict() == {"urllink": "marker", "nbsp": "address",
                                         "xanga": "address", "com": "address",
                                         "www": "address", "xxxx": "placeholder"}
    assert found.loc["urllink", ["spelling", "n_documents"]].tolist() == ["urlLink", 24]
    assert found.loc["urllink", "share"] == pytest.approx(0.2)
    # Kept: "mulch" (in 40 documents, not in the MiniLM vocabulary, but written as a word),
    # "ebay" (a capital inside in a third of its uses, under the 90% bar), "iphone" (a word
    # of the vocabulary, though always spelled so), "foobar" (7% of documents, under 10%).
    # And "ring", glued to an entity ("Ring&nbsp;us") but a word beside it.
    assert {"mulch", "ebay", "iphone", "foobar", "ring"}.isdisjoint(found.index)
    # The researcher's stop words are left out already, so not listed as the corpus's.
    again = markers.corpus_stop_words(docs["text"], docs["doc_id"], ["XXXX"])
    assert "xxxx" not in set(again["term"])
    # A handful of documents says nothing about what runs through a corpus.
    few = docs.head(markers.MIN_DOCUMENTS - 1)
    assert markers.corpus_stop_words(few["text"], few["doc_id"]).empty


def _marked_corpus():
    """Thirty documents on three subjects; every third one links with ``urlLink``."""
    rng = np.random.default_rng(1)
    rows, truth = [], []
    for d in range(30):
        subject = d % 3
        nouns = SUBJECTS[list(SUBJECTS)[subject]]
        for s in range(5):
            rows.append({"doc_id": f"d{d:02d}", "para_id": s, "sent_id": 0,
                         "text": f"The {rng.choice(nouns)} and the {rng.choice(nouns)} "
                                 f"{rng.choice(['waited', 'worked', 'rested'])} all day."})
            truth.append(subject)
        if d % 3 == 0:  # 10 of 30 documents: as many as the bar asks, a third of them
            rows.append({"doc_id": f"d{d:02d}", "para_id": 5, "sent_id": 0,
                         "text": f"urlLink {rng.choice(['news', 'notes', 'pictures'])} of "
                                 f"the {rng.choice(nouns)}."})
            truth.append(3)  # the embedder puts the marked sentences together, as MiniLM did
    units = pd.DataFrame(rows)
    centres = np.random.default_rng(2).normal(size=(4, 24))
    vectors = centres[truth] + 0.05 * rng.normal(size=(len(truth), 24))
    return units, (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype("f4")


@pytest.fixture(scope="module")
def marked():
    units, vectors = _marked_corpus()
    tm = TopicModel(embedding="tfidf", n_topics=4, stop_words=["day"], random_state=0)
    return tm.fit(units, embeddings=vectors)


def test_a_mark_is_no_topic_term_or_label_and_its_topic_is_a_style(marked):
    assert marked.corpus_stop_words_[["term", "n_documents", "reason"]].values.tolist() == \
        [["urllink", 10, "marker"]]
    terms = marked.topic_terms_["term"]
    assert not terms.str.contains("urllink").any()
    assert not any("urllink" in label.lower() for label in marked.labels_.values())
    # The researcher's stop words still add to the corpus's: "day" is in every sentence.
    assert "day" not in set(terms) and "day" not in set(marked.corpus_stop_words_["term"])
    # The ten marked sentences are a topic of their own (the embedder grouped them); what
    # holds it together is the mark, in all of them and in 10 of 160 sentences overall.
    marked_topic = marked.assignments_.loc[
        marked.assignments_["text"].str.startswith("urlLink"), "topic"].unique()
    assert len(marked_topic) == 1
    row = marked.topics_.set_index("topic").loc[marked_topic[0]]
    assert row["kind"] == "style" and "corpus mark" in row["label"]
    assert set(marked.topics_["kind"]) == {"subject", "style"}
    # Merging rebuilds terms with the same stop words.
    subjects = marked.topics_.loc[marked.topics_["kind"] == "subject", "topic"].tolist()
    merged = copy.deepcopy(marked).merge_topics([[marked_topic[0], subjects[0]]])
    assert not merged.topic_terms_["term"].str.contains("urllink").any()


def test_excluded_terms_are_told_in_one_sentence_or_not_at_all(marked):
    story = describe_excluded_terms(marked)
    assert story.facts["terms"][0]["term"] == "urllink"
    assert story.text.count(". ") + story.text.endswith(".") <= 2
    assert "*urlLink* (in 33% of the documents; written as no English word is)" in story.text
    assert describe_excluded_terms(SimpleNamespace()).text == ""
    empty = SimpleNamespace(corpus_stop_words_=pd.DataFrame(columns=markers.COLUMNS))
    assert describe_excluded_terms(empty).text == "" and \
        describe_excluded_terms(empty).facts == {"terms": []}
    # Corpus text is escaped like any other (a mark of markup keeps its characters inert).
    odd = SimpleNamespace(corpus_stop_words_=pd.DataFrame(
        [["nbsp", "nb_sp*", 40, 0.4, "address"], ["xxxx", "XXXX", 12, 0.12, "placeholder"]],
        columns=markers.COLUMNS))
    text = describe_excluded_terms(odd).text
    assert "*nb\\_sp\\** (in 40% of the documents; part of web addresses or markup) and " \
           "*XXXX* (in 12% of the documents; one letter repeated, a placeholder)" in text


@pytest.mark.skipif(not blog_folder.available(), reason="the dev blog posts are not here")
def test_on_real_posts_the_link_mark_goes_and_words_stay(tmp_path):
    # 100 posts (seed 0): urlLink is in 12% of them; cashier in 10% and lol in 6%, not in the
    # MiniLM vocabulary either, are words and stay.
    corpus = cl.load_corpus(blog_folder.write_folder(tmp_path / "posts", n=100, seed=0))
    units = corpus.units("sentence")
    found = markers.corpus_stop_words(units["text"], units["doc_id"])
    assert found["term"].tolist() == ["urllink"]
    assert found["share"].iloc[0] >= markers.MIN_SHARE

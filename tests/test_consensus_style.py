"""Seed-free topics (consensus over runs) and style topics, on synthetic vectors and texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from convolab.topics import clustering, consensus, representation, style


def test_co_association_counts_shared_topics_and_never_outliers():
    runs = [np.array([0, 0, 1, -1]), np.array([0, 1, 1, -1])]
    co = consensus.co_association(runs)
    assert co[0, 1] == 0.5 and co[1, 2] == 0.5 and co[0, 2] == 0
    assert co[3, 3] == 0 and co[0, 0] == 1


def test_the_majority_partition_wins_and_small_groups_join_the_nearest():
    vectors = np.repeat(np.eye(3), [6, 6, 1], axis=0)
    vectors[12] = [0.9, 0.1, 0]  # a loner nearest the first group
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    majority = np.repeat([0, 1, 2], [6, 6, 1])
    odd = np.array([0] * 3 + [1] * 9 + [0])  # one run disagrees
    combined = consensus.combine([majority, majority, odd], vectors, min_size=3)
    assert adjusted_rand_score(combined[:12], majority[:12]) == 1
    assert combined[12] == combined[0]  # the group of one is no topic
    kept_out = consensus.combine([majority, majority, odd], vectors, 3, reduce_outliers=False)
    assert kept_out[12] == -1 and (kept_out[:12] >= 0).all()


def test_number_of_runs_and_their_seeds():
    assert consensus.max_runs("auto", 100) == consensus.MAX_RUNS
    assert consensus.max_runs("auto", 1000) == 48
    assert consensus.max_runs("auto", consensus.MAX_UNITS) == 12
    assert consensus.max_runs("auto", consensus.MAX_UNITS + 1) == 1
    assert consensus.max_runs(3, 10) == 3
    assert consensus.run_seeds(0, 4) == consensus.run_seeds(0, 4)
    assert consensus.run_seeds(0, 4) != consensus.run_seeds(1, 4)
    assert consensus.run_seeds(None, 4) != consensus.run_seeds(None, 4)


def test_consensus_topics_barely_depend_on_the_seed():
    # Five overlapping blobs: single runs split them differently from seed to seed.
    rng = np.random.default_rng(3)
    labels = np.repeat(np.arange(5), 30)
    vectors = rng.normal(size=(5, 12))[labels] + 2.0 * rng.normal(size=(150, 12))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    def agreement(**kw):
        a, b = (clustering.cluster(vectors, random_state=s, cache_dir=False, **kw)[0]
                for s in (0, 1))
        return adjusted_rand_score(a, b)

    single, combined = agreement(n_init=1), agreement()
    # Measured for seed pairs (0, 1) and (2, 3), on these vectors and on two copies nudged by
    # float rounding (x 1 + 1e-6 N(0, 1)): consensus 0.96-0.99, one run 0.44-0.73.
    assert combined >= 0.85 and combined > single
    how = clustering.cluster(vectors, random_state=0, cache_dir=False)[2]
    assert how.startswith("consensus of ") and "consensuses of half the runs agree" in how
    assert "consensus" not in clustering.cluster(vectors, random_state=0, cache_dir=False,
                                                 n_topics=3)[2]


QUESTIONS = ["Why would anyone wait?", "Who decided that?", "Is it fair?", "Where did it go?",
             "What changed since then?", "Could we do better?", "Who knows?", "Then what?",
             "Does that matter now?", "Why not?", "Is that all?", "Should we care?"]
BREAD = ["The baker kneads the dough before dawn and shapes every loaf by hand.",
         "Good dough needs time, so the baker lets the loaf rise overnight.",
         "Each loaf leaves the oven with a dark crust the baker is proud of.",
         "Flour, water and salt become dough under the baker's hands.",
         "The bakery sells out of its sourdough loaf before noon.",
         "Rye dough is sticky, and the baker wets her hands to shape it."]


def test_a_topic_of_questions_without_shared_words_is_a_style():
    texts = pd.Series(QUESTIONS + BREAD)
    labels = np.repeat([0, 1], [12, 6])
    # c-TF-IDF's top terms of a style are one-off words: 3 of the 12 questions hold one.
    terms = pd.DataFrame({"topic": [0] * 5 + [1] * 5, "rank": list(range(5)) * 2,
                          "term": ["anyone", "wait", "decided", "anyone wait", "fair",
                                   "baker", "dough", "loaf", "hands", "oven"]})
    found = style.style_labels(texts, labels, terms, representation.analyze)
    assert found == {0: ("style", "style: questions · short sentences")}
    again = style.style_labels(texts, labels, terms, representation.analyze, unit="paragraph")
    assert again[0][1].endswith("short paragraphs")
    # Without a distinct form, a topic sharing no words is a remainder, not a style.
    plain = pd.Series([q.replace("?", ".") + " It was long ago and far away from here."
                       for q in QUESTIONS] + BREAD)
    assert style.style_labels(plain, labels, terms, representation.analyze) == \
        {0: ("mixed", "mixed: no words of its own")}


def _sentences(rng, words: list[str], n: int, holding: int, filler: list[str]) -> list[str]:
    """``n`` sentences of ``filler`` words; the first ``holding`` also hold one of ``words``."""
    out = []
    for i in range(n):
        picked = list(rng.choice(filler, 6))
        if i < holding:
            picked[2] = words[i % len(words)]
        out.append(" ".join(picked).capitalize() + ".")
    return out


FILLER = ["evening", "neighbour", "window", "letter", "morning", "garden", "parcel", "street",
          "kitchen", "yesterday", "corner", "weather", "stairs", "station", "journey", "river"]


def _kinds(topics: dict[str, tuple[list[str], int, int]], rng_seed: int = 0):
    """Units of each topic (name: its top terms, size, units holding one) and their kinds."""
    rng = np.random.default_rng(rng_seed)
    texts, labels, terms = [], [], []
    for t, (top, n, holding) in enumerate(topics.values()):
        texts += _sentences(rng, top, n, holding, FILLER)
        labels += [t] * n
        terms += [(t, r, w) for r, w in enumerate(top)]
    texts, labels = pd.Series(texts), np.array(labels)
    table = pd.DataFrame(terms, columns=["topic", "rank", "term"])
    analyze = representation.analyzer()
    return (style.style_labels(texts, labels, table, analyze),
            style.term_evidence(texts, labels, table, analyze).set_index("topic"))


def test_a_theme_whose_words_few_units_hold_is_a_subject_when_no_other_unit_holds_them():
    # Real themes of short sentences: a quarter of the food topic's units name food (the old
    # rule, coverage >= 0.3 alone, called it a remainder), but no other unit does.
    kinds, evidence = _kinds({"food": (["cheese", "dinner", "meat", "bread", "soup"], 40, 10),
                              "other": (["parcel", "station", "letter", "river", "stairs"],
                                        120, 120)})
    assert evidence.loc[0, "coverage"] == 0.25 < style.MIN_TERM_COVERAGE
    # (10.5 / 41) / (0.5 / 121) = 62: nine times the bar of 7.
    assert evidence.loc[0, "distinctiveness"] == pytest.approx(62, abs=1)
    assert 0 not in kinds


def test_a_topic_whose_words_are_as_common_elsewhere_is_a_remainder():
    # "people, time, ..." in a quarter of its units and in a fifth of the others' units:
    # distinctiveness 1.2, a sixth of the bar; no form sets it apart.
    words = ["people", "time", "place", "friend", "home"]
    kinds, evidence = _kinds({"vague": (words, 40, 10), "other": (words, 120, 24)})
    assert evidence.loc[0, "distinctiveness"] < style.MIN_DISTINCTIVENESS / 5
    assert kinds[0] == ("mixed", "mixed: no words of its own")


def test_short_replies_are_a_style_even_with_words_of_their_own():
    # One-word replies hold words no other unit holds ("nope", "yeah"): distinctive, but few
    # of them hold any (a fifth) and they are short (a quarter of the mean length): a style.
    replies = pd.Series(["Nope.", "Yeah.", "Okay then.", "Sure.", "Fine.", "Right.", "Hm.",
                         "Wow!", "Well.", "Maybe."] * 2)
    long = pd.Series(_sentences(np.random.default_rng(0), ["parcel"], 60, 60, FILLER))
    texts = pd.concat([replies, long], ignore_index=True)
    labels = np.repeat([0, 1], [20, 60])
    table = pd.DataFrame({"topic": [0, 0, 1], "rank": [0, 1, 0],
                          "term": ["nope", "yeah", "parcel"]})
    evidence = style.term_evidence(texts, labels, table, representation.analyze) \
        .set_index("topic")
    assert evidence.loc[0, "coverage"] == 0.2
    assert evidence.loc[0, "distinctiveness"] > 3 * style.MIN_DISTINCTIVENESS  # (4.5/21)/(0.5/61)
    assert style.style_labels(texts, labels, table, representation.analyze) == \
        {0: ("style", "style: short sentences")}
    # Were a third of them to hold one (coverage 0.3), their words would make them a subject.
    more = texts.copy()
    more[[3, 13]] = ["Nope, sure.", "Yeah, sure."]
    assert 0 not in style.style_labels(more, labels, table, representation.analyze)


def test_most_units_holding_a_corpus_mark_make_a_style_whatever_their_words():
    texts = pd.Series([f"urlLink {w} of the harbour." for w in ["news", "pictures"] * 5] +
                      _sentences(np.random.default_rng(1), ["parcel"], 60, 60, FILLER))
    labels = np.repeat([0, 1], [10, 60])
    table = pd.DataFrame({"topic": [0, 0, 1], "rank": [0, 1, 0],
                          "term": ["news", "harbour", "parcel"]})
    analyze = representation.analyzer(("urllink",))
    assert style.term_evidence(texts, labels, table, analyze)["coverage"].tolist()[0] == 1
    assert style.style_labels(texts, labels, table, analyze, marks=["urllink"]) == \
        {0: ("style", "style: sentences holding a corpus mark")}
    assert style.style_labels(texts, labels, table, analyze) == {}  # no marks: a subject


@pytest.mark.parametrize("text, form", [("Really?", "questions"), ("“Who knows?”", "questions"),
                                        ("Wow!", "exclamations"), ("My shop.", "first person"),
                                        ("Ask your bank.", "addressing the reader")])
def test_forms_are_read_from_the_text(text, form):
    row = style.forms(pd.Series([text])).iloc[0]
    assert row[form] and row.drop([form, "words"]).sum() == 0


def test_a_mark_is_a_form_only_where_it_stands_as_a_token():
    marked = style.forms(pd.Series(["See urlLink here.", "An urllinked page.", "Plain."]),
                         ["urllink"])["mark"]
    assert marked.tolist() == [True, False, False]

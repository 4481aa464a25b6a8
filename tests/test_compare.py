"""compare / over_time on corpora built so that the answer is known."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import convolab as cl

N_DOCS, N_SENTS = 24, 10


def known_answer(authors=None, seed=0):
    """Author A writes mostly about banks, critically; author B about hotels, warmly.

    Each document has 10 sentence units: 8 on its author's subject, 2 on the other one; tone is
    -0.5 (banks) / +0.5 (hotels) with noise. Dates spread over 2019 and 2020.
    """
    rng = np.random.default_rng(seed)
    authors = authors or ["A" if i < N_DOCS // 2 else "B" for i in range(N_DOCS)]
    units, scores, docs = [], [], []
    for i in range(N_DOCS):
        doc_id = f"d{i:02d}"
        own = 0 if i < N_DOCS // 2 else 1
        docs.append({"doc_id": doc_id, "author": authors[i], "source": "blog",
                     "date": f"{2019 + i % 2}-0{1 + i % 9}-15"})
        for s in range(N_SENTS):
            topic = own if s < 8 else 1 - own
            tone = (-0.5 if topic == 0 else 0.5) + rng.normal(0, 0.2)
            units.append({"unit_id": f"{doc_id}:s{s}", "doc_id": doc_id, "para_id": 0,
                          "sent_id": s, "topic": topic})
            scores.append({"doc_id": doc_id, "para_id": 0, "sent_id": s, "text": f"s{s}",
                           "sentiment": float(np.clip(tone, -1, 1)), "flag": "ok"})
    tm = SimpleNamespace(unit="sentence", assignments_=pd.DataFrame(units),
                         topics_=pd.DataFrame({"topic": [0, 1], "label": ["banks", "hotels"]}))
    return tm, pd.DataFrame(scores), pd.DataFrame(docs)


def test_compare_finds_both_known_differences():
    tm, scores, documents = known_answer()
    result = cl.compare(tm, scores, documents, by="author", n_permutations=999)
    shares = result.shares.set_index(["group", "topic"])
    assert shares.loc[("A", 0), "share"] == pytest.approx(0.8)
    assert shares.loc[("A", 0), "ci_low"] <= 0.8 <= shares.loc[("A", 0), "ci_high"]
    tests = result.tests.set_index(["measure", "topic"], drop=False)
    banks, overall = tests.loc[("share", 0)], result.tests[result.tests["topic"].isna()].iloc[0]
    assert banks["higher"] == "A" and banks["effect"] == pytest.approx(0.6)
    assert banks["effect_low"] > 0 and banks["p_adjusted"] < 0.05
    assert overall["higher"] == "B" and overall["p_adjusted"] < 0.05
    assert overall["effect"] > 0.4
    # Within a topic both authors are equally warm or critical: no difference claimed.
    within = result.tests[(result.tests["measure"] == "tone") & result.tests["topic"].notna()]
    assert not within["significant"].any()
    assert set(result.significant()["measure"]) == {"share", "tone"}


def test_compare_finds_nothing_when_groups_do_not_follow_content():
    tm, scores, documents = known_answer(authors=["A", "B"] * (N_DOCS // 2))
    result = cl.compare(tm, scores, documents, by="author", n_permutations=999)
    assert result.significant().empty
    assert (result.tests["p_adjusted"] > 0.05).all()


def test_compare_is_deterministic_and_names_the_columns_it_can_use():
    tm, scores, documents = known_answer()
    first = cl.compare(tm, scores, documents, by="author", n_permutations=199, random_state=3)
    again = cl.compare(tm, scores, documents, by="author", n_permutations=199, random_state=3)
    pd.testing.assert_frame_equal(first.tests, again.tests)
    pd.testing.assert_frame_equal(first.shares, again.shares)
    with pytest.raises(ValueError, match=r"no column 'region'.*two or more groups: author, "
                                         r"date"):
        cl.compare(tm, scores, documents, by="region")
    with pytest.raises(ValueError, match=r"'source' puts every document in one group"):
        cl.compare(tm, scores, documents, by="source")


def test_over_time_lists_every_period_and_marks_thin_ones():
    tm, scores, documents = known_answer()
    documents.loc[0, "date"] = "2022-06-01"  # one lone document two years later
    result = cl.over_time(tm, scores, documents, freq="YS", n_permutations=199)
    periods = result.groups.set_index("period")
    assert list(periods.index) == ["2019-01-01", "2020-01-01", "2021-01-01", "2022-01-01"]
    assert list(periods["n_docs"]) == [11, 12, 0, 1]
    assert list(periods["enough"]) == [True, True, False, False]
    thin = result.shares[result.shares["period"].isin(["2021-01-01", "2022-01-01"])]
    assert thin["share"].isna().all() and len(thin) == 4       # shown, not zero
    assert result.tone.set_index("period").loc["2022-01-01", "n_docs"] == 1
    with pytest.raises(ValueError, match="use a longer freq"):
        cl.over_time(tm, scores, documents, freq="MS", min_docs=5)
    with pytest.raises(ValueError, match="freq must be a pandas offset"):
        cl.over_time(tm, scores, documents, freq="fortnightly")


def test_document_level_bootstrap_is_wider_than_the_sentence_one_and_needs_two_documents():
    rng = np.random.default_rng(0)
    # Four essays whose sentences agree within an essay but not between essays.
    scores = pd.DataFrame({"doc_id": np.repeat(["a", "b", "c", "d"], 30),
                           "sentiment": np.repeat([-0.6, 0.5, -0.2, 0.7], 30)
                           + rng.normal(0, 0.05, 120), "topic": 0})
    by_sentence = cl.sentiment_by(scores, by="topic").iloc[0]
    by_document = cl.sentiment_by(scores, by="topic", cluster="doc_id").iloc[0]
    assert by_document["mean"] == pytest.approx(by_sentence["mean"])
    width = by_document["ci_high"] - by_document["ci_low"]
    assert width > 3 * (by_sentence["ci_high"] - by_sentence["ci_low"])
    assert by_document["n_docs"] == 4
    one = cl.sentiment_by(scores[scores["doc_id"] == "a"], by="topic", cluster="doc_id")
    assert one[["ci_low", "ci_high"]].isna().all(axis=None) and one["n_docs"].iloc[0] == 1

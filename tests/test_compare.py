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
    # Only author has two groups of MIN_DOCUMENTS (12 and 12); the dates are all different.
    with pytest.raises(ValueError, match=r"no column 'region'.*two or more groups of 10 or more "
                                         r"documents: author$"):
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


# --- no statement rests on a small group ---------------------------------------------------------

def test_groups_smaller_than_min_documents_are_listed_not_tested():
    from convolab.compare import MIN_DOCUMENTS

    # A and B (10 each) are compared; a third author with 3 documents, however different, is
    # listed as too small; "unknown" is no group at all.
    authors = ["A"] * 10 + ["C"] * 2 + ["B"] * 10 + ["C", "unknown"]
    tm, scores, documents = known_answer(authors=authors)
    result = cl.compare(tm, scores, documents, by="author", n_permutations=199)
    groups = result.groups.set_index("group")
    assert list(groups.index) == ["A", "B", "C"] and result.min_docs == MIN_DOCUMENTS == 10
    assert list(groups["enough"]) == [True, True, False] and groups.loc["C", "n_docs"] == 3
    assert result.n_missing == 1
    assert set(result.shares["group"]) == set(result.tone["group"]) == {"A", "B"}
    tested = result.tests.dropna(subset=["higher"])
    assert set(tested["higher"]) | set(tested["lower"]) <= {"A", "B"}
    # Lowered knowingly, the small group is tested.
    lowered = cl.compare(tm, scores, documents, by="author", min_docs=3, n_permutations=199)
    assert set(lowered.tone["group"]) == {"A", "B", "C"} and lowered.groups["enough"].all()
    with pytest.raises(ValueError, match=r"'author' has 0 group\(s\) of 11 or more"):
        cl.compare(tm, scores, documents, by="author", min_docs=11)


def test_over_time_tests_only_periods_of_min_documents():
    tm, scores, documents = known_answer()
    documents["date"] = ["2019-05-01"] * 12 + ["2021-05-01"] * 9 + ["2020-05-01"] * 3
    with pytest.raises(ValueError, match="only 1 period"):
        cl.over_time(tm, scores, documents, n_permutations=199)
    result = cl.over_time(tm, scores, documents, min_docs=3, n_permutations=199)
    assert result.groups["enough"].all() and result.min_docs == 3


# --- the default column ----------------------------------------------------------------------------

def _documents(n: int = 60, **columns) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(n)], "text": "x", **columns})


def test_default_column_is_a_few_well_filled_groups_not_an_id():
    from convolab.compare import assess_columns, choose_column

    rng = np.random.default_rng(0)
    documents = _documents(
        author=[f"{1000000 + i}" for i in range(60)],                   # one per document
        source=["indUnk"] * 20 + ["Student"] * 25 + ["Arts"] * 12 + ["Law"] * 3,
        gender=["female", "male"] * 30,
        age=[str(a) for a in rng.integers(13, 48, 60)],
        date="2004-05-01")
    table = assess_columns(documents).set_index("column")
    assert table.loc["author", "verdict"] == "id-like"
    # indUnk is no group: Student and Arts hold 37 of 60 documents, Law (3) is too small.
    assert table.loc["source", "verdict"] == "low coverage"
    assert table.loc["source", "n_unknown"] == 20 and table.loc["source", "small"] == {"Law": 3}
    assert table.loc["age", "by"] == "age band"
    assert table.loc["age", "verdict"] == "candidate"
    assert "date" not in table.index                                    # compared over time
    # gender and the age bands cover every document; gender's smallest group is larger.
    assert table.loc["gender", "verdict"] == "chosen" and choose_column(documents) == "gender"
    assert choose_column(documents.drop(columns="gender")) == "age band"
    assert choose_column(documents[["doc_id", "text", "author"]]) is None


def test_age_bands_are_survey_bands_joined_until_each_has_min_documents():
    from convolab.compare import group_values

    ages = [15] * 12 + [20] * 12 + [30] * 12 + [40] * 6 + [47] * 5 + [52] * 2
    documents = _documents(len(ages), age=[str(a) for a in ages])
    bands = group_values(documents, "age band")
    assert list(bands.cat.categories) == ["15–17", "18–24", "25–34", "35+"]
    assert bands.value_counts(sort=False).tolist() == [12, 12, 12, 13]
    assert bands.iloc[-1] == "35+"
    # compare accepts the band by name, in band order.
    tm, scores, _ = known_answer()
    small = documents.iloc[:24].assign(doc_id=[f"d{i:02d}" for i in range(24)])
    result = cl.compare(tm, scores, small, by="age band", n_permutations=99)
    assert list(result.groups["group"]) == ["15–17", "18–24"]
    with pytest.raises(ValueError, match=r"no column 'height band' \(nor a numeric column"):
        cl.compare(tm, scores, small, by="height band")


def test_too_many_groups_and_author_names_are_not_banded():
    from convolab.compare import assess_columns

    documents = _documents(140, source=[f"s{i % 14}" for i in range(140)],
                           author=[str(100 + i % 20) for i in range(140)])
    table = assess_columns(documents).set_index("column")
    assert table.loc["source", "verdict"] == "too many groups"       # 14 groups of 10
    # Digits, but an author: never cut into numeric bands; 20 authors of 7 posts each.
    assert table.loc["author", "by"] == "author"
    assert table.loc["author", "verdict"] == "no two groups"

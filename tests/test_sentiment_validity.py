"""Issue 11, tone: subject words carry no tone, polar sentences keep their sign, no pickle.

These use the shipped weights and the real MiniLM model on about 60 sentences (seconds, with
the embedding cache disabled so nothing is read from a previous run). The bound on the neutral
check set is one the previous scorer failed (its mean |score| there was 0.18).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from convolab.narrative import describe_document_aggregate, describe_neutral_check
from convolab.sentiment import SentimentModel, document_aggregate_report, neutral_check_report
from convolab.sentiment.scorers import WEIGHTS_PATH, ensemble, lexicon_mask
from convolab.sentiment.validity import (
    aggregate,
    document_aggregates,
    neutral_check_sentences,
    neutral_train_sentences,
    pseudo_documents,
)

#: Issue 25's bound; issue 11's first default scored 0.18 on the check set, VADER alone 0.07.
NEUTRAL_BOUND = 0.06


@pytest.fixture(scope="module")
def default_model():
    return SentimentModel(cache_dir=False)


@pytest.fixture(scope="module")
def check_scores(default_model):
    return default_model.score_texts(neutral_check_sentences())


def test_check_set_is_held_out_and_large_enough():
    check, train = neutral_check_sentences(), neutral_train_sentences()
    assert len(check) >= 40 and len(train) >= 100
    assert not {s.lower() for s in check} & {s.lower() for s in train}


def test_neutral_check_set_scores_near_zero(check_scores):
    assert np.abs(check_scores).mean() < NEUTRAL_BOUND
    assert np.abs(check_scores).max() < 0.4


@pytest.mark.parametrize("text", ["It happens with retail banking.",
                                  "Walmart doesn't make anything."])
def test_issue_sentences_carry_no_tone(default_model, text):
    assert abs(default_model.score_texts([text])[0]) <= 0.25


@pytest.mark.parametrize("text, sign", [
    ("The refund took three months and nobody ever apologised.", -1),
    ("The bank's staff were wonderful and fixed everything in minutes.", 1),
    ("Walmart's cashier was rude and useless.", -1),
    ("I love this hotel; the service is superb.", 1),
    ("The call centre kept me on hold for two hours, which was awful.", -1),
    ("The airline's crew were kind and the flight was a pleasure.", 1),
])
def test_polar_sentences_keep_their_sign(default_model, text, sign):
    assert np.sign(default_model.score_texts([text])[0]) == sign
    assert abs(default_model.score_texts([text])[0]) > 0.2


def test_shipped_weights_have_no_pickle_and_record_the_checks():
    with np.load(WEIGHTS_PATH, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)
        assert 0 < float(data["no_lexicon_shrink"]) < 1
    neutral = neutral_check_report().set_index("method")
    assert neutral.loc["ensemble", "mean_abs"] <= NEUTRAL_BOUND < \
        neutral.loc["vader", "mean_abs"]
    assert neutral.loc["ensemble", "n"] == len(neutral_check_sentences())
    docs = document_aggregate_report()
    assert set(docs["aggregate"]) == {"mean", "median", "top3_mean"}
    assert docs.groupby("method")["chosen"].sum().eq(1).all()


def test_stored_check_numbers_match_the_scorer(check_scores):
    stored = neutral_check_report().set_index("method").loc["ensemble", "mean_abs"]
    assert np.abs(check_scores).mean() == pytest.approx(stored, abs=1e-3)


def test_shrink_applies_only_without_lexicon_words():
    texts = ["Retail banking.", "A terrible bank."]
    lex = lexicon_mask(texts)
    assert lex.tolist() == [False, True]
    out = ensemble(np.zeros(2), np.array([-0.8, -0.8]), 0.0, None, lex, 0.25)
    np.testing.assert_allclose(out, [-0.2, -0.8])


def test_pseudo_documents_and_aggregates():
    rng = np.random.default_rng(1)
    gold = np.repeat([-1.0, 1.0], 50)
    groups = np.array(["a", "b"] * 50)
    docs = pseudo_documents(gold, groups, n_per_group=30)
    assert len(docs) == 60 and all(5 <= len(d) <= 10 for d in docs)
    assert all(len(set(groups[d])) == 1 for d in docs)
    assert aggregate(np.array([0.9, -0.1, 0.0, 0.1]), "top3_mean") == pytest.approx(0.3)
    assert aggregate(np.array([1.0, 0.0, 0.2]), "median") == 0.2
    with pytest.raises(ValueError):
        aggregate(np.ones(3), "max")
    # A scorer that flips a fifth of the signs keeps the mean well correlated with the rating.
    pred = gold * np.where(rng.random(100) < 0.2, -1, 1)
    rows = {r["aggregate"]: r for r in document_aggregates(pred, gold, groups)}
    assert rows["mean"]["pearson"] > 0.5 and sum(r["chosen"] for r in rows.values()) == 1


def test_narratives_state_the_stored_numbers():
    neutral = neutral_check_report()
    story = describe_neutral_check(neutral)
    row = neutral.set_index("method").loc["ensemble"]
    assert f"{row['mean_abs']:.2f}" in story.text and story.facts["n"] == row["n"]
    docs = describe_document_aggregate(document_aggregate_report())
    assert docs.facts["chosen"] in docs.text.split(". ")[0].replace(" ", "_") or \
        "the mean of its sentence scores" in docs.text
    assert "no neutral check" in describe_neutral_check(pd.DataFrame()).text.lower()
    other = pd.DataFrame([{"method": "ensemble", "aggregate": a, "pearson": r, "spearman": r,
                           "n_documents": 10, "chosen": a == "median"}
                          for a, r in (("mean", 0.5), ("median", 0.9), ("top3_mean", 0.4))])
    assert describe_document_aggregate(other).text.startswith(
        "An essay's tone is the median of its sentence scores")

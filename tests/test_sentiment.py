"""convolab.sentiment: scorers, flags, aggregation, topic join, evaluation, weights, plots.

Fast tests use VADER and a tiny fake embedder with synthetic weights; the shipped MiniLM model
is exercised in the ``slow`` tests at the bottom (acceptance criteria of issue 4).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.sentiment import (
    LearnedWeights,
    SentimentModel,
    evaluate_sentiment,
    sentiment_arc,
    sentiment_by,
    topic_sentiment,
)
from convolab.sentiment.aggregate import bootstrap_ci
from convolab.sentiment.flags import check_text
from convolab.sentiment.scorers import ensemble, litotes_mask
from convolab.sentiment.train import detokenise, load_uci

matplotlib.use("Agg")


class FakeEmbedder:
    """Two dims: counts of 'good' and 'bad'; enough to drive a linear scorer."""

    name = fingerprint = "fake-2d"
    uses_cache = False

    def encode(self, texts, progress=False):
        return np.array([[t.lower().count("good"), t.lower().count("bad")] for t in texts],
                        dtype=np.float32)


@pytest.fixture
def weights_file(tmp_path):
    weights = LearnedWeights(mean=np.zeros(2), scale=np.ones(2), coef=np.array([0.5, -0.5]),
                             intercept=0.0, ensemble_weight=0.25, embedder="fake-2d",
                             metadata={"note": "test"})
    return weights.save(tmp_path / "w.npz")


@pytest.fixture
def model(weights_file):
    return SentimentModel(embedder=FakeEmbedder(), weights=weights_file, cache_dir=False)


@pytest.fixture
def sentences():
    """Three essays of two sentences: warm, cold, mixed."""
    return pd.DataFrame({
        "doc_id": ["warm", "warm", "cold", "cold", "mixed", "mixed"],
        "para_id": [0, 1, 0, 0, 0, 1], "sent_id": [0, 1, 0, 1, 0, 1],
        "start": [0, 20, 0, 20, 0, 20], "end": [19, 40, 19, 40, 19, 40],
        "text": ["Good good service.", "A good day.", "Bad bad service.", "A bad day.",
                 "Good service.", "Bad day."]})


def test_score_keeps_ids_and_adds_columns(model, sentences):
    scores = model.score(sentences)
    assert list(scores.columns[:6]) == ["doc_id", "para_id", "sent_id", "start", "end", "text"]
    assert {"sentiment", "vader", "learned", "flag"} <= set(scores.columns)
    assert len(scores) == len(sentences)
    assert scores["sentiment"].between(-1, 1).all() and scores["sentiment"].notna().all()


def test_ensemble_is_the_stored_weighted_blend(model, sentences):
    scores = model.score(sentences)
    expected = 0.25 * scores["vader"] + 0.75 * scores["learned"]
    np.testing.assert_allclose(scores["sentiment"], expected.clip(-1, 1))


def test_learned_follows_the_weights(model):
    learned = SentimentModel("learned", embedder=FakeEmbedder(), weights=model.weights,
                             cache_dir=False).score_texts(["good good good good good", "bad"])
    np.testing.assert_allclose(learned, [1.0, -0.5])  # 2.5 clipped to 1


def test_vader_method_needs_no_embeddings(sentences):
    scores = SentimentModel("vader").score(sentences)
    assert "learned" not in scores.columns
    assert (scores["sentiment"] == scores["vader"]).all()


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        SentimentModel("bert").score_texts(["x"])


def test_embedder_must_match_the_weights(weights_file):
    class Other(FakeEmbedder):
        fingerprint = "other"

    with pytest.raises(ValueError, match="trained on"):
        SentimentModel(embedder=Other(), weights=weights_file, cache_dir=False) \
            .score_texts(["good"])


def test_precomputed_embeddings_are_used(weights_file):
    sm = SentimentModel("learned", embedder="minilm", weights=weights_file)
    out = sm.score_texts(["anything", "else"], embeddings=np.array([[1.0, 0], [0, 1.0]]))
    np.testing.assert_allclose(out, [0.5, -0.5])


@pytest.mark.parametrize("text, flag", [
    ("", "empty"), ("   ", "empty"), ("!!! ... ???", "empty"), ("2007.", "empty"),
    (None, "empty"), ("Le service client est très important pour nous.", "non-english"),
    ("Der Kunde ist nicht immer König, aber er ist wichtig.", "non-english"),
    ("Клиент всегда прав.", "non-english"), ("顧客は神様です。", "non-english"),
    ("Great Customer Service Drives Loyalty", "ok"), ("The meeting is on Tuesday.", "ok"),
    ("Las Vegas hotels are the best in the world.", "ok"),
])
def test_flags(text, flag):
    assert check_text(text)[1] == flag


def test_bad_input_scores_zero_and_never_nan(model):
    texts = ["", "@@@", "Le service client est très important pour nous.",
             "good " * 2000, None]
    scores = model.score(pd.DataFrame({"text": texts}))
    assert list(scores["flag"]) == ["empty", "empty", "non-english", "truncated", "empty"]
    assert scores[["sentiment", "vader", "learned"]].notna().all().all()
    assert (scores.loc[scores["flag"] != "truncated", "sentiment"] == 0).all()
    assert scores.loc[3, "sentiment"] > 0  # truncated, still scored on its head


def test_truncation_cuts_at_a_word_boundary():
    text, flag = check_text("word " * 500, max_chars=100)
    assert flag == "truncated" and len(text) <= 100 and text.endswith("word")


@given(st.lists(st.text(max_size=60), max_size=8))
@settings(max_examples=50, deadline=None)
def test_any_text_gets_a_defined_vader_score(texts):
    scores = SentimentModel("vader").score(pd.DataFrame({"text": texts}))
    assert len(scores) == len(texts)
    assert scores["sentiment"].between(-1, 1).all()
    assert scores["flag"].isin(["ok", "empty", "non-english", "truncated"]).all()


def test_litotes_goes_to_vader():
    texts = ["It was not bad at all.", "It was bad.", "It was good."]
    mask = litotes_mask(texts)
    assert mask.tolist() == [True, False, False]
    out = ensemble(np.array([0.4, -0.5, 0.5]), np.array([-0.6, -0.8, 0.7]), 0.3, mask)
    assert out[0] == pytest.approx(0.4) and out[1] == pytest.approx(0.3 * -0.5 + 0.7 * -0.8)


def test_scoring_is_deterministic(model, sentences):
    pd.testing.assert_frame_equal(model.score(sentences), model.score(sentences))


# --- aggregation ---------------------------------------------------------------------------

def test_sentiment_by_columns_and_values(model, sentences):
    table = sentiment_by(model.score(sentences), by="doc_id")
    assert list(table.columns) == ["doc_id", "n", "mean", "ci_low", "ci_high",
                                   "share_positive", "share_neutral", "share_negative",
                                   "n_excluded"]
    table = table.set_index("doc_id")
    assert table.loc["warm", "mean"] > 0 > table.loc["cold", "mean"]
    assert (table["ci_low"] <= table["mean"]).all() and (table["mean"] <= table["ci_high"]).all()
    shares = table[["share_positive", "share_neutral", "share_negative"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)


def test_neutral_band_is_applied():
    scores = pd.DataFrame({"doc_id": ["a"] * 4, "sentiment": [0.04, -0.04, 0.05, -0.5]})
    row = sentiment_by(scores).iloc[0]
    assert (row["share_neutral"], row["share_positive"], row["share_negative"]) == \
        (0.5, 0.25, 0.25)


def test_flagged_sentences_are_left_out_of_aggregates():
    scores = pd.DataFrame({"doc_id": ["a"] * 3, "sentiment": [0.5, 0.0, 0.0],
                           "flag": ["ok", "empty", "non-english"]})
    row = sentiment_by(scores).iloc[0]
    assert (row["n"], row["mean"], row["n_excluded"]) == (1, 0.5, 2)


def test_bootstrap_is_seeded_and_independent_of_other_groups():
    rng = np.random.default_rng(1)
    scores = pd.DataFrame({"doc_id": ["a"] * 30 + ["b"] * 30,
                           "sentiment": rng.uniform(-1, 1, 60)})
    one = sentiment_by(scores, random_state=3)
    assert one.equals(sentiment_by(scores, random_state=3))
    assert not one.equals(sentiment_by(scores, random_state=4))
    alone = sentiment_by(scores[scores["doc_id"] == "a"], random_state=3)
    assert alone.iloc[0]["ci_low"] == one.iloc[0]["ci_low"]


def test_bootstrap_ci_narrows_with_more_data():
    rng = np.random.default_rng(0)
    small = bootstrap_ci(rng.normal(size=10))
    large = bootstrap_ci(rng.normal(size=1000))
    assert large[1] - large[0] < small[1] - small[0]
    assert bootstrap_ci(np.array([0.3])) == (0.3, 0.3)


def test_sentiment_arc_positions_and_smoothing():
    scores = pd.DataFrame({"doc_id": ["a"] * 5, "sent_id": [4, 3, 2, 1, 0], "para_id": 0,
                           "text": list("edcba"), "sentiment": [1.0, 0.0, 0.0, 0.0, -1.0]})
    arc = sentiment_arc(scores, "a", window=3)
    assert arc["sent_id"].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(arc["position"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(arc["smoothed"], [-0.5, -1 / 3, 0, 1 / 3, 0.5])
    with pytest.raises(KeyError):
        sentiment_arc(scores, "nope")


# --- topic x tone --------------------------------------------------------------------------

def _assignments(sentences, unit):
    if unit == "sentence":
        frame = sentences.assign(topic=[0, 0, 1, 1, 0, -1])
    elif unit == "paragraph":
        frame = sentences.drop_duplicates(["doc_id", "para_id"]).assign(sent_id=-1)
        frame = frame.assign(topic=[0, 0, 1, 0, -1])
    else:
        frame = sentences.drop_duplicates("doc_id").assign(para_id=-1, sent_id=-1,
                                                           topic=[0, 1, -1])
    return frame.assign(unit_id=range(len(frame)), probability=1.0)


@pytest.mark.parametrize("unit", ["sentence", "paragraph", "document"])
def test_topic_sentiment_joins_on_the_unit(model, sentences, unit):
    scores = model.score(sentences)
    topics = pd.DataFrame({"topic": [-1, 0, 1], "label": ["outliers", "warmth", "coldness"]})
    table = topic_sentiment(_assignments(sentences, unit), scores, topics)
    assert table["topic"].tolist() == [0, 1, -1]  # outliers kept, listed last
    assert table["n"].sum() == len(scores)
    row = table.set_index("label").loc["coldness"]
    assert row["mean"] < 0 and row["most_negative_doc_id"] == "cold"
    assert row["most_negative"] == scores.loc[
        (scores["doc_id"] == row["most_negative_doc_id"])
        & (scores["sent_id"] == row["most_negative_sent_id"]), "text"].item()
    assert not topic_sentiment(_assignments(sentences, unit), scores, topics,
                               include_outliers=False)["topic"].eq(-1).any()


def test_topic_sentiment_accepts_a_model_object(model, sentences):
    class Fitted:
        unit = "sentence"
        assignments_ = _assignments(sentences, "sentence")
        topics_ = pd.DataFrame({"topic": [-1, 0, 1], "label": ["o", "w", "c"]})

    table = topic_sentiment(Fitted(), model.score(sentences))
    assert table["label"].tolist() == ["w", "c", "o"]
    unlabelled = topic_sentiment(Fitted.assignments_, model.score(sentences))
    assert unlabelled["label"].tolist() == ["topic 0", "topic 1", "outliers"]
    assert {"ci_low", "ci_high", "share_positive", "most_positive", "n_units"} <= \
        set(table.columns)


# --- evaluation, training helpers, weights -------------------------------------------------

def test_evaluate_sentiment_metrics(model):
    texts = ["good", "bad", "good good", "bad bad"]
    result = evaluate_sentiment(model, texts, [0.5, -0.5, 0.9, -0.9])
    assert result["accuracy"] == 1.0 and result["macro_f1"] == 1.0 and result["n"] == 4
    assert result["pearson"] > 0.9
    wrong = evaluate_sentiment(np.array([-1.0, 1.0, 0.0]), ["a", "b", "c"], [1.0, -1.0, 1.0])
    assert wrong["accuracy"] == 0.0 and wrong["macro_f1"] == 0.0


def test_evaluate_sentiment_polar_threshold():
    result = evaluate_sentiment(np.array([0.5, -0.5, -0.1]), list("abc"), [0.9, -0.9, 0.1],
                                polar_threshold=0.2)
    assert result["n"] == 3 and result["n_polar"] == 2 and result["accuracy"] == 1.0


def test_weights_roundtrip_without_pickle(weights_file):
    loaded = LearnedWeights.load(weights_file)
    assert loaded.ensemble_weight == 0.25 and loaded.metadata == {"note": "test"}
    with np.load(weights_file, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)


def test_shipped_weights_record_their_training():
    from convolab.sentiment import load_weights, training_report

    weights = load_weights()
    assert weights.coef.shape == (384,) and 0 <= weights.ensemble_weight <= 1
    assert len(weights.metadata["data_sha256"]) == 9  # SST 3, UCI 3, EmoBank 2, Facebook 1
    report = training_report()
    pooled = report[(report["data"] == "all")].set_index("method")
    assert pooled.loc["ensemble", "pearson"] > pooled.loc["vader", "pearson"]
    assert pooled.loc["learned", "macro_f1"] > pooled.loc["vader", "macro_f1"]


def test_uci_reader_survives_the_imdb_trap(tmp_path):
    lines = ['A "quoted start of a review\t1', "Odd\u0085character inside\t0",
             "Tab\tinside the sentence\t1", ""]
    raw = "\n".join(lines).encode("utf-8")
    for name in ("yelp_labelled.txt", "amazon_cells_labelled.txt", "imdb_labelled.txt"):
        (tmp_path / name).write_bytes(raw)
    frame = load_uci(tmp_path)
    assert len(frame) == 9
    imdb = frame[frame["source"] == "imdb"]
    assert imdb["gold"].tolist() == [1.0, -1.0, 1.0]
    assert imdb["text"].iloc[2] == "Tab\tinside the sentence"


def test_detokenise_sst():
    assert detokenise("It does n't work , and it 's `` fun '' .") == \
        "It doesn't work, and it's \"fun\"."


# --- plots ---------------------------------------------------------------------------------

def test_plots_return_axes(model, sentences, tmp_path):
    import matplotlib.pyplot as plt

    from convolab.plots.sentiment import (
        plot_sentiment_arcs,
        plot_sentiment_distribution,
        plot_topic_sentiment,
    )

    scores = model.score(sentences)
    ax = plot_sentiment_distribution(scores, save=tmp_path / "dist.png")
    assert (tmp_path / "dist.png").exists()
    assert {t.get_text() for t in ax.get_yticklabels()} == {"warm", "cold", "mixed"}
    ax = plot_sentiment_arcs(sentiment_arc(scores))
    assert len(ax.get_lines()) >= 3
    fig, given_ax = plt.subplots()
    table = topic_sentiment(_assignments(sentences, "sentence"), scores)
    assert plot_topic_sentiment(table, ax=given_ax) is given_ax
    assert len(given_ax.patches) == len(table)
    plt.close("all")


# --- the shipped model (slow: loads MiniLM) ------------------------------------------------

@pytest.fixture(scope="module")
def default_model():
    return SentimentModel()


@pytest.mark.slow
@pytest.mark.parametrize("text, low, high", [
    ("I love how the staff remembered my name!", 0.3, 1.0),
    ("The agent was rude and never called me back.", -1.0, -0.3),
    ("The meeting is on Tuesday.", -0.3, 0.3),
    ("It was not bad at all.", 1e-9, 1.0),
])
def test_acceptance_sentences(default_model, text, low, high):
    assert low < default_model.score_texts([text])[0] < high


@pytest.mark.slow
def test_seed_corpus_end_to_end(default_model):
    import convolab as cl

    corpus = cl.load_corpus("corpus")
    scores = default_model.score(corpus)
    assert len(scores) == len(corpus.sentences)
    assert scores["sentiment"].between(-1, 1).all() and scores["sentiment"].notna().all()
    pd.testing.assert_frame_equal(scores, SentimentModel().score(corpus))
    table = sentiment_by(scores, by="doc_id")
    assert len(table) == 5
    assert ((table["ci_low"] <= table["mean"]) & (table["mean"] <= table["ci_high"])).all()

"""TopicModel on a synthetic corpus of three clear themes (tfidf backend: fast, no torch)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import convolab as cl
from convolab.topics import TopicModel, clustering
from convolab.topics.metrics import (
    diversity,
    mean_ari,
    npmi_chance,
    npmi_coherence,
    stability_seeds,
)
from convolab.topics.representation import (
    UNIT_END,
    analyze,
    label_terms,
    represent,
    shared_terms,
    topic_label,
)


@pytest.fixture(scope="module")
def fitted(themed_corpus):
    return TopicModel(unit="sentence", embedding="tfidf", random_state=0).fit(themed_corpus)


def test_themes_are_recovered(fitted):
    truth = fitted.assignments_["doc_id"]
    assert fitted.evaluate()["n_topics"] >= 3
    # Each theme's sentences end up mostly in one topic of their own.
    purity = pd.crosstab(fitted.assignments_["topic"], truth).max(axis=1).sum() / len(truth)
    assert purity >= 0.8


def test_tables_are_tidy_and_traceable(fitted, themed_corpus):
    a = fitted.assignments_
    assert len(a) == len(themed_corpus.sentences) and a["unit_id"].is_unique
    assert {"doc_id", "para_id", "sent_id", "start", "end", "text", "topic",
            "probability"} <= set(a.columns)
    assert a["probability"].between(0, 1).all()
    t = fitted.topics_
    assert t["size"].sum() == len(a) and np.isclose(t["share"].sum(), 1)
    reps = fitted.representatives_.merge(a, on="unit_id", suffixes=("", "_a"))
    assert (reps["topic"] == reps["topic_a"]).all() and (reps["text"] == reps["text_a"]).all()
    shares = fitted.document_topics()
    assert np.allclose(shares.sum(axis=1), 1)
    long = fitted.document_topics(long=True)
    assert set(long.columns) == {"doc_id", "topic", "label", "n_units", "share"}


def test_no_stop_words_lead_a_topic(fitted):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    lead = fitted.topic_terms_[fitted.topic_terms_["rank"] < 3]["term"]
    assert not any(w in ENGLISH_STOP_WORDS for term in lead for w in term.split())


def test_deterministic(themed_corpus, fitted):
    again = TopicModel(unit="sentence", embedding="tfidf", random_state=0).fit(themed_corpus)
    pd.testing.assert_frame_equal(again.assignments_, fitted.assignments_)
    pd.testing.assert_frame_equal(again.topic_terms_, fitted.topic_terms_)


def test_evaluate_reports_trust_numbers(fitted):
    ev = fitted.evaluate(stability=True, n_seeds=2)
    assert set(ev.index) >= {"coherence_npmi", "diversity", "outlier_share", "stability_ari"}
    assert -1 <= ev["coherence_npmi"] <= 1 and 0 < ev["diversity"] <= 1
    assert ev["outlier_share"] == 0 and ev["stability_ari"] > 0.5


def test_transform_assigns_new_text(fitted):
    out = fitted.transform(["The waiter forgot the water and the bill.",
                            "The bank fee on my savings account went up."])
    by_doc = fitted.assignments_.groupby("doc_id")["topic"].agg(lambda s: s.mode()[0])
    assert list(out["topic"]) == [by_doc["restaurant"], by_doc["banking"]]


def test_too_few_units_is_a_clear_error():
    tiny = cl.load_corpus(pd.DataFrame({"text": ["One essay about service and customers and "
                                                 "what they want from a company today."]}))
    with pytest.raises(ValueError, match="Use unit='paragraph' or unit='sentence'"):
        TopicModel(unit="document", embedding="tfidf").fit(tiny)


def test_unfitted_model_says_so():
    with pytest.raises(RuntimeError, match="not fitted"):
        TopicModel().document_topics()


def test_forced_kmeans(themed_corpus):
    tm = TopicModel(embedding="tfidf", n_topics=3, random_state=0).fit(themed_corpus)
    assert len(tm.topics_) == 3 and tm.clustering_.startswith("k-means with k=3")


def test_plan_scales_with_corpus():
    small, large = clustering.plan(80), clustering.plan(50_000)
    assert small.n_neighbors < large.n_neighbors == 15
    assert 4 <= small.min_cluster_size < large.min_cluster_size <= 200
    assert large.low_memory and not small.low_memory


def test_analyzer_makes_only_adjacent_bigrams():
    terms = analyze("She admired again the long velvet skirt; don't you?")
    assert "velvet skirt" in terms and "admired long" not in terms
    assert "don" not in terms and "the" not in terms


def test_bigrams_end_at_punctuation_numbers_one_letter_words_and_units():
    terms = analyze("Everyone has a product. Largely, Amazon's product line sells; "
                    "buy a gadget 2007 sales\n\nbank fees\nhigher prices" + UNIT_END + "loan")
    assert {"amazon product", "product line", "bank fees", "fees higher", "higher prices"} \
        <= set(terms)
    assert not {"product largely", "sells buy", "buy gadget", "gadget sales", "prices loan"} \
        & set(terms)


def test_topic_terms_keep_any_alphabet_and_stay_within_units():
    # BERTopic's own preprocessing would give "ferr" and "berweisung", and "product largely".
    texts = ["Everyone has a product", "Largely, Amazon doesn't make anything it sells.",
             "I admired the Ferré skirt.", "Die Überweisung kam spät."] * 3
    labels = np.array([0, 0, 1, 1] * 3)
    _, model = represent(texts, np.eye(12, 4), labels, backend=None, n_terms=10,
                         random_state=0)
    words = {w for topic in (0, 1) for w, _ in model.get_topic(topic)}
    assert {"ferré", "überweisung", "ferré skirt"} <= words
    assert not {"ferr", "berweisung", "product largely"} & words
    assert model.representative_docs_[1][0] in texts


def test_topic_terms_are_words_its_units_share_not_one_units_repeats():
    # "busser" is repeated in one sentence, so c-TF-IDF ranks it above "fees"; no other unit
    # holds it.
    texts = ["The busser busser busser cleared the bank table.", "The bank raised its fees.",
             "Bank fees rose again.", "Fees at the bank hurt."]
    _, model = represent(texts, np.eye(4), np.zeros(4, int), backend=None, n_terms=5,
                         random_state=0)
    terms = [w for w, _ in model.get_topic(0)]
    assert terms[:2] == ["bank", "fees"] and "busser" not in terms


def test_shared_terms_keep_order_stop_early_and_pad_to_two():
    candidates = [("alpha", 3.0), ("beta", 2.0), ("gamma", 1.0), ("delta", 0.5)]
    read = []

    def analyze(text):
        read.append(text)
        return text.split()

    texts = ["alpha beta", "nothing pending", "alpha beta gamma", "delta", "never read"]
    assert shared_terms(candidates, texts, analyze, n_terms=2) == candidates[:2]
    # Both strongest terms were shared after three units; the second holds no candidate.
    assert read == [texts[0], texts[2]]
    # Nothing shared: the two strongest stand in, so every topic has a pair for NPMI.
    assert shared_terms(candidates, ["alpha", "beta"], str.split, 3) == candidates[:2]
    assert shared_terms(candidates, ["gamma", "gamma delta"], str.split, 3) == \
        [("alpha", 3.0), ("gamma", 1.0)]


def test_label_falls_back_on_the_strongest_ctfidf_terms_when_keybert_repeats_one_word():
    keybert = ["customer relationships", "customer relationship", "customers minds"]
    ctfidf = ["relationship", "conversation", "customer", "conversations", "relationships",
              "different", "personal"]
    assert topic_label(label_terms(keybert, ctfidf)) == "customer relationships · conversation"
    assert topic_label(label_terms([], ctfidf)) == "relationship · conversation · customer"


def test_label_skips_repeated_words():
    assert topic_label(["customer", "customers", "customer service", "bank", "fees"]) == \
        "customer · bank · fees"
    assert topic_label(["banker", "banking", "marketing", "market", "consumer", "construct"]) == \
        "banker · marketing · consumer"


def test_metrics_on_known_cases():
    texts = ["apple banana", "apple banana", "cherry", "cherry date"]
    together, apart = npmi_coherence([["apple", "banana"], ["apple", "cherry"]],
                                     str.split, texts)
    assert together == 1.0 and apart == -1.0
    assert diversity([["a", "b"], ["b", "c"]]) == 0.75
    assert mean_ari([0, 0, 1, 1], [[1, 1, 0, 0], [0, 1, 0, 1]]) == pytest.approx(0.25)


def test_chance_coherence_is_that_of_random_terms_of_the_same_frequency():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    # "apple banana" always together in 10 paragraphs; other words scattered at random.
    texts = [" ".join(rng.choice(words, 6)) for _ in range(300)]
    texts += ["apple banana " + " ".join(rng.choice(words, 4)) for _ in range(10)]
    lists = [["apple", "banana"]]
    assert npmi_coherence(lists, str.split, texts) == [1.0]
    chance = npmi_chance(lists, str.split, texts)
    assert -1 <= chance < 0.2 and chance == npmi_chance(lists, str.split, texts)
    assert np.isnan(npmi_chance(lists, str.split, [""]))


def test_save_load_round_trip(fitted, tmp_path, themed_corpus):
    tm = TopicModel(unit="paragraph", embedding="minilm", random_state=0)
    with pytest.raises(ValueError, match="'tfidf'"):
        fitted.save(tmp_path / "no")
    # Round trip with a real backend but precomputed (fake) embeddings, so no model is loaded.
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16))
    docs = themed_corpus.units("paragraph")["doc_id"].map({"restaurant": 0, "banking": 1,
                                                           "fashion": 2})
    vectors = centres[docs] + 0.05 * rng.normal(size=(len(docs), 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    tm.embedder_ = None
    tm._make_embedder = lambda: type("E", (), {"fingerprint": "fake", "model": None})()
    tm.fit(themed_corpus, embeddings=vectors.astype("f4"))
    loaded = TopicModel.load(tm.save(tmp_path / "model"))
    pd.testing.assert_frame_equal(loaded.topics_, tm.topics_)
    pd.testing.assert_frame_equal(loaded.assignments_, tm.assignments_)
    assert loaded.get_params() == tm.get_params()


def _blobs(n_blob: int, n_noise: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0, 0, 0], [10, 10, 0, 0, 0], [0, 10, 10, 0, 0]], float)
    blobs = np.concatenate([c + 0.1 * rng.normal(size=(n_blob, 5)) for c in centres])
    return np.concatenate([blobs, rng.uniform(-20, 30, size=(n_noise, 5))])


def test_clear_density_structure_keeps_hdbscan():
    reduced = _blobs(60, 10)
    _, how = clustering.choose_clusterer(reduced, clustering.plan(len(reduced)), "auto", 0)
    assert how.startswith("HDBSCAN")


def test_small_sparse_result_falls_back_to_kmeans_but_large_keeps_density():
    small = _blobs(20, 400)  # 460 units, most of them noise
    _, how = clustering.choose_clusterer(small, clustering.plan(len(small)), "auto", 0)
    assert how.startswith("k-means") and "unassigned" in how
    large = _blobs(100, 1200)  # 1,500 units: outliers are reassigned, topics kept
    _, how = clustering.choose_clusterer(large, clustering.plan(len(large)), "auto", 0)
    assert how.startswith("HDBSCAN")


# --- settings that cannot work: one-line errors naming the setting ------------------------------

@pytest.mark.parametrize("settings, message", [
    ({"n_topics": 0}, r"^n_topics=0: give a whole number of topics of at least 1"),
    ({"n_topics": -2}, r"^n_topics=-2:"),
    ({"n_topics": 2.5}, r"^n_topics=2\.5:"),
    ({"min_topic_size": 1}, r"^min_topic_size=1: a topic needs at least 2 units"),
    ({"min_topic_size": 0}, r"^min_topic_size=0:"),
    ({"unit": "chapter"}, r"^unit='chapter' is not supported; use one of 'sentence'"),
    ({"embedding": "bert"}, r"^embedding='bert' is not supported"),
    ({"clustering": "dbscan"}, r"^clustering='dbscan' is not supported"),
    ({"n_terms": 0}, r"^n_terms=0:"),
    ({"coarsen": "yes"}, r"^coarsen='yes': give True, False or 'auto'"),
    ({"reduce_outliers": 1}, r"^reduce_outliers=1: give True or False"),
    ({"random_state": -1}, r"^random_state=-1: give an integer from 0"),
    ({"random_state": "abc"}, r"^random_state='abc':"),
])
def test_a_bad_setting_fails_where_it_is_typed(settings, message):
    with pytest.raises(ValueError, match=message) as caught:
        TopicModel(**settings)
    assert "\n" not in str(caught.value)


def test_settings_are_checked_again_by_fit(themed_corpus):
    tm = TopicModel(embedding="tfidf")
    tm.min_topic_size = 1  # changed after construction, as set_params would
    with pytest.raises(ValueError, match="^min_topic_size=1"):
        tm.fit(themed_corpus)
    assert TopicModel(n_topics=None, min_topic_size=None, random_state=None).n_topics is None


def test_more_topics_than_units_is_a_clear_error(themed_corpus):
    n = len(themed_corpus.sentences)
    with pytest.raises(ValueError, match=f"^n_topics={n + 1} is more than the {n} sentence "
                                         f"units to model; ask for at most {n} topics"):
        TopicModel(embedding="tfidf", n_topics=n + 1).fit(themed_corpus)


def test_forced_hdbscan_that_finds_nothing_says_what_to_do(themed_corpus):
    with pytest.raises(ValueError, match="HDBSCAN found no topic.*smaller min_topic_size"):
        TopicModel(embedding="tfidf", clustering="hdbscan", min_topic_size=500).fit(themed_corpus)


def test_stability_without_a_seed(themed_corpus):
    """random_state=None: the refits' seeds come from a fresh generator (documented)."""
    tm = TopicModel(embedding="tfidf", n_topics=3, random_state=None).fit(themed_corpus)
    ev = tm.evaluate(stability=True, n_seeds=2)
    assert 0 < ev["stability_ari"] <= 1
    assert stability_seeds(None, 3) != stability_seeds(None, 3)  # fresh each time
    assert stability_seeds(7, 2) == [8, 9]


def test_stability_needs_a_refit(fitted):
    with pytest.raises(ValueError, match="^n_seeds=0: stability needs at least 1 refit"):
        fitted.evaluate(stability=True, n_seeds=0)
    assert "stability_ari" not in fitted.evaluate(n_seeds=0)  # irrelevant without stability


def test_near_topics_are_merged_and_distinct_ones_kept():
    rng = np.random.default_rng(0)
    axes = np.eye(8)
    # Topics 0 and 1 are one theme split in two (centres almost the same); 2 and 3 are apart.
    centres = [axes[0] + 0.1 * axes[1], axes[0] + 0.1 * axes[2], axes[3], axes[5]]
    labels = np.repeat([0, 1, 2, 3], 20)
    vectors = np.stack([centres[t] for t in labels]) + 0.05 * rng.normal(size=(80, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels[[5, 45]] = -1
    merged = clustering.merge_near_topics(vectors, labels)
    assert set(merged[labels == 1]) == {0} and set(merged[labels == 0]) == {0}
    assert set(merged[labels == 2]) == {2} and set(merged[labels == 3]) == {3}
    assert merged[5] == merged[45] == -1
    two = np.where(labels == 3, 2, labels)
    two = np.where(two == 1, 0, two)  # two topics are left alone, however near
    assert (clustering.merge_near_topics(vectors, two) == two).all()
    # No merging at all when the threshold is zero.
    assert (clustering.merge_near_topics(vectors, labels, 1e-9) == labels).all()

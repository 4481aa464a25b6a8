"""Tone tables and comparisons from Dask frames equal the pandas engine's (issue 27).

Synthetic frames split into three partitions (``dask.dataframe.from_pandas``), computed with
the synchronous scheduler: what is tested is the aggregation, not the cluster. Each test also
checks that the client is handed nothing the size of the corpus (the computed pieces are
per group, per (group, document) or per (document, topic)).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_compare import known_answer

import convolab as cl
from convolab.compare import distributed as compare_distributed
from convolab.sentiment import distributed, topic_document_tone
from convolab.sentiment.summary import normal_interval

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

# Sums differ from a single pass by rounding only (per-partition totals added up).
TIGHT = dict(check_dtype=False, rtol=1e-12, atol=1e-12)


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="sync"):
        yield


def sentences(n_docs: int = 30, seed: int = 0) -> pd.DataFrame:
    """Scores of ``n_docs`` essays of 1-39 sentences; flags and ties as real scores have them
    (VADER's compound has 4 decimals, here 2, so equal scores occur in every topic)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_docs):
        for s in range(int(rng.integers(1, 40))):
            rows.append({"doc_id": f"d{d:02d}", "para_id": s // 5, "sent_id": s,
                         "text": f"sentence {s} of d{d:02d}",
                         "sentiment": float(np.round(np.clip(rng.normal(0.2 * (d % 3 - 1), 0.4),
                                                             -1, 1), 2)),
                         "flag": rng.choice(["ok", "ok", "ok", "empty", "truncated"]),
                         "author": f"a{d % 4}"})
    return pd.DataFrame(rows)


def units_of(scores: pd.DataFrame, unit: str, seed: int = 1) -> pd.DataFrame:
    """A topic (-1 to 4) per sentence, paragraph or document of ``scores``."""
    keys = {"sentence": ["doc_id", "sent_id"], "paragraph": ["doc_id", "para_id"],
            "document": ["doc_id"]}[unit]
    units = scores.drop_duplicates(keys)[["doc_id", "para_id", "sent_id"]].reset_index(drop=True)
    units["unit_id"] = units["doc_id"] + ":" + units.index.astype(str)
    if unit != "sentence":
        units["sent_id"] = -1
    if unit == "document":
        units["para_id"] = -1
    units["topic"] = np.random.default_rng(seed).integers(-1, 5, len(units))
    return units


def split(frame: pd.DataFrame, n: int = 3):
    return dd.from_pandas(frame, npartitions=n)


@pytest.mark.parametrize("by", ["author", ["author", "para_id"], "doc_id"])
def test_sentiment_by_with_documents_resampled_is_the_pandas_table(by):
    scores = sentences()
    expected = cl.sentiment_by(scores, by, cluster="doc_id")
    got = cl.sentiment_by(split(scores), by, cluster="doc_id")
    pd.testing.assert_frame_equal(expected, got, **TIGHT)
    # A group of one document has no interval (NaN) in either engine; others have one.
    assert expected["ci_low"].notna().any() == (by != "doc_id")


def test_the_client_receives_one_row_per_group_and_document():
    scores = sentences()
    per_group, per_cluster = distributed.group_totals(
        split(scores), ["author"], column="sentiment", exclude_flags=("empty",),
        neutral_band=0.05, cluster="doc_id")
    per_group, per_cluster = dask.compute(per_group, per_cluster)
    assert len(per_group) == 4 and len(per_cluster) <= scores["doc_id"].nunique()
    assert "text" not in per_group.reset_index().columns


def test_sentence_resampling_is_the_normal_interval_close_to_the_bootstrap():
    rng = np.random.default_rng(3)
    n = 3000
    scores = pd.DataFrame({"group": rng.choice(["x", "y"], n),
                           "sentiment": np.clip(rng.normal(0.1, 0.45, n), -1, 1),
                           "doc_id": "one"})
    expected = cl.sentiment_by(scores, "group")
    got = cl.sentiment_by(split(scores), "group")
    same = ["group", "n", "mean", "share_positive", "share_neutral", "share_negative",
            "n_excluded"]
    pd.testing.assert_frame_equal(expected[same], got[same], **TIGHT)
    # The bootstrap's 2.5 % and 97.5 % quantiles from 2,000 draws scatter by about
    # 0.06 standard errors (sqrt(p (1 - p) / 2000) / density at the quantile); skewness
    # adds O(1/sqrt(n)). A fifth of a standard error is over three times that scatter.
    se = scores.groupby("group")["sentiment"].std(ddof=0).to_numpy() / \
        np.sqrt(scores.groupby("group").size().to_numpy())
    for side in ("ci_low", "ci_high"):
        assert np.all(np.abs(expected[side] - got[side]) < 0.2 * se), side


def test_the_normal_interval_keeps_the_bootstrap_edge_cases():
    nothing = dict(n=0, sum=0.0, sumsq=0.0, min=np.nan, max=np.nan)
    assert np.isnan(normal_interval(nothing, 0.95)).all()
    assert normal_interval(dict(n=3, sum=0.6, sumsq=0.12, min=0.2, max=0.2), 0.95) == \
        pytest.approx((0.2, 0.2))
    # Two far-apart values: the normal interval would leave their range; no resample can.
    low, high = normal_interval(dict(n=2, sum=0.0, sumsq=2.0, min=-1.0, max=1.0), 0.95)
    assert (low, high) == (-1.0, 1.0)


@pytest.mark.parametrize("unit", ["sentence", "paragraph", "document"])
@pytest.mark.parametrize("n_evidence", [1, 3])
def test_topic_sentiment_is_the_pandas_table(unit, n_evidence):
    scores = sentences()
    units = units_of(scores, unit)
    topics = pd.DataFrame({"topic": range(5), "label": [f"theme {t}" for t in range(5)]})
    expected = cl.topic_sentiment(units, scores, topics, unit=unit, n_evidence=n_evidence)
    got = cl.topic_sentiment(split(units, 4), split(scores), topics, unit=unit,
                             n_evidence=n_evidence)
    pd.testing.assert_frame_equal(expected, got, **TIGHT)
    # Sentence resampling and the outliers left out go through the same Dask path.
    got = cl.topic_sentiment(split(units), split(scores), topics, unit=unit, cluster=None,
                             include_outliers=False)
    assert -1 not in set(got["topic"]) and got["ci_low"].notna().all()


def test_topic_sentiment_of_a_model_with_dask_assignments_infers_nothing():
    scores = sentences(12)
    units = units_of(scores, "sentence")
    model = SimpleNamespace(unit="sentence", assignments_=split(units), topics_=None)
    expected = cl.topic_sentiment(units, scores)
    pd.testing.assert_frame_equal(expected, cl.topic_sentiment(model, split(scores)), **TIGHT)
    # A Dask assignments frame alone: its unit is read from the ids (one boolean computed).
    pd.testing.assert_frame_equal(expected, cl.topic_sentiment(split(units), scores), **TIGHT)


def test_evidence_candidates_are_few_per_topic():
    scores = sentences()
    joined = distributed.join_topics(split(scores), split(units_of(scores, "sentence")),
                                     "sentence")
    candidates = distributed.evidence_candidates(joined, "sentiment", ("empty",), 2).compute()
    assert candidates.groupby("topic").size().max() <= 4


def test_topic_document_tone_takes_dask_frames():
    scores = sentences(12)
    units = units_of(scores, "sentence")
    topics = pd.DataFrame({"topic": range(5), "label": list("abcde")})
    tm = SimpleNamespace(unit="sentence", assignments_=units, topics_=topics)
    expected = topic_document_tone(tm, scores)
    got = topic_document_tone(SimpleNamespace(unit="sentence", assignments_=split(units),
                                                 topics_=topics), split(scores))
    same = [c for c in expected.columns if c not in ("ci_low", "ci_high")]
    pd.testing.assert_frame_equal(expected[same], got[same], **TIGHT)


def assert_same_comparison(a, b) -> None:
    for name in ("groups", "shares", "tone", "topic_tone", "tests"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name, **TIGHT)
    assert (a.by, a.n_missing, a.min_docs) == (b.by, b.n_missing, b.min_docs)


def dask_inputs(tm, scores, documents):
    model = SimpleNamespace(unit=tm.unit, assignments_=split(tm.assignments_),
                            topics_=tm.topics_)
    return model, split(scores), SimpleNamespace(documents=split(documents, 2))


def test_compare_and_over_time_are_the_pandas_comparison():
    tm, scores, documents = known_answer()
    # Some sentences unusable and an outlier unit per document, as in real corpora.
    scores.loc[::7, "flag"] = "empty"
    tm.assignments_.loc[tm.assignments_["sent_id"] == 9, "topic"] = -1
    documents.loc[0, "author"] = "unknown"
    settings = dict(n_permutations=199, n_boot=300)
    expected = cl.compare(tm, scores, documents, by="author", **settings)
    assert_same_comparison(expected, cl.compare(*dask_inputs(tm, scores, documents),
                                                by="author", **settings))
    expected = cl.over_time(tm, scores, documents, freq="YS", **settings)
    assert_same_comparison(expected, cl.over_time(*dask_inputs(tm, scores, documents),
                                                  freq="YS", **settings))


def test_compare_brings_back_document_topic_totals_only():
    tm, scores, documents = known_answer()
    units, tone = compare_distributed.doc_topic_totals(
        split(tm.assignments_), split(scores), "sentence", ("empty",))
    pairs = tm.assignments_.groupby(["doc_id", "topic"]).ngroups
    assert len(units) == pairs and len(tone) <= pairs and "text" not in tone.columns
    local = compare_distributed.document_columns(split(documents), "author")
    assert list(local.columns) == ["doc_id", "author"] and len(local) == len(documents)


def test_compare_on_dask_explains_a_missing_column():
    tm, scores, documents = known_answer()
    with pytest.raises(ValueError, match="no column 'colour'.*author"):
        cl.compare(*dask_inputs(tm, scores, documents), by="colour")

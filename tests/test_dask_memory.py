"""The Dask loader keeps nothing per document on the client or in worker memory: duplicates
are paired on the workers (only candidates come back), ids are made unique from the ids
claimed twice, and the tables are Parquet files in a scratch folder, read back lazily.
Runs on Dask's synchronous scheduler: fast, and the same code the workers run."""

from __future__ import annotations

import dask
import numpy as np
import pandas as pd
import pytest
from test_corpus_inputs import build, essay
from test_dask import assert_same_corpus

import convolab as cl
from convolab.corpus import candidates
from convolab.corpus.duplicates import drop_duplicates, fingerprint
from convolab.corpus.readers import RawDocument


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def _prints(texts, start=0):
    from convolab.corpus.cleaning import clean_text

    raws = [RawDocument(f"f{start + i}.txt", "", "txt", doc_id=f"d{start + i}")
            for i in range(len(texts))]
    prints = [fingerprint(clean_text(t)) for t in texts]
    return raws, prints, candidates.print_rows(range(start, start + len(texts)), raws, prints)


def test_only_documents_that_share_a_bucket_reach_the_client(monkeypatch):
    texts = [essay(i) for i in range(60)]
    texts[17] = texts[3]                                     # a copy
    texts[40] = texts[8].replace("detail 251", "detail 252")  # a near copy
    parts = [_prints(texts[i:i + 20], i) for i in range(0, 60, 20)]
    fetched = []
    only = candidates._only
    monkeypatch.setattr(candidates, "_only",
                        lambda p, wanted: fetched.extend(wanted) or only(p, wanted))
    got_reasons, want_reasons = [], []
    dropped = candidates.copies([dask.delayed(p[2]) for p in parts],
                                [(i, i + 20) for i in range(0, 60, 20)], 0.9,
                                lambda doc, reason: got_reasons.append(reason), "")
    assert dropped == {17, 40}
    assert sorted(fetched) == [3, 8, 17, 40]  # 4 of 60 signatures left the workers
    everything = [(raw, *p) for raws, prints, _ in parts for raw, p in zip(raws, prints)]
    drop_duplicates(everything, 0.9, lambda doc, reason: want_reasons.append(reason), "")
    assert got_reasons == want_reasons


def test_repeated_ids_across_partitions_are_named_as_in_process(tmp_path):
    entries = {f"site{i}/essay.txt": essay(i) for i in range(7)}
    entries.update({"essay~2.txt": essay(50), "other/essay~3.md": essay(51),
                    "z/essay.md": essay(52)})
    root = build(tmp_path / "c", entries)
    a = cl.load_corpus(root, min_words=5)
    b = cl.load_corpus(root, min_words=5, engine="dask", files_per_partition=2)
    assert_same_corpus(a, b)
    assert b.documents["doc_id"].compute().is_unique


def test_tables_live_in_scratch_and_each_run_has_its_own_folder(tmp_path):
    root = build(tmp_path / "c", {f"e{i}.txt": essay(i) for i in range(6)})
    one = cl.load_corpus(root, engine="dask", scratch=tmp_path / "scratch")
    two = cl.load_corpus(root, engine="dask", scratch=tmp_path / "scratch")
    assert one.scratch.url != two.scratch.url
    runs = sorted(p.name for p in (tmp_path / "scratch").iterdir())
    assert len(runs) == 2 and all(r.startswith("run-") for r in runs)
    written = {p.parent.name for p in (tmp_path / "scratch" / runs[0]).rglob("*.parquet")}
    assert {"documents", "paragraphs", "sentences", "removed"} <= written
    # Nothing is held in memory: every table is read from those files when computed.
    pd.testing.assert_frame_equal(one.sentences.compute(), two.sentences.compute())
    one.scratch.remove()
    with pytest.raises(FileNotFoundError, match="scratch folder they all reach"):
        one.sentences.compute()


def test_a_sample_fit_writes_its_assignments_to_scratch(tmp_path):
    texts = pd.Series([essay(i, 6) for i in range(40)])
    corpus = cl.load_corpus(texts, engine="dask", scratch=tmp_path / "s")
    tm = cl.TopicModel(unit="sentence", embedding="static", random_state=0,
                       progress=False).fit(corpus, sample_size=120)
    assert list((tmp_path / "s").glob("run-*/assignments/*.parquet"))
    local = tm.assignments_.compute()
    assert len(local) == len(corpus.sentences.compute())
    shares = tm.document_topics().compute()
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert set(shares.index) == set(local["doc_id"])
    counts = tm.topics_.set_index("topic")["n_documents"]
    seen = local.groupby("topic")["doc_id"].nunique()
    assert counts.loc[seen.index].tolist() == seen.tolist()


def test_the_document_bootstrap_holds_few_weights_at_once_and_draws_the_same(monkeypatch):
    from convolab.sentiment import resample

    rng = np.random.default_rng(3)
    num, den = rng.normal(size=(500, 2)), rng.integers(1, 9, size=(500, 2)).astype(float)
    whole = resample.bootstrap_ratio(num, den, random_state=7)
    monkeypatch.setattr(resample, "_MAX_WEIGHTS", 500 * 7)  # batches of 7 draws
    np.testing.assert_array_equal(resample.bootstrap_ratio(num, den, random_state=7), whole)


def test_a_sample_of_many_short_documents_stays_near_its_size():
    """Past one unit per document, the sample is sample_size on average, not one per document."""
    from convolab.topics.partitioned import _stratified

    units = pd.DataFrame({"doc_id": np.repeat([f"d{i}" for i in range(2000)], 5),
                          "unit_id": np.arange(10_000)})
    sample = _stratified(units, 200 / 10_000, False, 0)
    assert 140 <= len(sample) <= 260  # 200 expected; sd ~13
    halves = pd.concat([_stratified(units.iloc[:5000], 0.02, False, 0),
                        _stratified(units.iloc[5000:], 0.02, False, 0)])
    pd.testing.assert_frame_equal(halves, sample)  # the same however the files were split
    assert _stratified(units, 0.02, True, 0)["doc_id"].nunique() == 2000  # room for all


def test_scores_meet_topics_partition_by_partition(tmp_path):
    from convolab.corpus.layout import aligned, mark, token_of
    from convolab.sentiment.distributed import join_topics

    root = build(tmp_path / "c", {f"e{i:02d}.txt": essay(i, 6) for i in range(24)})
    corpus = cl.load_corpus(root, engine="dask", files_per_partition=2, min_words=5)
    tm = cl.TopicModel(unit="sentence", embedding="static", random_state=0,
                       progress=False).fit(corpus, sample_size=60)
    scores = cl.SentimentModel(method="vader").score(corpus)
    assert corpus.sentences.npartitions == 12 and aligned(scores, tm.assignments_)
    joined = join_topics(scores, tm.assignments_, "sentence")
    assert "shuffle" not in str(joined.dask.keys())  # no sentence travels between workers
    filtered = scores[scores["sentiment"].notnull()]  # no mark: Dask's merge
    assert not aligned(filtered, tm.assignments_)
    keys = ["doc_id", "sent_id"]
    pd.testing.assert_frame_equal(
        joined.compute().sort_values(keys).reset_index(drop=True),
        join_topics(filtered, tm.assignments_, "sentence").compute()
        .sort_values(keys).reset_index(drop=True))
    assert len(joined.compute()) == len(scores.compute())
    shifted = mark(scores.partitions[list(range(1, 12)) + [0]], token_of(scores))
    with pytest.raises(ValueError, match="score and fit the same loaded corpus"):
        join_topics(shifted, tm.assignments_, "sentence").compute()

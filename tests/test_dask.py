"""The Dask engine gives the pandas engine's answers: documents, exclusions, tables, scores and
(with the sample set to the whole corpus) topic assignments, on a 2-process LocalCluster."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import THEMES
from test_corpus_inputs import PROSE, build, essay

import convolab as cl
from convolab.cli import main

distributed = pytest.importorskip("distributed")
TABLES = ("documents", "paragraphs", "sentences", "removed")


@pytest.fixture(scope="module")
def cache(_isolated_cache):
    """The session's embedding cache (conftest's), so the static model is distilled once."""
    return Path(_isolated_cache)


@pytest.fixture(scope="module")
def client(cache):
    # Workers inherit the environment they are started with, conftest's test cache included.
    cluster = cl.local_cluster(n_workers=2, dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_local_cluster_gives_one_thread_and_arrows_jemalloc_pool_to_each_worker(client):
    import pyarrow as pa

    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("this pyarrow build has no jemalloc pool")
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "jemalloc") != "jemalloc":
        pytest.skip("ARROW_DEFAULT_MEMORY_POOL names another pool in this environment")
    pools = client.run(lambda: __import__("pyarrow").default_memory_pool().backend_name)
    assert list(pools.values()) == ["jemalloc", "jemalloc"]
    assert set(client.nthreads().values()) == {1}


@pytest.mark.parametrize("kwargs", [{"env": None}, {"processes": False}])
def test_local_cluster_takes_what_local_cluster_takes(kwargs):
    with cl.local_cluster(n_workers=1, dashboard_address=None, **kwargs) as cluster:
        with distributed.Client(cluster) as client:
            assert client.submit(sum, [1, 2]).result() == 3


def test_a_pool_named_by_the_caller_is_kept(monkeypatch):
    import pyarrow as pa

    from convolab.cluster import worker_environment

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    has = "jemalloc" in pa.supported_memory_backends()
    assert worker_environment() == ({"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"} if has else {})
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    assert worker_environment() == {}


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values only: the engines may type an all-empty metadata column differently."""
    frame = frame.reset_index(drop=True).astype(object)
    return frame.where(frame.notna(), None)


def assert_same_corpus(a, b) -> None:
    for key in TABLES:
        pd.testing.assert_frame_equal(plain(getattr(a, key)),
                                      plain(getattr(b, key).compute()), obj=key)
    pd.testing.assert_frame_equal(a.excluded, b.excluded, obj="excluded")
    pd.testing.assert_frame_equal(a.skipped, b.skipped, obj="skipped")


def messy(root):
    footer = "Shared footer of the site, with words: we love our readers."
    table = pd.DataFrame({"doc_id": ["row-a", "row-a", None],
                          "text": [essay(30), essay(31), essay(1)], "author": ["X", "Y", "Z"]})
    build(root, {
        "essay.md": essay(1), "essay.txt": essay(2), "essay~2.txt": essay(3),
        "copy-of-essay.txt": essay(1),  # exact duplicate; rows.csv's copy, with an author, is kept
        "near.txt": essay(2).replace("detail 63", "detail 64"),        # near-duplicate
        **{f"site/f{i}.txt": f"{essay(10 + i)}\n\n{footer}" for i in range(4)},
        "short.txt": "Too short to keep.", "empty.txt": "",
        "paper.txt": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        ".hidden.txt": essay(40), "notes/metadata.csv": "file,author\nn.txt,Ann\n",
        "notes/n.txt": essay(41), "other.html": f"<html><body><p>{PROSE[0]}</p>"
                                                f"<p>{essay(42)}</p></body></html>",
    })
    table.to_csv(root / "rows.csv", index=False)
    return root


@pytest.mark.parametrize("files_per_partition", [1, 3])
def test_a_messy_folder_gives_the_same_corpus(client, tmp_path, files_per_partition):
    root = messy(tmp_path / "c")
    a = cl.load_corpus(root, min_words=5)
    b = cl.load_corpus(root, min_words=5, engine="dask",
                       files_per_partition=files_per_partition)
    assert b.engine == "dask" and b.documents.npartitions > 1
    assert_same_corpus(a, b)
    reasons = " ".join(b.excluded["reason"])
    for expected in ("duplicate of rows-2", "near-duplicate of essay~3", "too short",
                     "empty file", "PDF"):
        assert expected in reasons
    assert (b.removed["kind"] == "repeated-across-documents").sum().compute() == 4
    assert b.summary() == a.summary()


def test_dataframes_glob_and_parquet(client, tmp_path):
    frame = pd.DataFrame({"text": [essay(i) for i in range(12)] + [essay(3)],
                          "source": ["blog"] * 13})
    a = cl.load_corpus(frame, min_words=5)
    assert_same_corpus(a, cl.load_corpus(frame, min_words=5, engine="dask"))
    import dask.dataframe as dd

    assert_same_corpus(a, cl.load_corpus(dd.from_pandas(frame, npartitions=3), min_words=5))
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(3):
        frame.iloc[i * 5:(i + 1) * 5].to_parquet(parts / f"part-{i}.parquet", index=False)
    on_disk = cl.load_corpus(str(parts / "part-*.parquet"), min_words=5, engine="dask")
    assert on_disk.documents.npartitions == 3
    assert len(on_disk.excluded) == 1 and on_disk.documents.shape[0].compute() == 12
    written = on_disk.to_parquet(tmp_path / "tables")
    back = pd.read_parquet(written / "sentences")
    pd.testing.assert_frame_equal(plain(back), plain(on_disk.sentences.compute()))
    assert (written / "excluded.parquet").is_file()


def themed_frame() -> pd.DataFrame:
    rows = []
    for theme, sentences in THEMES.items():
        for k in range(4):  # four documents per theme, overlapping windows of its sentences
            picked = [sentences[(2 * k + j) % len(sentences)] for j in range(5)]
            rows.append({"doc_id": f"{theme}-{k}", "text": " ".join(picked)})
    return pd.DataFrame(rows)


def test_scores_and_topics_match_with_the_whole_corpus_as_sample(client, cache):
    frame = themed_frame()
    a = cl.load_corpus(frame, min_words=5)
    b = cl.load_corpus(frame, min_words=5, engine="dask")
    scorer = cl.SentimentModel(method="vader")
    pd.testing.assert_frame_equal(scorer.score(a),
                                  scorer.score(b).compute().reset_index(drop=True),
                                  check_dtype=False)
    settings = dict(embedding="static", random_state=0, cache_dir=cache)
    ta = cl.TopicModel(**settings).fit(a)
    tb = cl.TopicModel(**settings).fit(b)
    assert hasattr(tb.assignments_, "npartitions")
    pd.testing.assert_frame_equal(ta.assignments_,
                                  tb.assignments_.compute().reset_index(drop=True),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(ta.topics_, tb.topics_, check_dtype=False)
    pd.testing.assert_frame_equal(cl.topic_sentiment(ta, scorer.score(a)),
                                  cl.topic_sentiment(tb, scorer.score(b)), check_dtype=False)


def test_a_sample_fit_assigns_every_unit(client, cache):
    b = cl.load_corpus(themed_frame(), min_words=5, engine="dask")
    tm = cl.TopicModel(embedding="static", random_state=0, cache_dir=cache)
    tm.fit(b, sample_size=30)
    n_units = b.sentences.shape[0].compute()
    assert tm.n_units_ == n_units and tm.sample_size_ < n_units
    assert tm.sample_assignments_["doc_id"].nunique() == 12  # every document is sampled
    full = tm.assignments_.compute().set_index("unit_id")
    assert len(full) == n_units and full["topic"].isin(tm.topic_ids_ + [-1]).all()
    sampled = tm.sample_assignments_.set_index("unit_id")
    assert (full.loc[sampled.index, "topic"] == sampled["topic"]).all()
    assert tm.topics_["size"].sum() == n_units - (full["topic"] == -1).sum()
    assert tm.evaluate()["n_topics"] == len(tm.topic_ids_)
    with pytest.raises(ValueError, match="sample_size"):
        tm.fit(b, sample_size=1)


def test_the_command_line_runs_on_a_local_cluster(tmp_path, capsys):
    root = build(tmp_path / "c", {f"e{i}.txt": essay(i) for i in range(6)})
    assert main(["corpus", str(root), "--out", str(tmp_path / "out"), "--engine", "dask",
                 "--workers", "1", "-q", "--min-words", "5"]) == 0
    assert len(pd.read_parquet(tmp_path / "out" / "documents")) == 6
    assert main(["corpus", str(root), "--out", str(tmp_path / "o2"), "--workers", "2"]) == 1
    assert "need --engine dask" in capsys.readouterr().err


def test_the_pandas_engine_never_imports_dask(tmp_path):
    code = ("import sys, convolab as cl; c = cl.load_corpus('corpus'); "
            "cl.SentimentModel(method='vader').score(c); "
            "print('dask' in sys.modules or 'distributed' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_tone_tables_and_comparisons_are_aggregated_on_the_workers(client):
    """sentiment_by, topic_sentiment and compare on a Dask corpus, in worker processes, give
    the pandas engine's tables (topics stand in for a fit: each sentence's id modulo 3)."""
    frame = themed_frame()
    frame["author"] = [f"w{i % 2}" for i in range(len(frame))]
    a = cl.load_corpus(frame, min_words=5)
    b = cl.load_corpus(frame, min_words=5, engine="dask")
    scorer = cl.SentimentModel(method="vader")
    sa, sb = scorer.score(a), scorer.score(b)
    tight = dict(check_dtype=False, rtol=1e-12, atol=1e-12)
    pd.testing.assert_frame_equal(cl.sentiment_by(sa, "para_id", cluster="doc_id"),
                                  cl.sentiment_by(sb, "para_id", cluster="doc_id"), **tight)

    def model(sentences):
        units = sentences[["doc_id", "para_id", "sent_id"]]
        return SimpleNamespace(unit="sentence", topics_=None,
                               assignments_=units.assign(topic=units["sent_id"] % 3 - 1))

    pd.testing.assert_frame_equal(cl.topic_sentiment(model(a.sentences), sa, n_evidence=2),
                                  cl.topic_sentiment(model(b.sentences), sb, n_evidence=2),
                                  **tight)
    expected = cl.compare(model(a.sentences), sa, a, by="author", min_docs=3,
                          n_permutations=99)
    got = cl.compare(model(b.sentences), sb, b, by="author", min_docs=3, n_permutations=99)
    for name in ("groups", "shares", "tone", "topic_tone", "tests"):
        pd.testing.assert_frame_equal(getattr(expected, name), getattr(got, name), obj=name,
                                      **tight)

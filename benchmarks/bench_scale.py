"""Benchmark convolab on Dask at 100k / 1M / 3M sentences (plain BERTopic beside it on request).

Prints a table: for each size and each number of workers (1, 2), the wall time of the whole
Dask pipeline (load_corpus(engine="dask") -> TopicModel(unit="sentence", embedding="static")
.fit with the default sample -> SentimentModel(method="vader").score -> topic_sentiment ->
tables written to Parquet), throughput, peak RSS of the client process and of each worker,
the growth exponents and the growth from the smallest to the largest size; with
``--plain-max N``, plain BERTopic (static embeddings of all sentences, default UMAP + HDBSCAN)
at each size up to N in a fresh process until it fails (how it fails is printed).
With ``--curve`` it also prints the sample-size curve: agreement (ARI, NMI) of a sample fit's
assignments with the full in-process fit, against sample size.

Text: real sentences (seed corpus, SST, the UCI Amazon/IMDb/Yelp sets; about 14k unique).
Documents of 20 sentences are drawn from that pool at random, so sentences repeat across a
large corpus but no two documents are (near-)duplicates: duplicate detection keeps them all.
Each run writes its corpus as Parquet partitions of 2,000 documents, read with a glob.

Usage: ``python benchmarks/bench_scale.py [--sizes 100000 1000000 3000000] [--workers 2 1]
[--plain-max 1000000] [--curve]``. Each measurement runs in a fresh process; nothing here is a test.

Measured 2026-12-01 (2 workers, beside the test suite and the 1-worker series): 98k / 982k /
2.95M sentences in 169 / 1,012 / 3,398 s; client peak 1,270 / 1,300 / 1,306 MiB (~n^0.01);
worker peak 743 / 817 / 856 MiB (~n^0.04, x1.15; ~n^0.08 with the topic step's arguments in
every task and pyarrow's default pool, ~n^0.20 with a shuffled join and a sample of one unit
per document, ~n^0.48 with persisted partitions). One worker: 761 / 861 / 872 MiB (x1.15).
The README's *Scale: measured* has the table, what changed and what 100M sentences would need.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from bench_topics import sentence_pool  # noqa: E402

SENTENCES_PER_DOC = 20
DOCS_PER_FILE = 2000


def peak_mib() -> float:
    """Peak RSS of this process from the kernel's VmHWM (ru_maxrss survives exec, so it would
    report the parent's size in a child). Self-contained: it also runs on the workers."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def write_corpus(n_sentences: int, folder: Path, seed: int = 0) -> int:
    """Parquet files of documents drawn from the real-sentence pool; returns the doc count."""
    import pandas as pd

    pool = np.array(sentence_pool(), dtype=object)
    rng = np.random.default_rng(seed)
    n_docs = n_sentences // SENTENCES_PER_DOC
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, n_docs, DOCS_PER_FILE):
        count = min(DOCS_PER_FILE, n_docs - start)
        picks = rng.integers(0, len(pool), size=(count, SENTENCES_PER_DOC))
        texts = ["\n\n".join(" ".join(pool[row[i:i + 4]]) for i in range(0, len(row), 4))
                 for row in picks]
        pd.DataFrame({"doc_id": [f"d{start + i:07d}" for i in range(count)],
                      "text": texts}).to_parquet(folder / f"part-{start // DOCS_PER_FILE:04d}"
                                                 ".parquet", index=False)
    return n_docs


def run_dask(n: int, workers: int) -> dict:
    """The whole pipeline on a LocalCluster of ``workers`` single-threaded processes."""
    from dask.distributed import Client

    import convolab as cl

    folder = Path(tempfile.mkdtemp(prefix="convolab-scale-"))
    write_corpus(n, folder / "in")
    cluster = cl.local_cluster(n_workers=workers, memory_limit="8GiB", dashboard_address=None)
    client = Client(cluster)
    start = time.perf_counter()
    corpus = cl.load_corpus(str(folder / "in" / "*.parquet"), engine="dask",
                            scratch=folder / "scratch")
    t_load = time.perf_counter() - start
    tm = cl.TopicModel(unit="sentence", embedding="static", random_state=0).fit(corpus)
    t_topics = time.perf_counter() - start - t_load
    scores = cl.SentimentModel(method="vader").score(corpus)
    tone = cl.topic_sentiment(tm, scores)
    scores.to_parquet(folder / "out" / "sentences", write_index=False)
    tm.assignments_.drop(columns=["text"]).to_parquet(folder / "out" / "assignments",
                                                      write_index=False)
    seconds = time.perf_counter() - start
    n_sentences = int(corpus.sentences.shape[0].compute())
    worker_rss = client.run(peak_mib)
    client.close()
    cluster.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"n": n_sentences, "workers": workers, "seconds": seconds, "load": t_load,
            "topics_s": t_topics, "client_mib": peak_mib(),
            "worker_mib": sorted(worker_rss.values()), "topics": len(tm.topics_),
            "tone_rows": len(tone)}


def run_plain(n: int) -> dict:
    """Plain BERTopic on static embeddings of every sentence, in this process."""
    from bertopic import BERTopic

    from convolab.embeddings import embed

    folder = Path(tempfile.mkdtemp(prefix="convolab-plain-"))
    write_corpus(n, folder)
    import pandas as pd

    sentences = [s for f in sorted(folder.glob("*.parquet"))
                 for text in pd.read_parquet(f)["text"] for p in text.split("\n\n")
                 for s in p.split(". ")]
    start = time.perf_counter()
    vectors = embed(sentences, "static", cache_dir=False)
    model = BERTopic(verbose=False).fit(sentences, embeddings=vectors)
    return {"n": len(sentences), "seconds": time.perf_counter() - start,
            "rss_mib": peak_mib(), "topics": len(model.get_topic_info())}


def curve(n: int, sizes: list[int]) -> None:
    """Agreement of sample fits with the full in-process fit on the same ``n`` sentences."""
    import dask
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    import convolab as cl

    dask.config.set(scheduler="threads")
    folder = Path(tempfile.mkdtemp(prefix="convolab-curve-"))
    write_corpus(n, folder)
    corpus = cl.load_corpus(str(folder / "*.parquet"), engine="dask")
    start = time.perf_counter()
    full = cl.TopicModel(unit="sentence", embedding="static", random_state=0) \
        .fit(corpus, sample_size=n * 2)
    reference = full.assignments_.compute().set_index("unit_id")["topic"]
    print(f"   full fit on {len(reference)} sentences: {len(full.topics_)} topics, "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    for size in sizes:
        start = time.perf_counter()
        tm = cl.TopicModel(unit="sentence", embedding="static", random_state=0) \
            .fit(corpus, sample_size=size)
        got = tm.assignments_.compute().set_index("unit_id")["topic"].loc[reference.index]
        print(f"   sample {size:>7}: ARI {adjusted_rand_score(reference, got):.3f}  "
              f"NMI {normalized_mutual_info_score(reference, got):.3f}  "
              f"{len(tm.topics_):>3} topics  {time.perf_counter() - start:6.0f} s",
              flush=True)


def child(kind: str, n: int, workers: int) -> None:
    result = run_dask(n, workers) if kind == "dask" else run_plain(n)
    print(json.dumps(result))


def fresh(kind: str, n: int, workers: int = 0, timeout: float | None = None) -> dict:
    try:
        out = subprocess.run([sys.executable, __file__, "--child", kind, str(n), str(workers)],
                             capture_output=True, text=True, env={**os.environ},
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": f"did not finish within {timeout / 60:.0f} min (stopped)"}
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["(no message)"])[-1]
        how = "killed (out of memory?)" if out.returncode < 0 else last[:160]
        return {"failed": f"exit {out.returncode}: {how}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*",
                        default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--workers", type=int, nargs="*", default=[2, 1])
    parser.add_argument("--plain-max", type=int, default=0,
                        help="largest size to try plain BERTopic at (default: not run)")
    parser.add_argument("--plain-timeout", type=float, default=900,
                        help="seconds plain BERTopic may take at one size (default 900)")
    parser.add_argument("--curve", action="store_true", help="also print the sample curve")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]), int(args.child[2]))
    os.environ.setdefault("CONVOLAB_CACHE_DIR", tempfile.mkdtemp(prefix="convolab-bench-"))
    from convolab.embeddings import embed

    embed(["warm-up"], "static", cache_dir=False)  # distils the static model once, untimed
    print(f"# {os.cpu_count()} cores; documents of {SENTENCES_PER_DOC} real sentences; "
          "static embeddings, VADER; fresh process per row\n")
    print("Dask pipeline (load -> topics -> sentiment -> topic_sentiment -> Parquet)")
    print(f"{'sentences':>10} {'workers':>7} {'wall s':>8} {'load s':>7} {'topics s':>8} "
          f"{'sent/s':>8} {'client MiB':>10} {'worker MiB':>16} topics")
    rows = {}
    for workers in args.workers:
        for n in args.sizes:
            r = fresh("dask", n, workers)
            if "failed" in r:
                print(f"{n:>10} {workers:>7} {r['failed']}", flush=True)
                continue
            rows.setdefault(workers, []).append(r)
            per_worker = "/".join(f"{m:.0f}" for m in r["worker_mib"])
            print(f"{r['n']:>10} {workers:>7} {r['seconds']:>8.1f} {r['load']:>7.1f} "
                  f"{r['topics_s']:>8.1f} {r['n'] / r['seconds']:>8.0f} "
                  f"{r['client_mib']:>10.0f} {per_worker:>16} {r['topics']}", flush=True)
    for workers, got in rows.items():
        if len(got) >= 2:
            logn = np.log([r["n"] for r in got])
            t = np.polyfit(logn, np.log([r["seconds"] for r in got]), 1)[0]
            m = np.polyfit(logn, np.log([max(r["worker_mib"]) for r in got]), 1)[0]
            c = np.polyfit(logn, np.log([r["client_mib"] for r in got]), 1)[0]
            print(f"   {workers} worker(s): time ~ n^{t:.2f}, worker peak RSS ~ n^{m:.2f}, "
                  f"client peak RSS ~ n^{c:.2f}; from {got[0]['n']} to {got[-1]['n']} "
                  f"sentences worker peak x{max(got[-1]['worker_mib']) / max(got[0]['worker_mib']):.2f}, "
                  f"client peak x{got[-1]['client_mib'] / got[0]['client_mib']:.2f}")
    if 1 in rows and 2 in rows:
        for one, two in zip(rows[1], rows[2]):
            print(f"   speed-up 2 vs 1 worker at {one['n']}: {one['seconds'] / two['seconds']:.2f}x")
    if args.plain_max:
        print("\nPlain BERTopic (all sentences, static embeddings, default UMAP + HDBSCAN)")
    for n in args.sizes if args.plain_max else []:
        if n > args.plain_max:
            print(f"{n:>10}  not run (--plain-max {args.plain_max})")
            continue
        r = fresh("plain", n, timeout=args.plain_timeout)
        if "failed" in r:
            print(f"{n:>10}  failed: {r['failed']}", flush=True)
            break
        print(f"{r['n']:>10}  {r['seconds']:8.1f} s  peak RSS {r['rss_mib']:7.0f} MiB  "
              f"{r['topics']} topics", flush=True)
    if args.curve:
        print("\nSample-size curve (40k sentences; agreement with the full fit)")
        curve(40_000, [2_500, 5_000, 10_000, 20_000])


if __name__ == "__main__":
    main()

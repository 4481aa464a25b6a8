"""Benchmark convolab's topic pipeline against the libraries it wraps, side by side in one run.

Prints:
1. MiniLM encode throughput: convolab.embed (cache off) vs raw SentenceTransformer.encode.
2. End-to-end fit: convolab TopicModel vs plain BERTopic(embedding_model=<same local MiniLM>).
3. Cached re-fit vs cold fit (cold = empty embedding cache, model already loaded).
4. Static (model2vec) vs MiniLM encode throughput.
5. Scaling of TopicModel(unit="document", embedding="static") at 1k, 10k, 100k sentences:
   wall time and peak RSS, each size in a fresh process, with the growth exponent
   (slope of log time / log RSS against log n).

Sentences: the seed corpus for 1-4. For 5, real sentences from the labelled sentiment sets in
../shared/data/sentiment (about 14k unique) plus the seed corpus; 100k repeats that pool, each
repeat tagged with a number so texts stay distinct (fine for throughput; topics on repeated
text say nothing). Usage: ``python benchmarks/bench_topics.py [--sizes 1000 10000 100000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sentiment"


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def seed_sentences() -> list[str]:
    import convolab as cl

    return cl.load_corpus(ROOT / "corpus").sentences["text"].tolist()


def sentence_pool() -> list[str]:
    import pandas as pd

    pool = seed_sentences()
    for path in sorted((DATA / "sst").glob("*.csv")):
        pool += pd.read_csv(path)["sentence"].astype(str).tolist()
    for path in sorted((DATA / "uci_labelled_sentences").glob("*.txt")):
        pool += [line.rsplit("\t", 1)[0] for line in path.read_text().split("\n") if "\t" in line]
    return list(dict.fromkeys(pool))


def child(n: int) -> None:
    """Fit at one size in this fresh process; print JSON with time and peak RSS."""
    import pandas as pd

    import convolab as cl

    pool = sentence_pool()
    texts = [pool[i % len(pool)] + ("" if i < len(pool) else f" ({i // len(pool)})")
             for i in range(n)]
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "text": texts})
    tm = cl.TopicModel(unit="document", embedding="static", random_state=0)
    start = time.perf_counter()
    tm.fit(frame)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "seconds": seconds, "rss_mib": rss, "topics": len(tm.topics_)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    os.environ["CONVOLAB_CACHE_DIR"] = tempfile.mkdtemp(prefix="convolab-bench-")
    import convolab as cl
    from convolab.embeddings import _load_minilm, embed

    sentences = seed_sentences()
    n = len(sentences)
    model = _load_minilm()
    model.encode(sentences[:8])  # warm-up: first call pays for thread pools and allocations
    print(f"# {n} seed-corpus sentences, {os.cpu_count()} cores\n")

    _, raw = timed(lambda: model.encode(sentences, batch_size=64, normalize_embeddings=True))
    _, ours = timed(lambda: embed(sentences, "minilm", cache_dir=False))
    print("1. MiniLM encode throughput (sentences/s)")
    print(f"   raw SentenceTransformer.encode {n / raw:9.1f}")
    print(f"   convolab.embed (no cache)      {n / ours:9.1f}   ratio convolab/raw = "
          f"{raw / ours:.2f}")

    from bertopic import BERTopic

    BERTopic(embedding_model=model, verbose=False).fit(sentences * 1)  # numba JIT warm-up
    _, plain = timed(lambda: BERTopic(embedding_model=model, verbose=False).fit(sentences))
    cache = tempfile.mkdtemp(prefix="convolab-bench-cold-")
    _, cold = timed(lambda: cl.TopicModel(random_state=0, cache_dir=cache).fit(
        cl.load_corpus(ROOT / "corpus")))
    _, warm = timed(lambda: cl.TopicModel(random_state=0, cache_dir=cache).fit(
        cl.load_corpus(ROOT / "corpus")))
    print("\n2. End-to-end fit on the same sentences (s, JIT warmed, model loaded)")
    print(f"   plain BERTopic(embedding_model=MiniLM) {plain:7.2f}")
    print(f"   convolab TopicModel (cold cache)      {cold:7.2f}   ratio convolab/plain = "
          f"{cold / plain:.2f}  (includes load_corpus and KeyBERT labels)")
    print("\n3. Cached re-fit vs cold")
    print(f"   cold {cold:6.2f} s   cached {warm:6.2f} s   ratio cached/cold = {warm / cold:.2f}")

    embed(sentences[:8], "static", cache_dir=False)  # distils on first use; not timed
    pool = sentences * 20
    _, static = timed(lambda: embed(pool, "static", cache_dir=False))
    _, minilm = timed(lambda: embed(pool[: 4 * n], "minilm", cache_dir=False))
    print("\n4. Encode throughput, static vs MiniLM (sentences/s; seed sentences repeated)")
    print(f"   static {len(pool) / static:10.1f}   minilm {4 * n / minilm:8.1f}   "
          f"ratio static/minilm = {(len(pool) / static) / (4 * n / minilm):.1f}")

    print("\n5. Scaling: TopicModel(unit='document', embedding='static'), fresh process per size")
    rows = []
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(size)], check=True,
                             capture_output=True, text=True, env={**os.environ})
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"   n={r['n']:>7}  {r['seconds']:8.1f} s  peak RSS {r['rss_mib']:7.0f} MiB  "
              f"{r['topics']} topics", flush=True)
    if len(rows) >= 2:
        logn = np.log([r["n"] for r in rows])
        t_exp = np.polyfit(logn, np.log([r["seconds"] for r in rows]), 1)[0]
        m_exp = np.polyfit(logn, np.log([r["rss_mib"] for r in rows]), 1)[0]
        print(f"   growth exponent: time ~ n^{t_exp:.2f}, peak RSS ~ n^{m_exp:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark convolab's topic pipeline against the libraries it wraps, side by side in one run.

Prints:
1. MiniLM encode throughput: convolab.embed (cache off) vs raw SentenceTransformer.encode.
2. Like for like on the same precomputed embeddings (both excluding corpus loading, JIT
   warmed, best of two): TopicModel.fit(units, embeddings=E) with empty caches vs plain
   BERTopic given the same UMAP and HDBSCAN settings (clustering.plan), without and with
   KeyBERTInspired (which TopicModel computes for its labels); then TopicModel with warm
   caches, and TopicModel including load_corpus. Rows: the seed corpus (MiniLM) and, unless
   --quick, 5,000 pool sentences (static embeddings; above UMAP's 4,096-unit threshold).
3. Cold fit vs cached re-fit of TopicModel(random_state=0) on the seed corpus (cold = empty
   cache folder, model loaded, JIT warmed), and whether the two results are identical.
4. Static (model2vec) vs MiniLM encode throughput.
5. End to end at each --sizes number of sentences, each in a fresh process with an empty
   embedding cache: load_corpus(DataFrame) -> TopicModel(unit="sentence", embedding="static",
   random_state=0).fit -> SentimentModel(method="vader").score; wall time per stage and peak
   RSS, with the growth exponents.

Sentences: the seed corpus for 1-4. For 5, real sentences from the labelled sentiment sets in
../shared/data/sentiment (about 14k unique) plus the seed corpus, shuffled anew for each pass
over the pool, each pass after the first tagged " (k)" before the final stop so that texts
stay distinct, in documents of ten sentences (topics on such text say little; this measures
cost). Usage: ``python benchmarks/bench_topics.py [--sizes 10000 100000] [--quick]``.
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


def essays(n: int):
    """Documents of ten sentences, ``n`` sentences in all (see the module docstring)."""
    import pandas as pd

    pool = sentence_pool()
    rng = np.random.default_rng(0)
    sentences: list[str] = []
    tag = 0
    while len(sentences) < n:
        sentences += [pool[i].rstrip(" .!?") + (f" ({tag})." if tag else ".")
                      for i in rng.permutation(len(pool))]
        tag += 1
    sentences = sentences[:n]
    return pd.DataFrame({"doc_id": [f"d{i:07d}" for i in range(0, n, 10)],
                         "text": [" ".join(sentences[i:i + 10]) for i in range(0, n, 10)]})


def peak_rss_mib() -> float:
    """This process's peak RSS. ru_maxrss survives exec, so in a child started from a large
    parent it reports the parent's size; the kernel's VmHWM starts afresh at exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(n: int) -> None:
    """Run the pipeline at one size in this fresh process; print JSON with times and peak RSS."""
    import convolab as cl
    from convolab.sentiment import SentimentModel

    frame = essays(n)
    stages = {}
    start = time.perf_counter()
    corpus, stages["load"] = timed(lambda: cl.load_corpus(frame, min_words=1))
    tm, stages["fit"] = timed(lambda: cl.TopicModel(unit="sentence", embedding="static",
                                                       random_state=0).fit(corpus))
    _, stages["sentiment"] = timed(lambda: SentimentModel(method="vader").score(corpus))
    seconds = time.perf_counter() - start
    print(json.dumps({"n": len(corpus.sentences), "seconds": seconds, "rss_mib": peak_rss_mib(),
                      "topics": len(tm.topics_), **stages}))


def like_for_like(texts, units, embeddings, backend, corpus_loader) -> dict:
    """Best-of-two seconds: plain BERTopic (with and without KeyBERT) and TopicModel."""
    from bertopic import BERTopic
    from bertopic.representation import KeyBERTInspired

    import convolab as cl
    from convolab.topics import clustering

    n = len(texts)
    p = clustering.plan(n)

    def plain(keybert: bool):
        return BERTopic(embedding_model=backend, umap_model=clustering.make_umap(p, n, 0),
                        hdbscan_model=clustering.make_hdbscan(p), verbose=False,
                        representation_model=KeyBERTInspired(random_state=0) if keybert
                        else None).fit(texts, embeddings=embeddings)

    def ours(cache):
        return cl.TopicModel(unit="sentence", embedding=units.attrs["embedding"], random_state=0,
                             cache_dir=cache).fit(units, embeddings=embeddings)

    def best(fn):
        return min(timed(fn)[1] for _ in range(2))

    plain(False)  # JIT warm-up for UMAP and HDBSCAN at this size
    warm_cache = _fresh_cache()
    ours(warm_cache)
    return {"plain": best(lambda: plain(False)), "plain_keybert": best(lambda: plain(True)),
            "ours_cold": best(lambda: ours(_fresh_cache())),
            "ours_warm": best(lambda: ours(warm_cache)),
            "ours_with_loading": best(lambda: cl.TopicModel(
                unit="sentence", embedding=units.attrs["embedding"], random_state=0,
                cache_dir=_fresh_cache()).fit(
                    corpus_loader(), embeddings=embeddings))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--quick", action="store_true",
                        help="seed corpus only in 2, and 10,000 sentences in 5")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    if args.quick:
        args.sizes = [10_000]

    os.environ["CONVOLAB_CACHE_DIR"] = tempfile.mkdtemp(prefix="convolab-bench-")
    import convolab as cl
    from convolab.embeddings import _load_minilm, embed, get_embedder

    seed = cl.load_corpus(ROOT / "corpus")
    sentences = seed.sentences["text"].tolist()
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

    embed(sentences[:8], "static", cache_dir=False)  # distils on first use; not timed
    print("\n2. Fit on the same precomputed embeddings (s, best of two; ratio = convolab/plain,"
          " below 1 is faster)")
    cases = [("seed corpus, MiniLM", seed.sentences, "minilm", lambda: cl.load_corpus(
        ROOT / "corpus"))]
    if not args.quick:
        frame = essays(5000)
        cases.append(("5,000 pool sentences, static", cl.load_corpus(frame, min_words=1)
                      .sentences, "static", lambda: cl.load_corpus(frame, min_words=1)))
    for name, units, backend_name, loader in cases:
        units = units.reset_index(drop=True)
        units.attrs["embedding"] = backend_name
        embedder = get_embedder(backend_name, **({"cache_dir": os.environ["CONVOLAB_CACHE_DIR"]}
                                                 if backend_name == "static" else {}))
        vectors = embed(units["text"].tolist(), embedder, cache_dir=False)
        r = like_for_like(units["text"].tolist(), units, vectors,
                          embedder.model, loader)
        print(f"   {name} ({len(units)} units)")
        print(f"     plain BERTopic, same UMAP/HDBSCAN      {r['plain']:7.2f}")
        print(f"     plain BERTopic + KeyBERTInspired       {r['plain_keybert']:7.2f}")
        print(f"     TopicModel, empty caches               {r['ours_cold']:7.2f}   ratio "
              f"{r['ours_cold'] / r['plain']:.2f} / {r['ours_cold'] / r['plain_keybert']:.2f} "
              "(vs plain / plain + KeyBERT)")
        print(f"     TopicModel, caches warm                {r['ours_warm']:7.2f}   ratio "
              f"{r['ours_warm'] / r['plain']:.2f} / {r['ours_warm'] / r['plain_keybert']:.2f}")
        print(f"     TopicModel incl. load_corpus, cold     {r['ours_with_loading']:7.2f}   "
              f"ratio {r['ours_with_loading'] / r['plain']:.2f} / "
              f"{r['ours_with_loading'] / r['plain_keybert']:.2f}")

    cache = tempfile.mkdtemp(prefix="convolab-bench-cold-")
    cold_fit, cold = timed(lambda: cl.TopicModel(random_state=0, cache_dir=cache).fit(
        cl.load_corpus(ROOT / "corpus")))
    warm_fit, warm = timed(lambda: cl.TopicModel(random_state=0, cache_dir=cache).fit(
        cl.load_corpus(ROOT / "corpus")))
    same = all(getattr(cold_fit, t).equals(getattr(warm_fit, t))
               for t in ("topics_", "assignments_", "topic_terms_", "representatives_"))
    print("\n3. Cached re-fit vs cold (seed corpus, MiniLM, includes load_corpus)")
    print(f"   cold {cold:6.2f} s   cached {warm:6.3f} s   speed-up cold/cached = "
          f"{cold / warm:.1f}x   identical results: {same}")

    pool = sentences * 20
    _, static = timed(lambda: embed(pool, "static", cache_dir=False))
    _, minilm = timed(lambda: embed(pool[: 4 * n], "minilm", cache_dir=False))
    print("\n4. Encode throughput, static vs MiniLM (sentences/s; seed sentences repeated)")
    print(f"   static {len(pool) / static:10.1f}   minilm {4 * n / minilm:8.1f}   "
          f"ratio static/minilm = {(len(pool) / static) / (4 * n / minilm):.1f}")

    print("\n5. End to end: load_corpus -> TopicModel(unit='sentence', embedding='static') -> "
          "SentimentModel('vader'),\n   fresh process per size, empty embedding cache")
    rows = []
    for size in args.sizes:
        env = {**os.environ, "CONVOLAB_CACHE_DIR": _fresh_cache()}
        out = subprocess.run([sys.executable, __file__, "--child", str(size)], check=True,
                             capture_output=True, text=True, env=env)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"   n={r['n']:>7}  {r['seconds']:7.1f} s (load {r['load']:.1f}, fit "
              f"{r['fit']:.1f}, vader {r['sentiment']:.1f})  peak RSS {r['rss_mib']:6.0f} MiB"
              f"  {r['topics']} topics", flush=True)
    if len(rows) >= 2:
        logn = np.log([r["n"] for r in rows])
        t_exp = np.polyfit(logn, np.log([r["seconds"] for r in rows]), 1)[0]
        m_exp = np.polyfit(logn, np.log([r["rss_mib"] for r in rows]), 1)[0]
        print(f"   growth exponent: time ~ n^{t_exp:.2f}, peak RSS ~ n^{m_exp:.2f}")


def _fresh_cache() -> str:
    """An empty cache folder sharing the distilled static model (distilling is never timed)."""
    folder = Path(tempfile.mkdtemp(prefix="convolab-bench-e2e-"))
    (folder / "models").symlink_to(Path(os.environ["CONVOLAB_CACHE_DIR"]) / "models")
    return str(folder)


if __name__ == "__main__":
    main()

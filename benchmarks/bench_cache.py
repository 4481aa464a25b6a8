"""Embedding-cache lookups: the SQLite store against the ``.npz`` shards it replaced, side by side.

The shard format (one ``.npz`` per stored batch, every shard opened on every lookup) is
re-implemented here, as it was, only as the baseline. Both stores get the same vectors in the
same batches; lookups ask for 1,000 and for all keys. Prints seconds and the ratio.

``--rerun`` measures instead what a fully cached re-run of :func:`convolab.embeddings.embed`
costs when documents are longer than the model reads. Synthetic documents of ``--words`` words
are embedded once, then timed cached: now (their final vectors are cached) against splitting
each into passages again and looking those up (as before), beside their first sentences.

Usage: ``python benchmarks/bench_cache.py [--n 100000] [--batch 1000] [--dim 256]`` or
``python benchmarks/bench_cache.py --rerun [--docs 2000] [--words 600]``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from convolab.embedding_cache import cached_encode
from convolab.embeddings import EmbeddingCache, embed, get_embedder


class ShardCache:
    """The previous format: ``.npz`` shards scanned in full on every lookup (baseline only)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def store(self, keys, vectors):
        name = hashlib.sha1("".join(keys).encode()).hexdigest()[:16]
        np.savez(self.folder / f"{name}.npz", keys=np.array(keys, dtype="S40"), vectors=vectors)

    def lookup(self, keys):
        wanted, found = set(keys), {}
        for shard in sorted(self.folder.glob("*.npz")):
            with np.load(shard, allow_pickle=False) as data:
                shard_keys = data["keys"].astype(str)
                hits = [i for i, k in enumerate(shard_keys) if k in wanted]
                if hits:
                    found.update(zip(shard_keys[hits], data["vectors"][hits]))
        return found


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def documents(n: int, words: int, seed: int = 0) -> list[str]:
    """``n`` documents of ``words`` words, in sentences of 8-24 words drawn from the words of the
    seed essays (so they split into word pieces as English prose does)."""
    rng = np.random.default_rng(seed)
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    vocabulary = sorted({w.lower() for f in sorted(corpus.glob("*.txt"))
                         for w in re.findall(r"[A-Za-z]+", f.read_text("utf-8"))})
    docs = []
    for _ in range(n):
        sentences, left = [], words
        while left > 0:
            k = min(int(rng.integers(8, 25)), left)
            sentences.append(" ".join(rng.choice(vocabulary, k)).capitalize() + ".")
            left -= k
        docs.append(" ".join(sentences))
    return docs


def rerun(n_docs: int, words: int) -> None:
    """Seconds of a fully cached ``embed()``: whole documents against their first sentences."""
    docs = documents(n_docs, words)
    firsts = [d.split(". ")[0] + "." for d in docs]
    print(f"{n_docs:,} documents of {words} words; first call fills the cache (not timed)")
    print(f"{'':41s}{'whole documents s':^27s}")
    print(f"{'backend':8s} {'passages/doc':>13s} {'first sentences s':>18s} "
          f"{'split again (old)':>16s} {'now':>9s} {'speed-up':>8s}")
    for name in ("minilm", "static"):
        with tempfile.TemporaryDirectory() as tmp:
            embedder = get_embedder(name, **({"cache_dir": tmp} if name == "static" else {}))
            embed(docs, embedder, cache_dir=tmp)
            embed(firsts, embedder, cache_dir=tmp)
            _, t_short = timed(embed, firsts, embedder, cache_dir=tmp)
            _, t_long = timed(embed, docs, embedder, cache_dir=tmp)
            # Before final vectors were cached: every document split again, passages looked up.
            parts, t_split = timed(lambda: [embedder.passages(d) for d in docs])  # noqa: B023
            _, t_look = timed(cached_encode, [t for p in parts for t, _ in p], embedder, tmp,
                              False)
            per_doc = np.mean([len(p) for p in parts])
            print(f"{name:8s} {per_doc:13.1f} {t_short:18.2f} {t_split + t_look:16.2f} "
                  f"{t_long:9.2f} {(t_split + t_look) / t_long:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--rerun", action="store_true",
                        help="time a fully cached embed() of long documents instead")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    if args.rerun:
        rerun(args.docs, args.words)
        return
    rng = np.random.default_rng(0)
    keys = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(args.n)]
    vectors = rng.normal(size=(args.n, args.dim)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"npz shards (before)": ShardCache(Path(tmp) / "shards"),
                  "sqlite (now)": EmbeddingCache(Path(tmp), "bench")}
        print(f"{args.n:,} vectors of {args.dim} floats, stored in batches of {args.batch:,}")
        print(f"{'store':22s} {'store s':>9s} {'lookup 1k s':>12s} {'lookup all s':>13s}")
        results = {}
        for name, store in stores.items():
            def fill(store):
                for i in range(0, args.n, args.batch):
                    store.store(keys[i:i + args.batch], vectors[i:i + args.batch])

            _, t_store = timed(fill, store)
            sample = list(rng.choice(keys, 1000, replace=False))
            found, t_small = timed(store.lookup, sample)
            assert len(found) == 1000
            found, t_all = timed(store.lookup, keys)
            assert len(found) == args.n
            results[name] = (t_store, t_small, t_all)
            print(f"{name:22s} {t_store:9.2f} {t_small:12.3f} {t_all:13.2f}")
        before, now = results["npz shards (before)"], results["sqlite (now)"]
        print(f"speed-up of sqlite: lookup 1k {before[1] / now[1]:.1f}x, "
              f"lookup all {before[2] / now[2]:.1f}x, store {before[0] / now[0]:.1f}x")


if __name__ == "__main__":
    main()

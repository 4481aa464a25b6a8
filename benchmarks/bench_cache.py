"""Embedding-cache lookups: the SQLite store against the ``.npz`` shards it replaced, side by side.

The shard format (one ``.npz`` per stored batch, every shard opened on every lookup) is
re-implemented here, as it was, only as the baseline. Both stores get the same vectors in the
same batches; lookups ask for 1,000 and for all keys. Prints seconds and the ratio.
Usage: ``python benchmarks/bench_cache.py [--n 100000] [--batch 1000] [--dim 256]``.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import numpy as np

from convolab.embeddings import EmbeddingCache


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


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=256)
    args = parser.parse_args()
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

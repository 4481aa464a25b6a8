"""Throughput of the sentiment scorers, side by side: VADER vs learned (cold vs cached cache).

    python benchmarks/bench_sentiment.py [--n 2000]

Sentences are the seed corpus's, each made unique by a numbered suffix so the cold run really
embeds every one; the MiniLM model is loaded before timing starts, so "cold" is the encoding
cost alone. "learned" and "ensemble" include VADER's pass and the input checks.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import convolab as cl
from convolab.embeddings import embed
from convolab.sentiment import SentimentModel


def sentences(n: int) -> list[str]:
    base = cl.load_corpus("corpus").sentences["text"].tolist()
    return [f"{base[i % len(base)]} ({i})" for i in range(n)]


def timed(model: SentimentModel, texts: list[str]) -> float:
    start = time.perf_counter()
    model.score_texts(texts)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="sentences to score")
    args = parser.parse_args()
    texts = sentences(args.n)
    embed(["warm the model up"], cache_dir=False)
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        rows.append(("vader", "no embeddings", timed(SentimentModel("vader"), texts)))
        learned = SentimentModel("learned", cache_dir=cache)
        rows.append(("learned", "cold cache", timed(learned, texts)))
        rows.append(("learned", "cached embeddings", timed(learned, texts)))
        rows.append(("ensemble", "cached embeddings",
                     timed(SentimentModel("ensemble", cache_dir=cache), texts)))
    print(f"{'method':<10} {'condition':<20} {'sentences':>9} {'seconds':>8} {'sent/s':>9}")
    for method, condition, seconds in rows:
        print(f"{method:<10} {condition:<20} {len(texts):>9} {seconds:>8.2f} "
              f"{len(texts) / seconds:>9.0f}")


if __name__ == "__main__":
    main()

"""What keeping only shared topic terms costs: ``shared_terms`` against the rest of ``represent``.

``convolab.topics.representation.shared_terms`` counts how many of a topic's units hold each
c-TF-IDF candidate. It stops once the strongest ``n_terms`` are all shared, and reads only
units that hold a pending term's first word. This prints, side by side in one run, for
``--units`` units in 20 topics (pairs of UCI labelled sentences):

* ``typical``: every top term is common, so each topic stops after a few units;
* ``worst``: each topic's strongest term is a word repeated in one unit only, so no topic
  ever settles and every unit is checked;

the seconds of ``represent`` (BERTopic's c-TF-IDF, no KeyBERT), of ``shared_terms`` within it,
and of one plain pass of the analyzer over every unit (what counting without the skip costs).

Usage: ``python benchmarks/bench_terms.py [--units 200000]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_validity import _uci


def units(n: int, worst: bool) -> tuple[list[str], np.ndarray]:
    lines = _uci("yelp") + _uci("amazon_cells") + _uci("imdb")
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(lines, 2)) for _ in range(n)]
    labels = rng.integers(0, 20, n)
    if worst:
        for t in range(20):
            i = int(np.flatnonzero(labels == t)[-1])
            texts[i] += f" quixotry{chr(97 + t)}" * 400
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=200_000)
    args = parser.parse_args()
    from convolab.topics import representation

    counting = representation.shared_terms
    spent = [0.0]

    def timed(*a, **k):
        start = time.perf_counter()
        try:
            return counting(*a, **k)
        finally:
            spent[0] += time.perf_counter() - start

    warm = units(200, False)  # imports and first calls outside the timing
    representation.represent(warm[0], np.zeros((200, 4)), warm[1], backend=None, n_terms=10,
                             random_state=0)
    representation.shared_terms = timed
    print(f"{args.units:,} units, 20 topics; seconds")
    print(f"{'case':8} {'represent':>10} {'shared_terms':>13} {'share':>6} {'analyze all':>12}")
    for case in ("typical", "worst"):
        texts, labels = units(args.units, case == "worst")
        spent[0] = 0.0
        start = time.perf_counter()
        representation.represent(texts, np.zeros((len(texts), 4)), labels, backend=None,
                                 n_terms=10, random_state=0)
        total = time.perf_counter() - start
        analyze = representation.analyzer()
        start = time.perf_counter()
        for text in texts:
            analyze(text)
        plain = time.perf_counter() - start
        print(f"{case:8} {total:10.2f} {spent[0]:13.2f} {spent[0] / total:6.1%} {plain:12.2f}")


if __name__ == "__main__":
    main()

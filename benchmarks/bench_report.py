"""The whole report on a real corpus, cold and warm, beside the floor: one raw MiniLM encode.

Renders every notebook (``convolab report``) on the 800 dev blog posts
(``../shared/data/blogs/``, turned into a folder of ``.txt`` + ``metadata.csv`` by
``benchmarks/blog_folder.py`` in a temporary folder) twice: **cold** (an empty cache folder)
and **warm** (the cache the cold run left, a new report folder). Beside them, in the same run,
the floor: one encode of the corpus's sentences by sentence-transformers' own
``SentenceTransformer.encode`` (batches of 32, no cache), which any cold report
must pay once. Prints each notebook's seconds, the total, the ratio to the floor, and the peak
RSS of the largest process (the report itself or a notebook's kernel). Each report runs in a
child process, so neither shares memory or imports with the other.

Target (issue 24): cold at most 3x the encode, warm at most 1x. Measured 2026-12-01, quiet
2-core machine, 800 posts (33,672 sentences), encode 134 s: cold 324 s (2.42x), warm 109 s
(0.82x), peak RSS 1,775 MiB; the previous commit (every notebook fitting its own model, the
unit map of all 33,672 units) side by side: cold 374 s (2.81x), warm 167 s (1.25x).

Usage: ``python benchmarks/bench_report.py [--n 800] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import blog_folder  # noqa: E402

CHILD = r"""
import json, logging, re, resource, sys, time
from convolab.report import render_reports

seconds = {}
class Times(logging.Handler):
    def emit(self, record):
        m = re.match(r"(\S+)\.html: ([0-9.]+) s", record.getMessage())
        if m:
            seconds[m.group(1)] = float(m.group(2))
log = logging.getLogger("convolab.report")
log.setLevel(logging.INFO)
log.addHandler(Times())
start = time.perf_counter()
render_reports(sys.argv[1], sys.argv[2], progress=False, strict=True)
total = time.perf_counter() - start
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "total": total, "peak_mib": peak / 1024}))
"""

ENCODE = r"""
import json, sys, time
import convolab as cl
from convolab.embeddings import get_embedder

texts = cl.load_corpus(sys.argv[1]).sentences["text"].tolist()
model = get_embedder("minilm").model  # the installed all-MiniLM-L6-v2, as sentence-transformers loads it
model.encode(texts[:32])  # load the model outside the timing
start = time.perf_counter()
model.encode(texts, batch_size=32, show_progress_bar=False)
print(json.dumps({"sentences": len(texts), "seconds": time.perf_counter() - start}))
"""


def child(code: str, *args: str, cache: Path) -> dict:
    env = {**__import__("os").environ, "CONVOLAB_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="posts (default: all 800)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the reports here instead of a temporary folder")
    args = parser.parse_args(argv)
    if not blog_folder.available():
        parser.exit(1, f"error: {blog_folder.POSTS} is not on this machine; the benchmark "
                       "needs the dev blog posts\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        work = args.keep or tmp
        posts = blog_folder.write_folder(tmp / "posts", args.n)
        cache = tmp / "cache"
        start = time.perf_counter()
        floor = child(ENCODE, str(posts), cache=tmp / "no-cache")
        runs = {name: child(CHILD, str(posts), str(work / f"reports-{name}"), cache=cache)
                for name in ("cold", "warm")}
        wall = time.perf_counter() - start
    names = sorted(runs["cold"]["seconds"])
    print(f"report on {args.n or 800} dev posts, {floor['sentences']:,} sentences "
          f"(benchmark wall time {wall / 60:.1f} min)")
    print(f"floor: one raw MiniLM encode of the sentences: {floor['seconds']:.1f} s")
    print(f"{'notebook':<16}{'cold s':>9}{'warm s':>9}")
    for name in names:
        print(f"{name:<16}{runs['cold']['seconds'][name]:>9.1f}"
              f"{runs['warm']['seconds'].get(name, float('nan')):>9.1f}")
    for name, run in runs.items():
        print(f"{name}: {run['total']:.1f} s = {run['total'] / floor['seconds']:.2f}x the "
              f"encode; peak RSS {run['peak_mib']:,.0f} MiB")


if __name__ == "__main__":
    main()

"""Peak memory of ``load_corpus`` on one large plain-text file (or the same text split in files).

    python benchmarks/bench_load_memory.py [--mb 50] [--files 1] [--seed 0] [--keep]

Writes seeded, English-like prose (walks of a word-bigram chain over the project's news-like
articles in ``benchmarks/data/news_proxy``; paragraphs of 1-9 sentences separated by blank lines,
a title on top) of ``--mb`` megabytes to a temporary folder, as one file or split into
``--files`` files, then runs :func:`convolab.load_corpus` on the folder in a fresh process.
Prints the peak RSS of that process (the kernel's ``VmHWM``), its ratio to the size of the
text on disk, raw and above the baseline of a process that imported convolab and loaded a
tiny corpus (so every lazily imported library and model, spaCy's included, is counted in the
baseline, not in the load), the wall time and what the corpus holds.

Measured on 2 shared cores (2026-12, ``nice -n 10``), 50 MB in one file: 437,117 sentences in
87,769 paragraphs. The baseline is about 610 MiB (12.8 times the file) either way.

    ========  ==========  ============  ===================  ========
    code      peak RSS    x file size   x file above base    load s
    ========  ==========  ============  ===================  ========
    before    3,590 MiB   75.2          62.6                 64
    after       891 MiB   18.7           5.9                 64
    ========  ==========  ============  ===================  ========

Split into 100 files: 1,436 MiB before (30.1x, 17.5x above the baseline), 963 MiB after (20.2x,
7.1x; measured before the raw text was freed). What held it: MinHash hashed every distinct 3-word
shingle of a document at once into one (shingles x 128) array (most of the 3 GB; now 8,192 at a
time); the tables were built from a tuple, four ints and a string per sentence, a sliced copy of
every paragraph, a list of all 8 million words (to count them) and every text joined at once (for
its language); cleaning joined the whole text once more only to split it again; and ``load_corpus``
held every raw text until it returned (now freed once cleaned). What remains is the cleaned
paragraphs and the tables themselves.

Nothing here is a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
_END = re.compile(r"[.!?][\"')\u201d\u2019]*$")


def _chain() -> tuple[list[str], dict[str, list[str]]]:
    """Sentence openers and each word's followers in the project's 480 news-like articles."""
    starts: list[str] = []
    follows: dict[str, list[str]] = defaultdict(list)
    for file in sorted((ROOT / "data" / "news_proxy").glob("*/*.txt")):
        for paragraph in file.read_text(encoding="utf-8").split("\n\n")[1:]:  # no headline
            previous = None
            for token in paragraph.split():
                if previous is None or _END.search(previous):
                    starts.append(token)
                else:
                    follows[previous].append(token)
                previous = token
    return starts, follows


def write_text(folder: Path, mb: float, files: int, seed: int) -> int:
    """Write ``mb`` megabytes of prose as ``files`` .txt files; returns the bytes written.

    Sentences are walks of a word-bigram chain, so the text reads as English, has the
    articles' few characters beyond Latin-1 (so Python holds it two bytes a character, as it
    does any text with one such character) and many distinct word 3-grams (46% of them at a
    million words, where sentence templates gave 14%), which is what MinHash's cost grows with.
    """
    starts, follows = _chain()
    rng = random.Random(seed)

    def sentence() -> str:
        token, out = rng.choice(starts), []
        while True:
            out.append(token)
            if _END.search(token) or len(out) >= 60 or token not in follows:
                break
            token = rng.choice(follows[token])
        text = " ".join(out)
        return text if _END.search(text) else text + "."

    per_file = int(mb * 1_000_000) // files
    total = 0
    for i in range(files):
        chunks = [f"Notes on the {sentence().split()[0]} question, part {i + 1}\n\n"]
        size = len(chunks[0])
        while size < per_file:
            paragraph = " ".join(sentence() for _ in range(rng.randint(1, 9))) + "\n\n"
            chunks.append(paragraph)
            size += len(paragraph)
        data = "".join(chunks).encode()
        (folder / f"essay{i:04d}.txt").write_bytes(data)
        total += len(data)
    return total


def peak_mib() -> float:
    """Peak RSS of this process (``VmHWM``; ``ru_maxrss`` of children would survive exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(folder: str) -> None:
    import convolab as cl

    imported = peak_mib()
    with tempfile.TemporaryDirectory() as tiny:  # lazy imports and models, outside the load
        write_text(Path(tiny), 0.002, 1, seed=1)
        cl.load_corpus(tiny)
    baseline = peak_mib()
    start = time.perf_counter()
    corpus = cl.load_corpus(folder)
    seconds = time.perf_counter() - start
    print(json.dumps({"imported": imported, "baseline": baseline, "peak": peak_mib(),
                      "seconds": seconds, "documents": len(corpus.documents),
                      "paragraphs": len(corpus.paragraphs),
                      "sentences": len(corpus.sentences), "removed": len(corpus.removed),
                      "excluded": len(corpus.excluded)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="megabytes of text (default 50)")
    parser.add_argument("--files", type=int, default=1, help="files to split it into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", metavar="FOLDER",
                        help="write the text to FOLDER and keep it (default: a temp folder)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="convolab-mem-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        size = write_text(folder, args.mb, args.files, args.seed)
        out = subprocess.run([sys.executable, __file__, "--child", str(folder)],
                             capture_output=True, text=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if out.returncode:
        print(out.stderr[-2000:], file=sys.stderr)
        sys.exit(f"the load failed (exit {out.returncode}"
                 f"{', killed: out of memory?' if out.returncode < 0 else ''})")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    mib = size / 2**20
    print(f"text: {size / 1e6:.1f} MB ({mib:.1f} MiB) in {args.files} file(s), seed "
          f"{args.seed}")
    print(f"corpus: {r['documents']} documents, {r['paragraphs']:,} paragraphs, "
          f"{r['sentences']:,} sentences, {r['removed']} removed, {r['excluded']} excluded\n")
    print(f"{'measure':<34} {'MiB':>9} {'x file':>8}")
    rows = [("after import convolab", r["imported"]),
            ("baseline (import + tiny load)", r["baseline"]),
            ("peak during load_corpus", r["peak"]),
            ("peak above baseline", r["peak"] - r["baseline"])]
    for label, value in rows:
        print(f"{label:<34} {value:>9,.0f} {value / mib:>8.1f}")
    print(f"\nwall time of load_corpus: {r['seconds']:.1f} s "
          f"({mib / r['seconds']:.2f} MiB/s)")


if __name__ == "__main__":
    main()

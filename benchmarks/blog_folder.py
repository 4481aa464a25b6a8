"""Turn the dev blog posts (``../shared/data/blogs/``) into the folder a researcher would bring.

One ``.txt`` file per post plus a ``metadata.csv`` (author = blogger, date, source = industry,
gender, age), the way issue 24 checks reports on real text. The posts are research-use only:
this writes them to a folder the caller names (a temporary one in tests and benchmarks), never
into the repository.

    python benchmarks/blog_folder.py OUT [--n 100] [--seed 0]
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

BLOGS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "blogs"
POSTS = BLOGS / "service_blog_posts.csv"


def available() -> bool:
    """Whether the dev posts are on this machine (tests skip without them)."""
    return POSTS.is_file()


def write_folder(out: str | Path, n: int | None = None, seed: int = 0) -> Path:
    """Write ``n`` posts (all when None; a seeded draw otherwise) as ``.txt`` + ``metadata.csv``."""
    csv.field_size_limit(sys.maxsize)
    posts = pd.read_csv(POSTS, dtype=str, keep_default_na=False)
    if n is not None and n < len(posts):
        rows = np.sort(np.random.default_rng(seed).choice(len(posts), size=n, replace=False))
        posts = posts.iloc[rows]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for post_id, text in zip(posts["post_id"], posts["text"]):
        (out / f"{post_id}.txt").write_text(text, encoding="utf-8")
    meta = pd.DataFrame({
        "file": posts["post_id"] + ".txt",
        "author": posts["blogger_id"],
        "date": posts["date"],
        "source": posts["industry"],
        "gender": posts["gender"],
        "age": posts["age"],
    })
    meta.to_csv(out / "metadata.csv", index=False)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not available():
        parser.exit(1, f"error: {POSTS} is not on this machine\n")
    print(write_folder(args.out, args.n, args.seed))


if __name__ == "__main__":
    main()

"""Validity checks of the tone scorer beyond labelled reviews: neutral subjects and documents.

Two questions the held-out review domains of :mod:`convolab.sentiment.train` do not answer:

* Does the scorer give tone to *subject words*? ``data/neutral_check.txt`` holds factual
  sentences about charged subjects (banks, fees, Walmart, refunds, call centres...), written
  for this check; a scorer that reads essays as people do scores them near 0.
  ``data/neutral_train.txt`` holds other such sentences, used as 0-labelled training data; the
  two files share no sentence, so the check set stays held out.
* Does the *mean* of sentence scores track a document's overall tone? Labelled UCI sentences
  are grouped into pseudo-documents of 5-10 sentences with a known share of positive ones, and
  aggregates of their held-out scores (mean, median, mean of the most polar sentences) are
  correlated with that share.

Plain NumPy (and SciPy's rank correlation): the checks are a few lines of arithmetic, and a
library would add nothing but a dependency.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
NEUTRAL_CHECK_PATH = DATA / "neutral_check.txt"
NEUTRAL_TRAIN_PATH = DATA / "neutral_train.txt"
#: Aggregates of a document's sentence scores compared on pseudo-documents.
AGGREGATES = ("mean", "median", "top3_mean")
#: Another aggregate replaces the mean only if it tracks ratings better by more than this.
AGGREGATE_MARGIN = 0.02


def read_sentences(path: str | Path) -> list[str]:
    """Non-empty lines of a sentence file, without ``#`` comment lines."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def neutral_check_sentences() -> list[str]:
    """The held-out neutral check set (never used to fit or choose anything)."""
    return read_sentences(NEUTRAL_CHECK_PATH)


def neutral_train_sentences() -> list[str]:
    """Neutral sentences used as 0-labelled training data (disjoint from the check set)."""
    return read_sentences(NEUTRAL_TRAIN_PATH)


def neutral_summary(scores: dict[str, np.ndarray], band: float = 0.25) -> list[dict]:
    """Mean and max |score| per method on neutral sentences, and the share beyond ``band``.

    Parameters
    ----------
    scores : dict
        Method name → scores of the check sentences.
    band : float
        A neutral sentence scored beyond ±band counts as given tone.

    Returns
    -------
    list of dict
        ``method, mean_abs, max_abs, share_beyond_band, n``, one per method.
    """
    rows = []
    for method, values in scores.items():
        a = np.abs(np.asarray(values, float))
        rows.append({"method": method, "mean_abs": round(float(a.mean()), 4),
                     "max_abs": round(float(a.max()), 4),
                     "share_beyond_band": round(float((a > band).mean()), 4), "n": int(len(a))})
    return rows


def aggregate(scores: np.ndarray, how: str) -> float:
    """One document's tone from its sentence scores, by one of :data:`AGGREGATES`."""
    scores = np.asarray(scores, float)
    if how == "mean":
        return float(scores.mean())
    if how == "median":
        return float(np.median(scores))
    if how == "top3_mean":
        # The three most polar sentences: a reader may remember a document by its peaks.
        return float(scores[np.argsort(-np.abs(scores), kind="stable")[:3]].mean())
    raise ValueError(f"aggregate must be one of {AGGREGATES}, not {how!r}")


def pseudo_documents(gold: np.ndarray, groups: np.ndarray, *, n_per_group: int = 400,
                     sizes: tuple[int, int] = (5, 10), seed: int = 0) -> list[np.ndarray]:
    """Index arrays of pseudo-documents: 5-10 same-group sentences, any mix of labels.

    Each document first draws its share of positive sentences (0, 0.2, ..., 1, so a sixth of
    them are all one label) and then its sentences, so ratings spread over the whole scale
    rather than clustering at the corpus's own balance.
    """
    rng = np.random.default_rng(seed)
    docs = []
    for group in np.unique(groups):
        pos = np.flatnonzero((groups == group) & (gold > 0))
        neg = np.flatnonzero((groups == group) & (gold < 0))
        for _ in range(n_per_group):
            size = int(rng.integers(sizes[0], sizes[1] + 1))
            n_pos = int(round(size * rng.choice(np.linspace(0, 1, 6))))
            docs.append(np.concatenate([rng.choice(pos, n_pos, replace=False),
                                        rng.choice(neg, size - n_pos, replace=False)]))
    return docs


def document_aggregates(pred: np.ndarray, gold: np.ndarray, groups: np.ndarray,
                        seed: int = 0) -> list[dict]:
    """Correlation of each aggregate of held-out sentence scores with pseudo-document ratings.

    Parameters
    ----------
    pred, gold : ndarray
        Held-out sentence scores and their -1/+1 labels.
    groups : ndarray
        Source of each sentence; documents never mix sources.
    seed : int
        Seed of the document draw.

    Returns
    -------
    list of dict
        ``aggregate, pearson, spearman, n_documents, chosen``: the mean is ``chosen`` unless
        another aggregate's Pearson r is higher by more than :data:`AGGREGATE_MARGIN` (the
        mean is the simplest to explain and its bootstrap intervals are already in use).
    """
    from scipy.stats import spearmanr

    docs = pseudo_documents(gold, groups, seed=seed)
    rating = np.array([gold[d].mean() for d in docs])
    rows = []
    for how in AGGREGATES:
        agg = np.array([aggregate(pred[d], how) for d in docs])
        rows.append({"aggregate": how, "pearson": round(float(np.corrcoef(agg, rating)[0, 1]), 4),
                     "spearman": round(float(spearmanr(agg, rating)[0]), 4),
                     "n_documents": len(docs)})
    best = max(rows, key=lambda r: r["pearson"])
    mean = rows[0]
    chosen = best["aggregate"] if best["pearson"] > mean["pearson"] + AGGREGATE_MARGIN \
        else "mean"
    for row in rows:
        row["chosen"] = row["aggregate"] == chosen
    return rows


def document_ratings(pred: np.ndarray, gold: np.ndarray, documents: np.ndarray,
                     genres: np.ndarray, min_sentences: int = 3) -> list[dict]:
    """Mean of held-out sentence scores per real document vs the mean of its sentences' ratings.

    EmoBank names each sentence's document (``meta.tsv``): a document's rating is the mean of
    its sentences' human ratings, its score the mean of their held-out scores.

    Parameters
    ----------
    pred, gold : ndarray
        Held-out sentence scores and human ratings.
    documents, genres : ndarray
        Each sentence's document and genre; documents with fewer than ``min_sentences``
        sentences are left out (their mean is a sentence's score, not a document's).

    Returns
    -------
    list of dict
        ``data`` ("all" and each genre), ``aggregate`` ("mean"), ``pearson, spearman,
        n_documents``.
    """
    import pandas as pd
    from scipy.stats import spearmanr

    frame = pd.DataFrame({"pred": pred, "gold": gold, "doc": documents, "genre": genres})
    docs = frame.groupby("doc").agg(pred=("pred", "mean"), gold=("gold", "mean"),
                                    genre=("genre", "first"), n=("pred", "size"))
    docs = docs[docs["n"] >= min_sentences]
    rows = []
    for data in ["all", *sorted(docs["genre"].unique())]:
        part = docs if data == "all" else docs[docs["genre"] == data]
        if len(part) < 3:
            continue
        rows.append({"data": str(data), "aggregate": "mean",
                     "pearson": round(float(np.corrcoef(part["pred"], part["gold"])[0, 1]), 4),
                     "spearman": round(float(spearmanr(part["pred"], part["gold"])[0]), 4),
                     "n_documents": int(len(part))})
    return rows

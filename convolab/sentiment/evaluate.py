"""Measure a sentiment scorer against human ratings: correlation, and sign agreement.

Correlations (Pearson, Spearman) use every item. Sign metrics (accuracy, macro-F1 over
negative/positive) use only items whose gold rating is further than ``polar_threshold`` from 0
(0.2 on the [-1, 1] scale reproduces SST-2's dropping of neutral sentences); a prediction of
exactly 0 on such an item counts as wrong for both classes.
"""

from __future__ import annotations

import numpy as np


def sign_metrics(pred, gold, *, polar_threshold: float = 0.0) -> dict:
    """Pearson, Spearman, accuracy and macro-F1 on signs of ``pred`` against ``gold``.

    Parameters
    ----------
    pred, gold : array-like of float
        Scores and human ratings, both on [-1, 1] (or any scale centred on 0).
    polar_threshold : float
        Items with ``|gold| <= polar_threshold`` are left out of the sign metrics.

    Returns
    -------
    dict
        ``pearson, spearman, accuracy, macro_f1, n, n_polar``; a metric that is undefined
        (constant input, no polar items) is NaN.
    """
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import f1_score

    pred, gold = np.asarray(pred, dtype=float), np.asarray(gold, dtype=float)
    if pred.shape != gold.shape or pred.ndim != 1:
        raise ValueError(f"pred and gold must be 1-d and the same length, not {pred.shape} "
                         f"and {gold.shape}")
    ok = np.isfinite(pred) & np.isfinite(gold)
    pred, gold = pred[ok], gold[ok]
    varied = len(pred) > 1 and np.ptp(pred) > 0 and np.ptp(gold) > 0
    out = {"pearson": float(pearsonr(pred, gold)[0]) if varied else float("nan"),
           "spearman": float(spearmanr(pred, gold)[0]) if varied else float("nan")}
    polar = np.abs(gold) > polar_threshold
    if polar.any():
        truth, guess = np.sign(gold[polar]), np.sign(pred[polar])
        out["accuracy"] = float(np.mean(truth == guess))
        out["macro_f1"] = float(f1_score(truth, guess, labels=[-1.0, 1.0], average="macro",
                                         zero_division=0))
    else:
        out["accuracy"] = out["macro_f1"] = float("nan")
    out["n"] = int(len(pred))
    out["n_polar"] = int(polar.sum())
    return out


def evaluate_sentiment(model, texts, gold, *, polar_threshold: float = 0.0,
                       embeddings: np.ndarray | None = None) -> dict:
    """Score ``texts`` with ``model`` and compare with human ratings ``gold``.

    Parameters
    ----------
    model : SentimentModel, callable or array-like
        Anything with ``score_texts``; a function from a list of texts to scores; or the
        scores themselves.
    texts : sequence of str
    gold : array-like of float
        Human ratings on [-1, 1] (map 0..1 ratings with ``2 * x - 1`` first).
    polar_threshold : float
        See :func:`sign_metrics`.
    embeddings : ndarray, optional
        Precomputed embeddings of ``texts``, passed to ``model.score_texts``.

    Returns
    -------
    dict
        ``pearson, spearman, accuracy, macro_f1, n, n_polar``.

    Examples
    --------
    >>> evaluate_sentiment([0.5, -0.2, 0.1], ["a", "b", "c"], [0.9, -0.8, -0.1])["accuracy"]
    0.6666666666666666
    """
    texts = list(texts)
    if hasattr(model, "score_texts"):
        pred = model.score_texts(texts, embeddings=embeddings)
    elif callable(model):
        pred = model(texts)
    else:
        pred = model
    pred = np.asarray(pred, dtype=float)
    if len(pred) != len(texts):
        raise ValueError(f"got {len(pred)} scores for {len(texts)} texts")
    return sign_metrics(pred, gold, polar_threshold=polar_threshold)

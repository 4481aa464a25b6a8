"""Train the learned sentiment scorer, choose the ensemble weight, write the shipped weights file.

Run from the project root (reads ``../shared/data/sentiment/`` unless ``--data`` says otherwise)::

    python -m convolab.sentiment.train            # prints cross-validated numbers, writes weights

What it does, reproducibly (fixed seeds, cached MiniLM embeddings, closed-form ridge):

1. Loads the Stanford Sentiment Treebank (continuous positivity in [0, 1] mapped to [-1, 1]) and
   the UCI labelled sentences (Yelp, Amazon, IMDb; 0/1 mapped to -1/+1). SST's test split is
   kept out of everything until the end.
2. Embeds every sentence once with :func:`convolab.embeddings.embed` (the topic model's MiniLM).
3. Cross-validates (5 folds, stratified by source) a standardise + ridge model on the pooled
   SST train/dev + UCI sentences, with VADER scored on the same held-out folds. The ensemble
   weight is chosen *inside* each training fold (nested), so the ensemble's numbers are honest.
4. Chooses the final ensemble weight on the pooled data, fits the ridge on all of it, scores the
   SST test split, and writes scaler, coefficients, intercept, weight and all numbers printed
   here (plus the sha256 of every data file) to ``convolab/sentiment/data/sentiment_weights.npz``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..embeddings import MINILM_SHA256, MiniLMEmbedder, embed
from .evaluate import sign_metrics
from .scorers import WEIGHTS_PATH, vader_scores

logger = logging.getLogger(__name__)

DEFAULT_DATA = Path("..") / "shared" / "data" / "sentiment"
UCI_FILES = {"yelp": "yelp_labelled.txt", "amazon": "amazon_cells_labelled.txt",
             "imdb": "imdb_labelled.txt"}
SST_FILES = {"train": "SSTB_train.csv", "dev": "SSTB_dev.csv", "test": "SSTB_test.csv"}
ALPHAS = np.logspace(-1, 4, 11)
WEIGHT_GRID = np.round(np.linspace(0, 1, 21), 2)
#: SST-2's convention: items within this distance of neutral are left out of sign metrics.
POLAR_THRESHOLD = 0.2

_DETOK = [(re.compile(r" (n't|'s|'re|'ve|'m|'ll|'d)\b"), r"\1"), (re.compile(r"`` ?"), '"'),
          (re.compile(r" ?''"), '"'),
          (re.compile(r" ([.,!?;:%)\]])"), r"\1"), (re.compile(r"([(\[$]) "), r"\1"),
          (re.compile(r"\\/"), "/")]


def detokenise(text: str) -> str:
    """Undo the Penn-Treebank tokenisation of SST sentences (``do n't`` → ``don't``)."""
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def load_sst(folder: Path) -> pd.DataFrame:
    """SST sentences: ``text, gold`` (2 * positivity - 1), ``source="sst"``, ``split``."""
    frames = []
    for split, name in SST_FILES.items():
        frame = pd.read_csv(folder / name, index_col=0)
        frames.append(pd.DataFrame({
            "text": frame["sentence"].astype(str).map(detokenise),
            "gold": 2.0 * frame["values"].astype(float) - 1.0,
            "source": "sst", "split": split}))
    return pd.concat(frames, ignore_index=True)


def load_uci(folder: Path) -> pd.DataFrame:
    """UCI labelled sentences: ``text, gold`` (-1/+1), ``source`` (yelp/amazon/imdb).

    Split on "\\n" only and on the last tab: ``imdb_labelled.txt`` holds U+0085 and unbalanced
    double quotes, which ``str.splitlines`` and ``read_csv``'s default quoting both mis-read.
    """
    rows = []
    for source, name in UCI_FILES.items():
        raw = (folder / name).read_bytes().decode("utf-8")
        for line in raw.split("\n"):
            line = line.rstrip("\r")
            if not line.strip():
                continue
            text, _, label = line.rpartition("\t")
            if label.strip() not in {"0", "1"}:
                raise ValueError(f"{name}: cannot read a 0/1 label from {line[-40:]!r}")
            rows.append((text.strip(), 2.0 * int(label) - 1.0, source, "train"))
    return pd.DataFrame(rows, columns=["text", "gold", "source", "split"])


def load_training_data(data_dir: str | Path = DEFAULT_DATA) -> tuple[pd.DataFrame, dict]:
    """All labelled sentences plus the sha256 of every file read.

    Returns
    -------
    frame : DataFrame
        ``text, gold, source, split``; SST's ``split`` is train/dev/test, UCI's is train.
    sha256 : dict
        Relative file path → sha256, stored in the weights file as provenance.
    """
    data_dir = Path(data_dir)
    sst, uci = data_dir / "sst", data_dir / "uci_labelled_sentences"
    files = [sst / n for n in SST_FILES.values()] + [uci / n for n in UCI_FILES.values()]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise FileNotFoundError(f"Training data not found: {missing}. Pass --data to the folder "
                                "holding sst/ and uci_labelled_sentences/.")
    digests = {p.relative_to(data_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in files}
    return pd.concat([load_sst(sst), load_uci(uci)], ignore_index=True), digests


def fit_ridge(X: np.ndarray, y: np.ndarray, alphas=ALPHAS) -> dict:
    """Standardise, then ridge with the penalty chosen by efficient leave-one-out (GCV)."""
    from sklearn.linear_model import RidgeCV

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = RidgeCV(alphas=alphas).fit((X - mean) / scale, y)
    return {"mean": mean, "scale": scale, "coef": model.coef_.astype(float),
            "intercept": float(model.intercept_), "alpha": float(model.alpha_)}


def predict_ridge(fitted: dict, X: np.ndarray) -> np.ndarray:
    """The learned score, clipped to [-1, 1] exactly as :class:`LearnedWeights` does."""
    raw = ((X - fitted["mean"]) / fitted["scale"]) @ fitted["coef"] + fitted["intercept"]
    return np.clip(raw, -1.0, 1.0)


def choose_weight(vader: np.ndarray, learned: np.ndarray, gold: np.ndarray,
                  groups: np.ndarray) -> float:
    """VADER's weight in the blend: best mean Pearson r over the held-out groups."""
    def score(w):
        blend = w * vader + (1 - w) * learned
        return np.mean([np.corrcoef(blend[groups == g], gold[groups == g])[0, 1]
                        for g in np.unique(groups)])

    return float(max(WEIGHT_GRID, key=score))


def leave_one_domain_out(X, gold, vader, litotes, domains) -> tuple[dict, list[dict]]:
    """Held-out-domain predictions of each method; the ensemble weight is chosen inside.

    Each of the four domains (SST train+dev, Yelp, Amazon, IMDb) is held out in turn: the ridge
    is fitted on the other three, and VADER's ensemble weight is chosen by the same
    leave-one-domain-out procedure *within* those three, so no held-out label touches a choice.
    """
    preds = {m: np.zeros(len(gold)) for m in ("vader", "learned", "ensemble", "ensemble_plain")}
    preds["vader"] = vader.copy()
    folds = []
    for held in np.unique(domains):
        train, test = domains != held, domains == held
        inner = np.zeros(train.sum())
        for inner_held in np.unique(domains[train]):
            fit_mask = train & (domains != inner_held)
            inner[domains[train] == inner_held] = predict_ridge(
                fit_ridge(X[fit_mask], gold[fit_mask]), X[train & (domains == inner_held)])
        w = choose_weight(vader[train], inner, gold[train], domains[train])
        fitted = fit_ridge(X[train], gold[train])
        learned = predict_ridge(fitted, X[test])
        preds["learned"][test] = learned
        preds["ensemble_plain"][test] = w * vader[test] + (1 - w) * learned
        preds["ensemble"][test] = blend(vader[test], learned, w, litotes[test])
        folds.append({"held_out": str(held), "vader_weight": w, "alpha": fitted["alpha"]})
    return preds, folds


def blend(vader, learned, weight: float, litotes) -> np.ndarray:
    """The ensemble rule, shared with :class:`SentimentModel` (see ``scorers.ensemble``)."""
    from .scorers import ensemble

    return ensemble(vader, learned, weight, litotes)


def results_table(preds: dict, gold: np.ndarray, groups: np.ndarray, label: str) -> list[dict]:
    """Metrics per method, pooled and per group."""
    rows = []
    for method, pred in preds.items():
        for group in ["all", *np.unique(groups)]:
            mask = np.ones(len(gold), bool) if group == "all" else groups == group
            m = sign_metrics(pred[mask], gold[mask], polar_threshold=POLAR_THRESHOLD)
            rows.append({"evaluation": label, "data": str(group), "method": method,
                         **{k: (round(v, 4) if isinstance(v, float) else v)
                            for k, v in m.items()}})
    return rows


def train(data_dir: str | Path = DEFAULT_DATA, out: str | Path = WEIGHTS_PATH, *,
          cache_dir=None, progress: bool = False) -> pd.DataFrame:
    """Fit, evaluate and write the weights; returns the table of numbers that it stores.

    Parameters
    ----------
    data_dir : path
        Folder holding ``sst/`` and ``uci_labelled_sentences/``.
    out : path
        Where to write the ``.npz`` weights.
    cache_dir : path, optional
        Embedding cache (default: ``$CONVOLAB_CACHE_DIR`` or ``~/.cache/convolab``).
    progress : bool
        Show a progress bar while embedding.
    """
    from .scorers import LearnedWeights, litotes_mask

    frame, digests = load_training_data(data_dir)
    texts = frame["text"].tolist()
    X = embed(texts, "minilm", cache_dir=cache_dir, progress=progress).astype(float)
    vader = vader_scores(texts)
    litotes = litotes_mask(texts, vader)
    gold = frame["gold"].to_numpy(float)
    test = (frame["split"] == "test").to_numpy()
    domains = frame["source"].to_numpy()[~test]

    preds, folds = leave_one_domain_out(X[~test], gold[~test], vader[~test], litotes[~test],
                                        domains)
    rows = results_table(preds, gold[~test], domains, "leave-one-domain-out")

    # Final model: the ridge on every training sentence; the weight from held-out domains.
    oof = preds["learned"]
    weight = choose_weight(vader[~test], oof, gold[~test], domains)
    fitted = fit_ridge(X[~test], gold[~test])
    learned_test = predict_ridge(fitted, X[test])
    test_preds = {"vader": vader[test], "learned": learned_test,
                  "ensemble": blend(vader[test], learned_test, weight, litotes[test]),
                  "ensemble_plain": weight * vader[test] + (1 - weight) * learned_test}
    rows += results_table(test_preds, gold[test], np.array(["sst-test"] * int(test.sum())),
                          "SST test split")
    table = pd.DataFrame(rows)
    table = table[~((table["evaluation"] == "SST test split") & (table["data"] == "all"))]

    metadata = {
        "trained_on": "SST v1.0 train+dev (2*positivity-1) and UCI labelled sentences "
                      "(Yelp, Amazon, IMDb; 0/1 -> -1/+1)",
        "data_sha256": digests, "n_train": int((~test).sum()), "n_sst_test": int(test.sum()),
        "alpha": fitted["alpha"], "vader_weight": weight, "folds": folds,
        "embedder_sha256": MINILM_SHA256, "polar_threshold": POLAR_THRESHOLD,
        "command": "python -m convolab.sentiment.train",
        "results": table.to_dict(orient="records"),
    }
    LearnedWeights(mean=fitted["mean"], scale=fitted["scale"], coef=fitted["coef"],
                   intercept=fitted["intercept"], ensemble_weight=weight,
                   embedder=MiniLMEmbedder.fingerprint, metadata=metadata).save(out)
    logger.info("Wrote %s (VADER weight %.2f, alpha %.0f)", out, weight, fitted["alpha"])
    return table


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m convolab.sentiment.train``."""
    parser = argparse.ArgumentParser(prog="python -m convolab.sentiment.train",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA),
                        help="folder holding sst/ and uci_labelled_sentences/ "
                             "(default: %(default)s)")
    parser.add_argument("--out", default=str(WEIGHTS_PATH), help="weights file to write")
    parser.add_argument("--cache-dir", default=None, help="embedding cache folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    table = train(args.data, args.out, cache_dir=args.cache_dir, progress=not args.quiet)
    shown = table[table["data"].isin(["all", "sst-test"])]
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(shown.drop(columns="evaluation").to_string(index=False))
        print()
        wide = table.pivot_table(index=["evaluation", "data"], columns="method",
                                 values=["pearson", "macro_f1"], sort=False)
        print(wide.round(3).to_string())
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

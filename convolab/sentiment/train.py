"""Train the learned sentiment scorer, choose its settings and blend, write the shipped weights.

Run from the project root (reads ``../shared/data/sentiment/`` unless ``--data`` says otherwise)::

    python -m convolab.sentiment.train            # prints held-out numbers, old vs new; writes

What it does, reproducibly (fixed data order, cached MiniLM embeddings, closed-form ridge):

1. Loads (:mod:`.training_data`) the Stanford Sentiment Treebank (``2p - 1``), the UCI labelled
   sentences (Yelp, Amazon, IMDb; -1/+1), EmoBank (seven genres: blog, essays, newspaper,
   letters, fiction, news headlines, travel guides) and the Facebook posts, their valence
   standardised. SST's and EmoBank's test splits are kept out of everything until the end.
2. Embeds every sentence once with :func:`convolab.embeddings.embed` (the topic model's MiniLM).
3. Leaves each of the twelve domains out in turn (SST, Yelp, Amazon, IMDb, each EmoBank genre,
   the Facebook posts) and, *inside* the other eleven (nested, :func:`.fitting.nested_lodo`),
   chooses the ridge penalty, the target scale of the standardised ratings, the sample weights
   of EmoBank and of the Facebook posts, the share of the previous recipe's ridge mixed into
   the new one (the *anchor*: reviews and neutral sentences only, refitted without the held-out
   domains) and VADER's weight in the blend, by the mean held-out Pearson r over the inner
   domains, among the settings that keep every inner review domain within
   :data:`REVIEW_TOLERANCE` of the previous recipe. The previous recipe runs on the same folds,
   so old and new stand side by side.
4. Makes the same choice on all twelve domains, fits the final ridge, and scores SST's test
   split, EmoBank's test split per genre, our own rated editorial and social sentences
   (``benchmarks/data/tone_written``, a check only), the held-out neutral check set, UCI
   pseudo-documents and EmoBank's documents (:mod:`.validity`); writes scaler, coefficients,
   intercept, blend weight and every number printed here, with every data file's sha256 and
   each set's licence, to ``data/sentiment_weights.npz`` (and the provenance, readable, to
   ``data/sentiment_weights.sources.json``).

History of what was tried (numbers on held-out domains; the shipped choice is above).

Issue 25 (EmoBank and the Facebook posts added; "old" = the scorer shipped before, reviews
only). Shipped: penalty 1000, target scale 0.75 sd, EmoBank weight 4, Facebook 1, half of the
learned score from the anchor (the old recipe's ridge), VADER 0.3, neutral sentences 30% of the
training weight. Held-out r, old -> new: EmoBank blog 0.56 -> 0.59, essays 0.48 -> 0.53,
newspaper 0.53 -> 0.59, letters 0.57 -> 0.61, fiction 0.53 -> 0.58, headlines 0.55 -> 0.62,
travel guides 0.45 -> 0.49 (VADER 0.37-0.57); Facebook 0.66 -> 0.68 (VADER 0.58); Yelp /
Amazon / IMDb 0.767 / 0.773 / 0.760 -> 0.781 / 0.772 / 0.754; SST held out 0.586 -> 0.559 (its
own fold cannot protect it), SST test split 0.637 -> 0.619; neutral check 0.053 -> 0.051;
EmoBank documents 0.78 -> 0.84; our editorial sentences 0.422 -> 0.429.
The anchor: a single ridge on all the data (no anchor, the first version shipped for this
issue: penalty 3000, EmoBank weight 0.5) was 0.00-0.01 lower on six genres and 0.01 higher on
letters (0.619), Amazon 0.756, Facebook 0.675. With the anchor each fold chooses EmoBank weight
2-4 and share 0.25-0.5: the new ridge leans to the genres while the anchor holds the reviews.
Inner review tolerance 0.02 instead of 0.01: genres +0.00-0.01, SST test split 0.616 and
neutral check 0.057. EmoBank weight 8 (then chosen): SST test split 0.614, genres within
+-0.005.
Tried and not kept (before the anchor, so 'the shipped choice' below is the single ridge):
choosing by the plain mean r over the twelve domains (seven genres outvote
four review domains): EmoBank weight 2, genres +0.00-0.01 above the shipped choice, but SST
0.556, SST test 0.605 and neutral check 0.079. Register-balanced mean without the review floor
(REVIEW_TOLERANCE): EmoBank weight 2, genres 0.546-0.628 (essays 0.546, newspaper 0.599),
Facebook 0.679, but SST test 0.598 (-0.039) and Amazon -0.011. The neutral sentences at the old
weight 5 (a tenth of the weight, now that EmoBank adds 9,000 sentences): neutral check
0.068-0.079; a share of 0.2 gave 0.061, 0.3 gives 0.048-0.057 at -0.003 to -0.005 r. Penalties
100, 300 and 10000 were never chosen (300 and 1000 differ by <= 0.002 r); a target scale of 1.0
(EmoBank's sd counting as UCI's +-1) lowered SST to 0.553; Facebook weight 0 was never chosen
where the posts could be used. The plain blend without the litotes rule scores higher on the
held-out genres (fiction 0.599 vs 0.580, Facebook 0.696 vs 0.680): the rule is kept for
everyday "not bad" and is printed as ``ensemble_plain``. EmoBank did not move our own rated
editorial sentences (0.42 before and after): their register is still the weakest.

Issue 11 (training on SST and UCI only). Also tried, and measured worse on the held-out domains
(so not shipped): a one-hidden-layer MLP (64 units, scikit-learn) on the embedding plus VADER's
components (pos/neg/neu/compound, negation, "!", capitals, lexicon hits): Pearson r 0.57 / 0.77
/ 0.77 / 0.77 on SST / Yelp / Amazon / IMDb against the ridge blend's 0.61 / 0.80 / 0.80 / 0.79,
and neutral |score| 0.23; a calibrated (stacked linear) blend of VADER, pos-neg and the learned
score: +0.01 r on the UCI domains, -0.03 on SST, and neutral |score| 0.21 (calibration stretches
the learned part, subject tone included). Shrink factors 0 / 0.25 / 0.5 / 1 gave neutral
|score| 0.03 / 0.05 / 0.08 / 0.12 at Yelp r 0.75 / 0.77 / 0.78 / 0.80; 0.25 keeps macro-F1 and
the two issue sentences in ±0.25. Fine-tuning MiniLM's top layer (or top two) with a regression
head on the same data and weights (AdamW, 2-3 epochs): held-out SST r 0.594 / 0.582 alone and
0.587 / 0.572 in the blend, Yelp 0.764 — no gain, a second MiniLM pass per sentence and 7-14 MB
more to ship. TextBlob's and AFINN's lexicons as further blend inputs (weights chosen on the
training domains): SST 0.585-0.589, the review domains within ±0.01, neutral |score|
0.050-0.055 — no gain worth two more dependencies (AFINN's word list is share-alike ODbL).
Graded training data in the register SST lacks: 880 editorial and columnist sentences we wrote
and rated -1..1 (``benchmarks/data/tone_written/``) added to the ridge's training at sample
weight 1 / 3 / 5: held-out SST r 0.596 / 0.587 / 0.581 against 0.593 without (blend at VADER
weight 0.3; the learned part alone 0.600 / 0.590 / 0.585 against 0.593), review domains within
±0.01, and half of the written sentences scored 0.43 → 0.45-0.47 after training on the other
half — no gain on human-rated text worth training on our own ratings.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ..embeddings import MINILM_SHA256, MiniLMEmbedder, embed
from .evaluate import sign_metrics
from .fitting import DomainStats, Setting, nested_lodo, predict, settings_grid
from .scorers import WEIGHTS_PATH, ensemble, lexicon_mask, litotes_mask, vader_scores
from .training_data import (  # noqa: F401  (detokenise, load_uci: public helpers)
    DEFAULT_DATA,
    LICENCES,
    detokenise,
    load_tone_written,
    load_training_data,
    load_uci,
)

logger = logging.getLogger(__name__)

REVIEWS = ("sst", "yelp", "amazon", "imdb")
#: SST-2's convention: items within this distance of neutral are left out of sign metrics.
POLAR_THRESHOLD = 0.2
#: Share of the training weight held by the 250 neutral sentences (labelled 0). The previous
#: scorer gave each weight 5, about a tenth of the training weight; with EmoBank a tenth left
#: the neutral check at 0.068 (0.2: 0.061, 0.3: 0.057, at -0.003 to -0.005 r per domain).
NEUTRAL_SHARE = 0.3
#: The previous scorer's sample weight of each neutral sentence (its recipe, kept for old vs new).
NEUTRAL_WEIGHT = 5.0
#: Factor on the learned part where VADER rates no word (issue 11's grid, docstring above).
NO_LEXICON_SHRINK = 0.25
#: Candidates chosen between by nested leave-one-domain-out.
ALPHAS = (1000.0, 3000.0)  # 300 and 10000 were never chosen in any fold
TARGET_SCALES = (0.5, 0.75, 1.0)
GROUP_WEIGHTS = {"eb-": (0.5, 1.0, 2.0, 4.0), "facebook": (0.0, 1.0)}
#: The previous scorer's recipe: reviews and neutral sentences only (GCV chose 1000 in every fold).
OLD_SETTING = Setting(1000.0, 1.0, (("eb-", 0.0), ("facebook", 0.0)))
#: A setting may be chosen only if every inner review domain keeps its r within this of the
#: previous recipe's on the same inner folds. The issue allows 0.02; half of it is kept in
#: reserve because the domain a fold holds out cannot be checked inside that fold (at 0.02 the
#: final choice lost 0.022 on SST's test split, at 0.01 it loses 0.018).
REVIEW_TOLERANCE = 0.01
#: Shares of the previous recipe's ridge (reviews only, refitted without the held-out domains)
#: mixed into the new one, chosen with the setting.
ANCHOR_SHARES = (0.0, 0.25, 0.5, 0.75)
METHODS = ("vader", "ensemble_old", "ensemble", "learned_old", "learned", "ensemble_plain")
SOURCES_PATH = WEIGHTS_PATH.with_suffix(".sources.json")


def results_table(preds: dict, gold: np.ndarray, groups: np.ndarray, label: str,
                  pooled: bool = False) -> list[dict]:
    """Metrics per method, per group (and pooled over groups with ``pooled``)."""
    rows = []
    for method, pred in preds.items():
        for group in (["all"] if pooled else []) + sorted(np.unique(groups)):
            mask = np.ones(len(gold), bool) if group == "all" else groups == group
            m = sign_metrics(pred[mask], gold[mask], polar_threshold=POLAR_THRESHOLD)
            rows.append({"evaluation": label, "data": str(group), "method": method,
                         **{k: (round(v, 4) if isinstance(v, float) else v)
                            for k, v in m.items()}})
    return rows


def _blend_folds(folds, learned, vader, litotes, lexicon, domains, plain=False):
    """Each held-out domain blended with the VADER weight chosen without it."""
    out = np.zeros(len(learned))
    for fold in folds:
        sel = domains == fold["held_out"]
        out[sel] = ensemble(vader[sel], learned[sel], fold["vader_weight"],
                            None if plain else litotes[sel], lexicon[sel], NO_LEXICON_SHRINK)
    return out


def train(data_dir: str | Path = DEFAULT_DATA, out: str | Path = WEIGHTS_PATH, *,
          cache_dir=None, progress: bool = False, settings=None) -> pd.DataFrame:
    """Fit, evaluate and write the weights; returns the table of numbers that it stores.

    Parameters
    ----------
    data_dir : path
        Folder holding ``sst/``, ``uci_labelled_sentences/``, ``emobank/``, ``facebook_va/``.
    out : path
        Where to write the ``.npz`` weights (the provenance JSON goes beside it).
    cache_dir : path, optional
        Embedding cache (default: ``$CONVOLAB_CACHE_DIR`` or ``~/.cache/convolab``).
    progress : bool
        Show a progress bar while embedding.
    settings : list of Setting, optional
        Candidates (default: every combination of :data:`ALPHAS`, :data:`TARGET_SCALES` and
        :data:`GROUP_WEIGHTS`).
    """
    from .scorers import LearnedWeights
    from .validity import (
        document_aggregates,
        document_ratings,
        neutral_check_sentences,
        neutral_summary,
        neutral_train_sentences,
    )

    settings = settings or settings_grid(ALPHAS, TARGET_SCALES, GROUP_WEIGHTS)
    frame, digests = load_training_data(data_dir)
    texts = frame["text"].tolist()

    def features(sentences):
        v = vader_scores(sentences)
        return (embed(sentences, "minilm", cache_dir=cache_dir, progress=progress).astype(float),
                v, litotes_mask(sentences, v), lexicon_mask(sentences))

    X, vader, litotes, lexicon = features(texts)
    gold, dom = frame["gold"].to_numpy(float), frame["source"].to_numpy()
    fit = (frame["split"] != "test").to_numpy()
    scaled = {d for d in np.unique(dom) if d.startswith("eb-") or d == "facebook"}
    stats = DomainStats(X[fit], gold[fit], dom[fit], scaled)
    stats.add_constant("neutral", embed(neutral_train_sentences(), "minilm",
                                        cache_dir=cache_dir).astype(float))
    Xf, gf, vf, lf, litf, df = X[fit], gold[fit], vader[fit], lexicon[fit], litotes[fit], dom[fit]
    new = dict(shrink=NO_LEXICON_SHRINK, shares={"neutral": NEUTRAL_SHARE}, log=logger.info)
    old = dict(shrink=NO_LEXICON_SHRINK, fixed={"neutral": NEUTRAL_WEIGHT}, rated=REVIEWS,
               log=logger.info)
    args = (stats, Xf, gf, vf, lf, df)

    floors: dict = {}

    def keeps_reviews(outer, r):
        """The previous recipe's inner held-out r per review domain, less the tolerance."""
        if outer not in floors:
            reviews = [d for d in REVIEWS if d != outer]
            pred, fo = nested_lodo(*args, [OLD_SETTING], **{**old, "rated": reviews,
                                                             "log": None})
            blended = _blend_folds(fo, pred, vf, litf, lf, df, plain=True)
            floors[outer] = {d: np.corrcoef(blended[df == d], gf[df == d])[0, 1]
                             - REVIEW_TOLERANCE for d in reviews}
        return all(r[d] >= floor for d, floor in floors[outer].items())

    anchors: dict = {}

    def anchor(excluded):
        """The previous recipe (``old``) fitted without the ``excluded`` domains."""
        if excluded not in anchors:
            anchors[excluded] = stats.fit([d for d in old["rated"] if d not in excluded]
                                          + list(old["fixed"]), OLD_SETTING,
                                          fixed=old["fixed"])
        return anchors[excluded]

    new.update(admissible=keeps_reviews, anchor=anchor, anchor_shares=ANCHOR_SHARES)
    learned, folds = nested_lodo(*args, settings, **new)
    learned_old, old_folds = nested_lodo(*args, [OLD_SETTING], **old)
    (final,) = nested_lodo(*args, settings, held_out=[None], **new)[1]
    (final_old,) = nested_lodo(*args, [OLD_SETTING], held_out=[None], **old)[1]
    # The previous scorer never saw EmoBank or the Facebook posts: its final fit scores them.
    other = ~np.isin(df, REVIEWS)
    learned_old[other] = predict(final_old["fitted"], Xf[other])
    old_folds += [{**final_old, "held_out": d} for d in np.unique(df[other])]
    preds = {"vader": vf,
             "ensemble_old": _blend_folds(old_folds, learned_old, vf, litf, lf, df),
             "ensemble": _blend_folds(folds, learned, vf, litf, lf, df),
             "learned_old": learned_old, "learned": learned,
             "ensemble_plain": _blend_folds(folds, learned, vf, litf, lf, df, plain=True)}
    rows = results_table(preds, gf, df, "leave-one-domain-out", pooled=True)

    w, w_old = final["vader_weight"], final_old["vader_weight"]

    def scored(Z, v, lit, lex):
        new, old = predict(final["fitted"], Z), predict(final_old["fitted"], Z)
        return {"vader": v,
                "ensemble_old": ensemble(v, old, w_old, lit, lex, NO_LEXICON_SHRINK),
                "ensemble": ensemble(v, new, w, lit, lex, NO_LEXICON_SHRINK),
                "learned_old": old, "learned": new,
                "ensemble_plain": ensemble(v, new, w, None, lex, NO_LEXICON_SHRINK)}

    test = ~fit
    test_preds = scored(X[test], vader[test], litotes[test], lexicon[test])
    groups = np.array([f"{d}-test" for d in dom[test]])
    for label, prefix in (("SST test split", "sst"), ("EmoBank test split", "eb-")):
        sel = np.char.startswith(groups.astype(str), prefix)
        rows += results_table({m: p[sel] for m, p in test_preds.items()}, gold[test][sel],
                              groups[sel], label)
    written = load_tone_written()
    if len(written):
        wt = written["text"].tolist()
        rows += results_table(scored(*features(wt)), written["gold"].to_numpy(float),
                              written["source"].to_numpy(), "our rated sentences")
    table = pd.DataFrame(rows)

    check = neutral_check_sentences()
    neutral_rows = neutral_summary(scored(*features(check)))
    uci = np.isin(df, ("yelp", "amazon", "imdb"))
    doc_rows = [{"method": m, **r} for m in ("ensemble", "ensemble_old", "vader")
                for r in document_aggregates(preds[m][uci], gf[uci], df[uci])]
    bank = np.char.startswith(df.astype(str), "eb-")
    documents = frame["document"].to_numpy()[fit][bank]
    eb_docs = [{"method": m, **r} for m in ("ensemble", "ensemble_old", "vader", "learned")
               for r in document_ratings(preds[m][bank], gf[bank], documents, df[bank])]

    strip = [{k: v for k, v in f.items() if k != "fitted"} for f in folds]
    strip_old = [{k: v for k, v in f.items() if k != "fitted"} for f in old_folds]
    provenance = {
        "trained_on": "SST v1.0 train+dev (2*positivity-1); UCI labelled sentences (Yelp, "
                      "Amazon, IMDb; 0/1 -> -1/+1); EmoBank train+dev, all genres (valence "
                      "standardised); Facebook valence posts (mean of two raters, "
                      "standardised); data/neutral_train.txt (0)",
        "data_sha256": digests, "data_licences": LICENCES,
        "texts_shipped": False, "command": "python -m convolab.sentiment.train",
        "embedder_sha256": MINILM_SHA256,
    }
    metadata = {
        **provenance,
        "n_train": int(fit.sum()), "n_test": int(test.sum()),
        "n_per_domain": {str(k): int(v) for k, v in zip(*np.unique(df, return_counts=True))},
        "n_neutral_train": int(stats.stats["neutral"][0]), "neutral_share": NEUTRAL_SHARE,
        "no_lexicon_shrink": NO_LEXICON_SHRINK, "polar_threshold": POLAR_THRESHOLD,
        "setting": {k: final[k] for k in ("alpha", "target_scale", "domain_weights",
                                          "anchor_share")},
        "alpha": final["alpha"], "vader_weight": w, "vader_weight_old": w_old,
        "candidates": len(settings), "folds": strip, "folds_old": strip_old,
        "results": table.to_dict(orient="records"),
        "neutral_check": neutral_rows, "document_aggregates": doc_rows,
        "emobank_documents": eb_docs,
    }
    fitted = final["fitted"]
    LearnedWeights(mean=fitted["mean"], scale=fitted["scale"], coef=fitted["coef"],
                   intercept=fitted["intercept"], ensemble_weight=w,
                   embedder=MiniLMEmbedder.fingerprint, metadata=metadata,
                   no_lexicon_shrink=NO_LEXICON_SHRINK).save(out)
    Path(out).with_suffix(".sources.json").write_text(
        json.dumps(provenance, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    logger.info("Wrote %s (VADER weight %.2f, %s)", out, w, metadata["setting"])
    return table


def old_vs_new(table: pd.DataFrame) -> pd.DataFrame:
    """Pearson r per evaluation and data set: VADER, old and new side by side."""
    wide = table.pivot_table(index=["evaluation", "data"], columns="method", values="pearson",
                             sort=False)
    wide = wide.reindex(columns=[m for m in METHODS if m in wide.columns])
    wide["new - old"] = wide["ensemble"] - wide["ensemble_old"]
    wide["n"] = table.groupby(["evaluation", "data"], sort=False)["n"].first()
    return wide


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m convolab.sentiment.train``."""
    parser = argparse.ArgumentParser(prog="python -m convolab.sentiment.train",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA),
                        help="folder holding sst/, uci_labelled_sentences/, emobank/ and "
                             "facebook_va/ (default: %(default)s)")
    parser.add_argument("--out", default=str(WEIGHTS_PATH), help="weights file to write")
    parser.add_argument("--cache-dir", default=None, help="embedding cache folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from .scorers import LearnedWeights

    table = train(args.data, args.out, cache_dir=args.cache_dir, progress=not args.quiet)
    metadata = LearnedWeights.load(args.out).metadata
    with pd.option_context("display.width", 140, "display.max_columns", 20):
        print("Pearson r with human ratings (old = the scorer shipped before; new = this one)")
        print(old_vs_new(table).round(3).to_string())
        print(f"\nChosen: {metadata['setting']}, VADER weight {metadata['vader_weight']} "
              f"(old {metadata['vader_weight_old']}), shrink {NO_LEXICON_SHRINK} where VADER "
              "rates no word")
        print("\nNeutral check set (held out): |score| per method, lower is better")
        print(pd.DataFrame(metadata["neutral_check"]).to_string(index=False))
        print("\nPseudo-documents (UCI, held-out scores): aggregate vs share of positive "
              "sentences")
        print(pd.DataFrame(metadata["document_aggregates"]).to_string(index=False))
        print("\nEmoBank documents (held-out genre): mean sentence score vs mean rating")
        print(pd.DataFrame(metadata["emobank_documents"]).pivot_table(
            index="data", columns="method", values="pearson", sort=False).round(3).to_string())
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Computed prose about the tone scorers: how VADER and the learned model agree, and how the
scorer in use was validated.

Each function returns a :class:`~convolab.narrative.Narrative` (or, for the sentences behind
it, a tidy table) computed from :meth:`convolab.SentimentModel.score` output and
:func:`convolab.training_report`, so the prose stays true on any corpus and any retrained
scorer.
"""

from __future__ import annotations

import pandas as pd

from ..sentiment import NEUTRAL_BAND, sentiment_by
from .wording import Narrative, label_map, listing, md_escape, num, plural, scored_rows, short

__all__ = [
    "describe_document_aggregate",
    "describe_neutral_check",
    "describe_method_agreement",
    "describe_scorer_validation",
    "method_disagreements",
]

#: Names of the scorers in prose.
METHOD_NAMES = {"vader": "VADER", "learned": "the learned model", "ensemble": "the ensemble",
                "ensemble_plain": "the plain average (no litotes rule)",
                "ensemble_old": "the previous ensemble (trained on reviews only)",
                "learned_old": "the previous learned model (trained on reviews only)"}
#: Short names in parenthesised comparisons.
METHOD_SHORT = {"vader": "VADER", "ensemble_old": "previous", "learned": "learned",
                "ensemble": "ensemble"}


# --- VADER vs learned ------------------------------------------------------------------------------

def method_disagreements(scores: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Sentences where VADER and the learned model disagree most, on opposite sides of neutral.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, vader, learned, sentiment, gap, text``, largest ``gap`` first.
    """
    usable = scored_rows(scores)
    if "learned" not in usable:
        return pd.DataFrame(columns=["doc_id", "sent_id", "vader", "learned", "sentiment", "gap",
                                     "text"])
    opposite = _opposite(usable)
    out = usable[opposite].assign(gap=(usable["vader"] - usable["learned"]).abs())
    keys = [c for c in ("doc_id", "sent_id") if c in out]
    out = out.assign(_neg=-out["gap"]).sort_values(["_neg"] + keys).drop(columns="_neg")
    keep = [c for c in ("doc_id", "sent_id", "vader", "learned", "sentiment", "gap", "text")
            if c in out]
    return out[keep].head(n).reset_index(drop=True)


def _opposite(frame: pd.DataFrame) -> pd.Series:
    v, learned = frame["vader"], frame["learned"]
    return ((v >= NEUTRAL_BAND) & (learned <= -NEUTRAL_BAND)) | \
        ((v <= -NEUTRAL_BAND) & (learned >= NEUTRAL_BAND))


def describe_method_agreement(scores: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                              random_state: int = 0) -> Narrative:
    """How far VADER and the learned model agree, per sentence and in ranking documents.

    Parameters
    ----------
    scores : DataFrame
        :meth:`SentimentModel.score` output with ``vader`` and ``learned`` columns.
    documents : DataFrame, optional
        To name documents by title.
    random_state : int
        Seed of the per-document intervals.

    Returns
    -------
    Narrative
        Facts: ``n, pearson, spearman, mean_vader, mean_learned, share_neutral_vader,
        share_neutral_learned, n_opposite, share_opposite, n_documents, doc_rank_spearman``
        (None below three documents), ``same_warmest, same_most_critical`` (booleans),
        ``warmest_vader, warmest_learned, critical_vader, critical_learned`` (labels).
    """
    usable = scored_rows(scores)
    if "learned" not in usable or "vader" not in usable:
        return Narrative("Only one scoring method was run, so there is nothing to compare.",
                         {"n": len(usable)})
    labels = label_map(documents)
    n = len(usable)
    v, lm = usable["vader"].astype(float), usable["learned"].astype(float)
    varied = n > 2 and v.nunique() > 1 and lm.nunique() > 1
    opposite = int(_opposite(usable).sum())
    facts: dict = {
        "n": n,
        "pearson": float(v.corr(lm)) if varied else None,
        "spearman": float(v.corr(lm, method="spearman")) if varied else None,
        "mean_vader": float(v.mean()) if n else None,
        "mean_learned": float(lm.mean()) if n else None,
        "share_neutral_vader": float((v.abs() < NEUTRAL_BAND).mean()) if n else None,
        "share_neutral_learned": float((lm.abs() < NEUTRAL_BAND).mean()) if n else None,
        "n_opposite": opposite,
        "share_opposite": opposite / n if n else None,
    }
    if n == 0:
        return Narrative("No sentence could be scored, so the methods cannot be compared.", facts)
    if varied:
        text = (f"Over {plural(n, 'sentence')}, VADER and the learned model correlate at "
                f"r = {facts['pearson']:.2f} (Spearman {facts['spearman']:.2f}). ")
    else:
        text = (f"Over {plural(n, 'sentence')} the correlation of VADER and the learned model "
                "cannot be computed (too few sentences, or one method gives a single value). ")
    text += (f"They put {plural(opposite, 'sentence')} ({facts['share_opposite']:.0%}) on "
             f"opposite sides of neutral. VADER averages {num(facts['mean_vader'])} and calls "
             f"{facts['share_neutral_vader']:.0%} of sentences neutral; the learned model "
             f"averages {num(facts['mean_learned'])} and calls "
             f"{facts['share_neutral_learned']:.0%} neutral. ")
    gap = facts["mean_vader"] - facts["mean_learned"]
    if abs(gap) >= NEUTRAL_BAND:
        text += (f"VADER reads the corpus as {'warmer' if gap > 0 else 'cooler'} than the "
                 f"learned model does, by {abs(gap):.2f} on average. ")
    per = {c: sentiment_by(scores, column=c, random_state=random_state).query("n > 0")
           .set_index("doc_id")["mean"] for c in ("vader", "learned")}
    docs = per["vader"].index.intersection(per["learned"].index)
    facts["n_documents"] = len(docs)
    if len(docs) >= 2:
        a, b = per["vader"][docs], per["learned"][docs]
        facts["doc_rank_spearman"] = float(a.corr(b, method="spearman")) \
            if len(docs) >= 3 and a.nunique() > 1 and b.nunique() > 1 else None
        for key, pick in (("warmest", "idxmax"), ("critical", "idxmin")):
            fv, fl = getattr(a, pick)(), getattr(b, pick)()
            facts[f"{key}_vader"] = labels.get(fv, fv)
            facts[f"{key}_learned"] = labels.get(fl, fl)
        facts["same_warmest"] = facts["warmest_vader"] == facts["warmest_learned"]
        facts["same_most_critical"] = facts["critical_vader"] == facts["critical_learned"]
        if facts["doc_rank_spearman"] is not None:
            text += (f"Ranking the {len(docs)} documents by mean tone, the two methods have a "
                     f"rank correlation of {facts['doc_rank_spearman']:.2f}")
            text += (f" (on only {len(docs)} points). " if len(docs) < 10 else ". ")
        for key, word in (("warmest", "warmest"), ("critical", "most critical")):
            same = facts["same_warmest" if key == "warmest" else "same_most_critical"]
            if same:
                text += f"Both find {short(facts[f'{key}_vader'])} the {word} document. "
            else:
                text += (f"They disagree on the {word} document: "
                         f"{short(facts[f'{key}_vader'])} for VADER, "
                         f"{short(facts[f'{key}_learned'])} for the learned model. ")
    else:
        facts["doc_rank_spearman"] = None
    return Narrative(text.strip(), facts)


# --- validation ----------------------------------------------------------------------------------

def describe_scorer_validation(report: pd.DataFrame, method: str = "ensemble") -> Narrative:
    """What the scorer's held-out numbers say, for the method in use and the alternatives.

    Parameters
    ----------
    report : DataFrame
        :func:`convolab.training_report` (``method, data, evaluation, n, n_polar, accuracy,
        macro_f1, pearson, spearman``).
    method : str
        The method that fills the ``sentiment`` column.

    Returns
    -------
    Narrative
        Facts: ``method``, ``held_out`` (method → ``accuracy, macro_f1, pearson, n, n_polar``
        on all held-out domains), ``best_accuracy, best_pearson`` (methods), ``test``
        (method → the same numbers on the first separate test split) when the report has one,
        and, when it holds rated genres beyond reviews (EmoBank's ``eb-*`` domains),
        ``genres`` (genre → method → held-out r) and ``tests`` (evaluation → data → method →
        r).
    """
    if report is None or report.empty or "method" not in report:
        return Narrative("No validation numbers are stored with the scorer.", {"method": method})
    numbers = ["accuracy", "macro_f1", "pearson", "n", "n_polar"]
    pooled = report[report["data"] == "all"]
    how = pooled["evaluation"].iloc[0] if len(pooled) else None
    held = {r["method"]: {k: r[k] for k in numbers} for _, r in pooled.iterrows()}
    domains = sorted(set(report.loc[report["evaluation"] == how, "data"]) - {"all"})
    split = report[report["evaluation"] != how]
    first = split[split["data"] == split["data"].iloc[0]] if len(split) else split
    test = {r["method"]: {k: r[k] for k in numbers} for _, r in first.iterrows()}
    facts: dict = {"method": method, "held_out": held, "test": test}
    if method not in held:
        return Narrative(f"The stored validation numbers do not cover the method in use "
                         f"({md_escape(method)}).", facts)
    genres = [d for d in domains if d.startswith("eb-")]
    mine = held[method]
    facts["best_accuracy"] = max(held, key=lambda m: (held[m]["accuracy"], m))
    facts["best_pearson"] = max(held, key=lambda m: (held[m]["pearson"], m))
    what = "human-rated sentences" if genres else "labelled review sentences"
    text = (f"The tone score comes from {METHOD_NAMES.get(method, md_escape(method))}. "
            f"Validated on {mine['n']:,} {what} from "
            f"{plural(len(domains), 'source')} ({listing([md_escape(d) for d in domains])}), "
            + ("each scored by a model trained without its source (leave-one-domain-out), "
               if how == "leave-one-domain-out" else f"by {md_escape(how)}, ")
            + f"it gives the right sign for {mine['accuracy']:.0%} of the "
            f"{mine['n_polar']:,} clearly positive or negative sentences (macro-F1 "
            f"{mine['macro_f1']:.2f}) and correlates with the human ratings at "
            f"r = {mine['pearson']:.2f}. ")
    others = [m for m in ("vader", "learned") if m in held and m != method]
    if others:
        text += "For comparison: " + "; ".join(
            f"{METHOD_NAMES[m]} alone {held[m]['accuracy']:.0%} (r = {held[m]['pearson']:.2f})"
            for m in others) + ". "
    for key, what in (("best_accuracy", "accuracy"), ("best_pearson", "correlation")):
        best = facts[key]
        if best != method:
            column = "accuracy" if what == "accuracy" else "pearson"
            text += (f"On {what}, {METHOD_NAMES.get(best, md_escape(best))} does better "
                     f"({held[best][column]:.3f} against {mine[column]:.3f}). ")
    if genres:
        return Narrative(text + _genre_text(report, how, genres, method, facts), facts)
    if method in test:
        t = test[method]
        text += (f"On a separate test split ({md_escape(split['data'].iloc[0])}, {t['n']:,} "
                 f"sentences) it gets {t['accuracy']:.0%} of signs right (r = "
                 f"{t['pearson']:.2f}). ")
    text += ("These are reviews, not essays: how well the scores match a human reader of "
             "these essays has not been measured, and argued prose is usually harder to read "
             "for tone than reviews.")
    return Narrative(text, facts)


def _genre_text(report: pd.DataFrame, how: str, genres: list[str], method: str,
                facts: dict) -> str:
    """Per-genre held-out r (method, VADER, the previous scorer) and the separate test sets."""
    r = report.pivot_table(index=["evaluation", "data"], columns="method", values="pearson",
                           sort=False)
    facts["genres"] = {g: r.loc[(how, g)].dropna().to_dict() for g in genres}
    facts["tests"] = {ev: {d: r.loc[(ev, d)].dropna().to_dict()
                           for d in r.loc[ev].index} for ev in r.index.unique(0) if ev != how}
    compare = [m for m in ("vader", "ensemble_old") if m in r.columns]

    def cell(key):
        row = r.loc[key]
        return (f"{md_escape(key[1].removeprefix('eb-'))} {row[method]:.2f}"
                + (" (" + ", ".join(f"{METHOD_SHORT[m]} {row[m]:.2f}" for m in compare) + ")"
                   if compare else ""))

    text = ("By genre of EmoBank's human-rated sentences, each genre held out in turn, r = "
            + "; ".join(cell((how, g)) for g in genres) + ". ")
    for ev, data in facts["tests"].items():
        text += f"On {md_escape(ev)}: " + "; ".join(cell((ev, d)) for d in data) + ". "
    return text + ("EmoBank's essays, blogs and newspaper sentences are the nearest rated "
                   "text to these essays; how well the scores match a reader of these essays "
                   "themselves has not been measured.")


# --- subject words and documents -------------------------------------------------------------------

def describe_neutral_check(report: pd.DataFrame, method: str = "ensemble",
                           band: float = 0.25) -> Narrative:
    """How much tone the scorer gives to neutral, factual sentences about charged subjects.

    Parameters
    ----------
    report : DataFrame
        :func:`convolab.sentiment.neutral_check_report` (``method, mean_abs, max_abs,
        share_beyond_band, n``).
    method : str
        The method in use.
    band : float
        The band the report's ``share_beyond_band`` was computed with (for the wording).

    Returns
    -------
    Narrative
        Facts: ``method, n`` and, per method present, ``mean_abs`` (method → number),
        ``max_abs`` and ``share_beyond_band`` of the method in use.
    """
    if report is None or report.empty or method not in set(report["method"]):
        return Narrative("No neutral check numbers are stored with the scorer.",
                         {"method": method})
    rows = report.set_index("method")
    mine = rows.loc[method]
    facts = {"method": method, "n": int(mine["n"]), "mean_abs": rows["mean_abs"].to_dict(),
             "max_abs": float(mine["max_abs"]),
             "share_beyond_band": float(mine["share_beyond_band"])}
    text = (f"Subject words should carry no tone. On {plural(facts['n'], 'neutral sentence')} "
            "about charged subjects (banks, fees, refunds, Walmart, call centres...), written "
            "for this check and never used in training, "
            f"{_method_name(method)} gives a mean |score| of {mine['mean_abs']:.2f} (0 is "
            f"ideal; the largest is {mine['max_abs']:.2f}, and "
            f"{mine['share_beyond_band']:.0%} fall beyond ±{band:.2f}). ")
    others = [m for m in ("vader", "ensemble_old") if m in rows.index and m != method]
    if others:
        text += "For comparison: " + "; ".join(
            f"{_method_name(m)} {rows.loc[m, 'mean_abs']:.2f}" for m in others) + "."
    return Narrative(text.strip(), facts)


def describe_document_aggregate(report: pd.DataFrame, method: str = "ensemble") -> Narrative:
    """Which aggregate of sentence scores stands for a document's tone, and why.

    Parameters
    ----------
    report : DataFrame
        :func:`convolab.sentiment.document_aggregate_report` (``method, aggregate, pearson,
        spearman, n_documents, chosen``).
    method : str
        The scoring method in use.

    Returns
    -------
    Narrative
        Facts: ``chosen`` (aggregate), ``pearson`` (aggregate → r), ``n_documents``.
    """
    if report is None or report.empty or method not in set(report.get("method", [])):
        return Narrative("An essay's tone is the mean of its sentence scores; no comparison "
                         "with other aggregates is stored with the scorer.", {"chosen": "mean"})
    mine = report[report["method"] == method]
    pearson = dict(zip(mine["aggregate"], mine["pearson"].astype(float)))
    chosen = str(mine.loc[mine["chosen"].astype(bool), "aggregate"].iloc[0])
    names = {"mean": "the mean", "median": "the median",
             "top3_mean": "the mean of the three most polar sentences"}
    facts = {"chosen": chosen, "pearson": pearson, "n_documents": int(mine["n_documents"].iloc[0])}
    best = max(pearson, key=lambda a: (pearson[a], a == chosen))
    text = (f"An essay's tone is {names.get(chosen, md_escape(chosen))} of its sentence scores. "
            f"On {facts['n_documents']:,} pseudo-documents of 5-10 labelled review sentences "
            "with a known share of positive ones, scored by models that never saw their source, "
            + "; ".join(f"{names.get(a, md_escape(a))} tracks that share at r = {r:.2f}"
                        for a, r in pearson.items()) + ". ")
    if best == chosen:
        text += "It is used because it tracks the documents' ratings best."
    else:
        text += (f"It is used because {names.get(best, best)} is not clearly better (by "
                 f"{pearson[best] - pearson[chosen]:.2f}), and the mean is the simplest to "
                 "read and carries the bootstrap intervals shown above.")
    return Narrative(text, facts)


def _method_name(method: str) -> str:
    """A method's name for prose (the key itself, escaped, if unknown)."""
    return METHOD_NAMES.get(method, md_escape(method))

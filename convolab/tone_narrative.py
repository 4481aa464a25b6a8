"""Computed prose about tone: per document, along each essay, by method, and how it was validated.

Each ``describe_*`` function takes the tidy tables of :mod:`convolab.sentiment` and returns a
:class:`~convolab.narrative.Narrative` whose ``facts`` hold every value its text states, so the
prose stays true on any corpus. :mod:`convolab.findings` re-exports everything here; notebooks
use ``from convolab import findings``.

Conventions: scores run from −1 (negative) to +1 (positive); an interval *excludes zero* when
its lower bound is above 0 or its upper bound below 0 (a tone distinguishable from neutral at
the 95 % level, with the caveat of :func:`convolab.findings.describe_limits` that sentences are
treated as independent); a difference smaller than ``NEUTRAL_BAND`` (0.05) is "about the same".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .narrative import Narrative, _listing, _plural, document_labels, md_escape
from .sentiment.aggregate import NEUTRAL_BAND, sentiment_by
from .sentiment.flags import UNSCORED

__all__ = [
    "describe_arcs",
    "describe_extremes",
    "describe_method_agreement",
    "describe_scorer_validation",
    "describe_tone",
    "extreme_sentences",
    "label_map",
    "method_disagreements",
]

#: Quotes longer than this are cut (with "…") in prose; tables keep the full text.
QUOTE_CHARS = 300
#: Names of the scorers in prose.
METHOD_NAMES = {"vader": "VADER", "learned": "the learned model", "ensemble": "the ensemble",
                "ensemble_plain": "the plain average (no litotes rule)"}


# --- formatting shared with convolab.findings -------------------------------------------------

def num(value: float, digits: int = 2) -> str:
    """A signed score with a true minus sign: ``+0.15``, ``−0.08``."""
    if value is None or pd.isna(value):
        return "n/a"
    text = f"{float(value):+.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text.replace("-", "−")


def ci_text(low: float, high: float) -> str:
    """``95% CI −0.21 to +0.03``."""
    return f"95% CI {num(low)} to {num(high)}"


def quote(text, limit: int = QUOTE_CHARS) -> str:
    """Corpus text as an escaped, quoted, possibly shortened Markdown string."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return f"“{md_escape(text)}”"


def label_map(documents: pd.DataFrame | None) -> dict:
    """``doc_id`` → readable label (title, else doc_id)."""
    if documents is None or documents.empty:
        return {}
    return dict(zip(documents["doc_id"], document_labels(documents)))


def side_of_zero(low: float, high: float) -> str:
    """``"above"``, ``"below"`` or ``"includes"`` zero."""
    if low > 0:
        return "above"
    if high < 0:
        return "below"
    return "includes"


def source(e: dict, labels: dict) -> str:
    """Where a quoted unit comes from: document label, doc_id when it differs, and unit id."""
    doc = e["doc_id"]
    label = labels.get(doc, doc)
    where = f"sent\\_id {e['sent_id']}" if e.get("sent_id", -1) >= 0 else \
        f"para\\_id {e['para_id']}" if e.get("para_id", -1) >= 0 else "whole document"
    ids = where if label == doc else f"doc\\_id {md_escape(doc)}, {where}"
    return f"*{md_escape(label)}* ({ids})"


def _name(doc_id, labels: dict) -> str:
    return f"*{md_escape(labels.get(doc_id, doc_id))}*"


def _usable(scores: pd.DataFrame, column: str = "sentiment") -> pd.DataFrame:
    keep = scores[column].notna()
    if "flag" in scores:
        keep &= ~scores["flag"].isin(list(UNSCORED))
    return scores[keep]


def _interval_counts(table: pd.DataFrame, things: str, labels) -> tuple[dict, str]:
    """How many rows' intervals lie above, below or across zero, as facts and a sentence."""
    sides = [side_of_zero(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"])]
    names = list(labels)
    above = [n for n, s in zip(names, sides) if s == "above"]
    below = [n for n, s in zip(names, sides) if s == "below"]
    facts = {"n_above_zero": len(above), "n_below_zero": len(below),
             "n_include_zero": len(sides) - len(above) - len(below),
             "above_zero": above, "below_zero": below}
    n = len(sides)
    if n == 1:
        sentence = {"above": "Its interval lies entirely above zero: positive beyond sampling "
                             "noise.",
                    "below": "Its interval lies entirely below zero: negative beyond sampling "
                             "noise.",
                    "includes": "Its interval includes zero, so its tone cannot be told apart "
                                "from neutral."}[sides[0]]
        return facts, sentence

    def listed(xs):
        return (" (" + _listing([f"*{md_escape(x)}*" for x in xs[:8]])
                + (" and others" if len(xs) > 8 else "") + ")")

    parts = []
    for members, where in ((above, "above"), (below, "below")):
        if members:
            parts.append(f"{len(members)} of the {n} {things} "
                         f"{'has' if len(members) == 1 else 'have'} an interval entirely "
                         f"{where} zero{listed(members)}")
        else:
            parts.append(f"none has an interval entirely {where} zero")
    sentence = "; ".join(parts)
    sentence = sentence[0].upper() + sentence[1:] + ". "
    rest = facts["n_include_zero"]
    if rest == n:
        sentence = (f"Every one of the {n} {things} has an interval that includes zero: none "
                    "has a tone distinguishable from neutral at this sample size.")
    elif rest == 1:
        sentence += (f"For the remaining {things[:-1]} the interval includes zero, so its tone "
                     "cannot be told apart from neutral.")
    elif rest:
        sentence += (f"For the other {rest} the interval includes zero, so their tone cannot "
                     "be told apart from neutral.")
    return facts, sentence.strip()


# --- tone per document -------------------------------------------------------------------------

def describe_tone(by_doc: pd.DataFrame, documents: pd.DataFrame | None = None) -> Narrative:
    """The range of per-document mean tone, and which intervals exclude zero.

    Parameters
    ----------
    by_doc : DataFrame
        :func:`convolab.sentiment_by` with ``by="doc_id"``.
    documents : DataFrame, optional
        ``corpus.documents``, to name documents by title.

    Returns
    -------
    Narrative
        Facts: ``n_documents, highest, lowest`` (dicts of ``doc_id, label, mean, ci_low,
        ci_high, n``; lists of them on ties), ``extremes_overlap``, ``n_above_zero,
        n_below_zero, n_include_zero, above_zero, below_zero`` (labels), ``n_unscored``.
    """
    labels = label_map(documents)
    scored = by_doc[by_doc["n"] > 0] if len(by_doc) else by_doc
    facts: dict = {"n_documents": len(scored), "n_unscored": len(by_doc) - len(scored)}
    if scored.empty:
        return Narrative("No sentence could be scored, so there is no tone to report.", facts)

    def row(r) -> dict:
        return {"doc_id": r["doc_id"], "label": labels.get(r["doc_id"], r["doc_id"]),
                "mean": float(r["mean"]), "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]), "n": int(r["n"])}

    rows = [row(r) for _, r in scored.iterrows()]
    top = max(r["mean"] for r in rows)
    bottom = min(r["mean"] for r in rows)
    highest = [r for r in rows if r["mean"] == top]
    lowest = [r for r in rows if r["mean"] == bottom]

    def who(group):
        return _listing([f"*{md_escape(r['label'])}*" for r in group])

    def stat(r):
        return f"{num(r['mean'])} ({ci_text(r['ci_low'], r['ci_high'])}, {r['n']} sentences)"

    scale = " on a scale from −1 (negative) to +1 (positive)"
    if len(rows) == 1:
        r = rows[0]
        text = f"The one document, {who([r])}, has a mean sentence tone of {stat(r)}{scale}. "
        facts.update(highest=r, lowest=r, extremes_overlap=None)
    elif top == bottom:
        text = (f"All {len(rows)} documents have the same mean sentence tone, "
                f"{num(top)}{scale}. ")
        facts.update(highest=highest, lowest=lowest, extremes_overlap=True)
    else:
        high, low = highest[0], lowest[0]
        overlap = low["ci_high"] >= high["ci_low"]
        facts.update(highest=high if len(highest) == 1 else highest,
                     lowest=low if len(lowest) == 1 else lowest, extremes_overlap=overlap)
        text = (f"Mean sentence tone per document runs from {num(bottom)} ({who(lowest)}, "
                f"{ci_text(low['ci_low'], low['ci_high'])}) to {num(top)} ({who(highest)}, "
                f"{ci_text(high['ci_low'], high['ci_high'])}){scale}. ")
        text += ("Even these two intervals overlap, so the difference between the warmest and "
                 "the most critical document is not established. " if overlap else
                 "These two intervals do not overlap. ")
    counts, sentence = _interval_counts(scored, "documents",
                                        [labels.get(d, d) for d in scored["doc_id"]])
    facts.update(counts)
    text += sentence
    if facts["n_unscored"]:
        text += (f" {_plural(facts['n_unscored'], 'document has', 'documents have')} no "
                 "scorable sentence and no tone.")
    return Narrative(text, facts)


# --- arcs --------------------------------------------------------------------------------------

def describe_arcs(arcs: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                  min_sentences: int = 6) -> Narrative:
    """Whether essays end warmer or cooler than they begin (mean of the last vs first third).

    Parameters
    ----------
    arcs : DataFrame
        :func:`convolab.sentiment_arc` over all documents.
    documents : DataFrame, optional
        To name documents by title.
    min_sentences : int
        Documents with fewer scored sentences are too short to have a beginning and an end.

    Returns
    -------
    Narrative
        Facts: ``per_document`` (doc_id → ``start, end, change``), ``n_warmer, n_cooler,
        n_same, warmer, cooler, n_too_short``. A change within ``NEUTRAL_BAND`` is "same".
    """
    labels = label_map(documents)
    per_doc, short = {}, 0
    for doc_id, doc in arcs.groupby("doc_id", sort=True):
        if len(doc) < min_sentences:
            short += 1
            continue
        start = float(doc.loc[doc["position"] < 1 / 3, "sentiment"].mean())
        end = float(doc.loc[doc["position"] > 2 / 3, "sentiment"].mean())
        per_doc[doc_id] = {"start": start, "end": end, "change": end - start}
    warmer = [d for d, v in per_doc.items() if v["change"] >= NEUTRAL_BAND]
    cooler = [d for d, v in per_doc.items() if v["change"] <= -NEUTRAL_BAND]
    facts = {"per_document": per_doc, "n_warmer": len(warmer), "n_cooler": len(cooler),
             "n_same": len(per_doc) - len(warmer) - len(cooler),
             "warmer": [labels.get(d, d) for d in warmer],
             "cooler": [labels.get(d, d) for d in cooler], "n_too_short": short}
    if not per_doc:
        return Narrative(f"No document has the {min_sentences} or more scored sentences needed "
                         "to compare its beginning with its end.", facts)
    n = len(per_doc)
    text = (f"Comparing the mean tone of the last third of each essay with its first third "
            f"({_plural(n, 'document')} long enough): ")
    parts = []
    for members, word in ((warmer, "warmer"), (cooler, "cooler")):
        if members:
            parts.append(f"{len(members)} {'ends' if len(members) == 1 else 'end'} {word} "
                         f"({_listing([_name(d, labels) for d in members[:8]])}"
                         f"{' and others' if len(members) > 8 else ''})")
        else:
            parts.append(f"none ends {word}")
    text += "; ".join(parts)
    text += (f"; {facts['n_same']} {'changes' if facts['n_same'] == 1 else 'change'} by less "
             f"than {NEUTRAL_BAND} either way." if
             facts["n_same"] else ".")
    biggest = max(per_doc, key=lambda d: (abs(per_doc[d]["change"]), str(d)))
    if abs(per_doc[biggest]["change"]) >= NEUTRAL_BAND:
        v = per_doc[biggest]
        facts["largest_change"] = {"doc_id": biggest, **v}
        text += (f" The largest shift is in {_name(biggest, labels)}, from {num(v['start'])} "
                 f"to {num(v['end'])}.")
    if short:
        text += (f" {_plural(short, 'document is', 'documents are')} too short (under "
                 f"{min_sentences} sentences) to have an arc.")
    return Narrative(text, facts)


# --- extreme sentences ---------------------------------------------------------------------------

def extreme_sentences(scores: pd.DataFrame, n: int = 5, column: str = "sentiment") -> pd.DataFrame:
    """The ``n`` most positive and ``n`` most negative scored sentences, with their ids.

    Returns
    -------
    DataFrame
        ``side`` (``"most positive"``/``"most critical"``), ``rank`` (1 = most extreme), the
        sentence ids, the scores and ``text``. Ties are broken by ``doc_id`` then ``sent_id``.
    """
    usable = _usable(scores, column)
    keys = [c for c in ("doc_id", "sent_id") if c in usable]
    keep = [c for c in ("doc_id", "para_id", "sent_id", column, "vader", "learned", "text")
            if c in usable]
    top = usable.assign(_key=-usable[column]).sort_values(["_key"] + keys, kind="stable").head(n)
    bottom = usable.sort_values([column] + keys, kind="stable").head(n)
    frames = [part[keep].assign(side=side, rank=np.arange(1, len(part) + 1))
              for part, side in ((top, "most positive"), (bottom, "most critical"))]
    out = pd.concat(frames, ignore_index=True)
    return out[["side", "rank"] + keep]


def describe_extremes(scores: pd.DataFrame, documents: pd.DataFrame | None = None,
                      n: int = 3) -> Narrative:
    """The most positive and most critical sentences, quoted with where they come from.

    Returns
    -------
    Narrative
        Facts: ``most_positive`` and ``most_critical`` (lists of ``doc_id, sent_id, score,
        text``), ``n_positive, n_negative, n_scored`` (sentences beyond ``±NEUTRAL_BAND``).
    """
    labels = label_map(documents)
    usable = _usable(scores)
    table = extreme_sentences(scores, n)
    facts: dict = {"n_scored": len(usable),
                   "n_positive": int((usable["sentiment"] >= NEUTRAL_BAND).sum()),
                   "n_negative": int((usable["sentiment"] <= -NEUTRAL_BAND).sum())}
    if usable.empty:
        facts.update(most_positive=[], most_critical=[])
        return Narrative("No sentence could be scored.", facts)
    lines = [f"Of {_plural(facts['n_scored'], 'scored sentence')}, {facts['n_positive']} read "
             f"as positive and {facts['n_negative']} as negative (beyond ±{NEUTRAL_BAND}).", ""]
    for side, key, word, sign in (("most positive", "most_positive", "positive", 1),
                                  ("most critical", "most_critical", "negative", -1)):
        rows = table[table["side"] == side]
        facts[key] = [{"doc_id": r["doc_id"], "sent_id": int(r["sent_id"]),
                       "score": float(r["sentiment"]), "text": r["text"]}
                      for _, r in rows.iterrows()]
        extreme = float(rows["sentiment"].iloc[0])
        if sign * extreme < NEUTRAL_BAND:
            lines.append(f"**The {side} sentences** — even the {side} sentence scores "
                         f"{num(extreme)}: no sentence reads as {word}.")
        else:
            lines.append(f"**The {side} sentences:**")
        lines.append("")
        for r in facts[key]:
            lines.append(f"- {num(r['score'])} {quote(r['text'])} — {source(r, labels)}")
        lines.append("")
    return Narrative("\n".join(lines).strip(), facts)


# --- VADER vs learned ------------------------------------------------------------------------------

def method_disagreements(scores: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Sentences where VADER and the learned model disagree most, on opposite sides of neutral.

    Returns
    -------
    DataFrame
        ``doc_id, sent_id, vader, learned, sentiment, gap, text``, largest ``gap`` first.
    """
    usable = _usable(scores)
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
    usable = _usable(scores)
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
        text = (f"Over {_plural(n, 'sentence')}, VADER and the learned model correlate at "
                f"r = {facts['pearson']:.2f} (Spearman {facts['spearman']:.2f}). ")
    else:
        text = (f"Over {_plural(n, 'sentence')} the correlation of VADER and the learned model "
                "cannot be computed (too few sentences, or one method gives a single value). ")
    text += (f"They put {_plural(opposite, 'sentence')} ({facts['share_opposite']:.0%}) on "
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
                text += (f"Both find *{md_escape(facts[f'{key}_vader'])}* the {word} "
                         "document. ")
            else:
                text += (f"They disagree on the {word} document: *"
                         f"{md_escape(facts[f'{key}_vader'])}* for VADER, *"
                         f"{md_escape(facts[f'{key}_learned'])}* for the learned model. ")
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
        on all held-out domains), ``best_accuracy, best_pearson`` (methods), and ``test``
        (method → the same numbers on a separate test split) when the report has one.
    """
    if report is None or report.empty or "method" not in report:
        return Narrative("No validation numbers are stored with the scorer.", {"method": method})
    numbers = ["accuracy", "macro_f1", "pearson", "n", "n_polar"]
    pooled = report[report["data"] == "all"]
    how = pooled["evaluation"].iloc[0] if len(pooled) else None
    held = {r["method"]: {k: r[k] for k in numbers} for _, r in pooled.iterrows()}
    domains = sorted(set(report.loc[report["evaluation"] == how, "data"]) - {"all"})
    split = report[report["evaluation"] != how]
    test = {r["method"]: {k: r[k] for k in numbers} for _, r in split.iterrows()}
    facts: dict = {"method": method, "held_out": held, "test": test}
    if method not in held:
        return Narrative(f"The stored validation numbers do not cover the method in use "
                         f"({md_escape(method)}).", facts)
    mine = held[method]
    facts["best_accuracy"] = max(held, key=lambda m: (held[m]["accuracy"], m))
    facts["best_pearson"] = max(held, key=lambda m: (held[m]["pearson"], m))
    text = (f"The tone score comes from {METHOD_NAMES.get(method, md_escape(method))}. "
            f"Validated on {mine['n']:,} labelled review sentences from "
            f"{_plural(len(domains), 'source')} ({_listing([md_escape(d) for d in domains])}), "
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
    if method in test:
        t = test[method]
        text += (f"On a separate test split ({md_escape(split['data'].iloc[0])}, {t['n']:,} "
                 f"sentences) it gets {t['accuracy']:.0%} of signs right (r = "
                 f"{t['pearson']:.2f}). ")
    text += ("These are reviews, not essays: how well the scores match a human reader of "
             "these essays has not been measured, and argued prose is usually harder to read "
             "for tone than reviews.")
    return Narrative(text, facts)

"""Computed prose about tone: per document, along each essay, and its extreme sentences.

Each ``describe_*`` function takes the tidy tables of :mod:`convolab.sentiment` and returns a
:class:`~convolab.narrative.Narrative` whose ``facts`` hold every value its text states, so the
prose stays true on any corpus. How the scorers compare and were validated is in
:mod:`convolab.narrative.scorers`.

Conventions: scores run from −1 (negative) to +1 (positive); an interval *excludes zero* when
its lower bound is above 0 or its upper bound below 0 (a tone distinguishable from neutral at
the 95 % level, with the caveat of :func:`convolab.narrative.describe_limits` that sentences
are treated as independent); a difference smaller than ``NEUTRAL_BAND`` (0.05) is "about the
same".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sentiment import NEUTRAL_BAND
from .wording import (
    Narrative,
    ci_text,
    doc_name,
    interval_counts,
    label_map,
    listing,
    num,
    plural,
    quote,
    scored_rows,
    short,
    source,
)

__all__ = [
    "describe_arcs",
    "describe_extremes",
    "describe_tone",
    "extreme_sentences",
]


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
        return listing([short(r["label"]) for r in group])

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
    counts, sentence = interval_counts(scored, "documents",
                                        [labels.get(d, d) for d in scored["doc_id"]])
    facts.update(counts)
    text += sentence
    if facts["n_unscored"]:
        text += (f" {plural(facts['n_unscored'], 'document has', 'documents have')} no "
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
    per_doc, too_short = {}, 0
    for doc_id, doc in arcs.groupby("doc_id", sort=True):
        if len(doc) < min_sentences:
            too_short += 1
            continue
        start = float(doc.loc[doc["position"] < 1 / 3, "sentiment"].mean())
        end = float(doc.loc[doc["position"] > 2 / 3, "sentiment"].mean())
        per_doc[doc_id] = {"start": start, "end": end, "change": end - start}
    warmer = [d for d, v in per_doc.items() if v["change"] >= NEUTRAL_BAND]
    cooler = [d for d, v in per_doc.items() if v["change"] <= -NEUTRAL_BAND]
    facts = {"per_document": per_doc, "n_warmer": len(warmer), "n_cooler": len(cooler),
             "n_same": len(per_doc) - len(warmer) - len(cooler),
             "warmer": [labels.get(d, d) for d in warmer],
             "cooler": [labels.get(d, d) for d in cooler], "n_too_short": too_short}
    if not per_doc:
        return Narrative(f"No document has the {min_sentences} or more scored sentences needed "
                         "to compare its beginning with its end.", facts)
    n = len(per_doc)
    text = (f"Comparing the mean tone of the last third of each essay with its first third "
            f"({plural(n, 'document')} long enough): ")
    parts = []
    for members, word in ((warmer, "warmer"), (cooler, "cooler")):
        if members:
            parts.append(f"{len(members)} {'ends' if len(members) == 1 else 'end'} {word} "
                         f"({listing([doc_name(d, labels) for d in members[:8]])}"
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
        text += (f" The largest shift is in {doc_name(biggest, labels)}, from {num(v['start'])} "
                 f"to {num(v['end'])}.")
    if too_short:
        text += (f" {plural(too_short, 'document is', 'documents are')} too short (under "
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
    usable = scored_rows(scores, column)
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
    usable = scored_rows(scores)
    table = extreme_sentences(scores, n)
    facts: dict = {"n_scored": len(usable),
                   "n_positive": int((usable["sentiment"] >= NEUTRAL_BAND).sum()),
                   "n_negative": int((usable["sentiment"] <= -NEUTRAL_BAND).sum())}
    if usable.empty:
        facts.update(most_positive=[], most_critical=[])
        return Narrative("No sentence could be scored.", facts)
    lines = [f"Of {plural(facts['n_scored'], 'scored sentence')}, {facts['n_positive']} read "
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

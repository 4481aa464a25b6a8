"""Computed prose about themes × tone, the limits of the analysis, and a summary of findings.

Every function returns a :class:`~convolab.narrative.Narrative`: Markdown ``text`` for the
reader and the ``facts`` it states, computed here from the tables, so that a notebook re-run on
another corpus says what is true of that corpus. Topic labels are made of corpus words and are
escaped like any other corpus text. This is the one narrative module that builds on the others:
its summary restates the facts of :mod:`.themes` and :mod:`.tone`.
"""

from __future__ import annotations

import pandas as pd

from .themes import describe_topic_trust, describe_topics, stability_verdict
from .tone import describe_tone
from .wording import (
    Narrative,
    ci_text,
    interval_counts,
    label_map,
    listing,
    md_escape,
    num,
    plural,
    quote,
    side_of_zero,
    source,
)

__all__ = [
    "describe_limits",
    "describe_topic_document_tone",
    "describe_topic_tone",
    "describe_topic_tone_evidence",
    "summarize_findings",
    "topic_document_grid",
    "topic_document_table",
]

#: Below this many documents a corpus is called a tiny sample.
TINY_SAMPLE = 10


def _lie(n: int) -> str:
    return "lies" if n == 1 else "lie"


# --- themes × tone ------------------------------------------------------------------------------

def describe_topic_tone(table: pd.DataFrame, documents: pd.DataFrame | None = None) -> Narrative:
    """Which themes are told most warmly and most critically, with intervals and evidence.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.topic_sentiment` (the outlier row, topic −1, is left out here).
    documents : DataFrame, optional
        To name the documents of the evidence sentences.

    Returns
    -------
    Narrative
        Facts: ``n_topics, warmest, most_critical`` (dicts: ``topic, label, mean, ci_low,
        ci_high, n`` and the evidence ``sentence, doc_id, sent_id, score``), ``n_above_zero,
        n_below_zero, n_include_zero, above_zero, below_zero`` (labels) and ``not_ranked``
        (labels of the style and remainder topics, kept out of the ranking).
    """
    labels = label_map(documents)
    rows = table[(table["topic"] != -1) & (table["n"] > 0)] if len(table) else table
    # A style or a remainder is no theme: it is not ranked among the themes (when any is left).
    kinds = rows["kind"].fillna("subject") if "kind" in rows else pd.Series("subject", rows.index)
    aside = rows[kinds != "subject"] if (kinds == "subject").any() else rows.iloc[:0]
    rows = rows.drop(aside.index)
    facts: dict = {"n_topics": len(rows), "not_ranked": aside["label"].tolist()}
    if rows.empty:
        return Narrative("No theme has a scored sentence, so there is no tone per theme.", facts)

    def info(r, side):
        return {"topic": int(r["topic"]), "label": r["label"], "mean": float(r["mean"]),
                "ci_low": float(r["ci_low"]), "ci_high": float(r["ci_high"]), "n": int(r["n"]),
                "sentence": r[side], "doc_id": r[f"{side}_doc_id"],
                "sent_id": int(r[f"{side}_sent_id"]), "score": float(r[f"{side}_score"])}

    ordered = rows.sort_values(["mean", "topic"], ascending=[False, True])
    warm = info(ordered.iloc[0], "most_positive")
    cold = info(rows.sort_values(["mean", "topic"]).iloc[0], "most_negative")
    facts.update(warmest=warm, most_critical=cold)

    def about(t, what):
        return (f"*{md_escape(t['label'])}* (topic {t['topic']}): mean {num(t['mean'])} "
                f"({ci_text(t['ci_low'], t['ci_high'])}, {t['n']} sentences); its {what} "
                f"sentence, scored {num(t['score'])}: {quote(t['sentence'])} — "
                f"{source(t, labels)}")

    if len(rows) == 1:
        text = f"There is one theme, {about(warm, 'most positive')}. "
    else:
        ties = (ordered["mean"] == warm["mean"]).sum()
        text = (f"Of the {len(rows)} themes, the most warmly told is {about(warm, 'most positive')}"
                f". The most critically told is {about(cold, 'most negative')}. ")
        if ties > 1:
            text += f"({ties} themes share the highest mean; the lowest topic id is named.) "
        if warm["mean"] < 0:
            text += "Even the warmest theme is on the negative side of zero. "
        elif cold["mean"] > 0:
            text += "Even the most critical theme is on the positive side of zero. "
    counts, sentence = interval_counts(rows, "themes", rows["label"].tolist())
    facts.update(counts)
    text += sentence
    if len(aside):
        one = len(aside) == 1
        text += (f" {listing(['*' + md_escape(x) + '*' for x in facts['not_ranked']])} "
                 f"{'is' if one else 'are'} left out of this ranking: "
                 f"{'it is a style or a remainder' if one else 'they are styles or remainders'}"
                 ", not a theme (see the themes report).")
    return Narrative(text.strip(), facts)


def describe_topic_tone_evidence(table: pd.DataFrame,
                                 documents: pd.DataFrame | None = None) -> Narrative:
    """Every theme's tone with its interval and its most positive and most negative sentence.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.topic_sentiment` (with ``n_evidence=1``).

    Returns
    -------
    Narrative
        Facts: ``topics``, one dict per theme in table order: ``topic, label, n, mean, ci_low,
        ci_high, side`` (``above``/``below``/``includes`` zero) and ``most_positive,
        most_negative`` (``doc_id, sent_id, score, text``).
    """
    labels = label_map(documents)
    rows = table[table["n"] > 0] if len(table) else table
    listed, lines = [], []
    for _, r in rows.iterrows():
        item = {"topic": int(r["topic"]), "label": r["label"], "n": int(r["n"]),
                "mean": float(r["mean"]), "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]), "side": side_of_zero(r["ci_low"], r["ci_high"])}
        for key in ("most_positive", "most_negative"):
            item[key] = {"doc_id": r[f"{key}_doc_id"], "sent_id": int(r[f"{key}_sent_id"]),
                         "score": float(r[f"{key}_score"]), "text": r[key]}
        listed.append(item)
        verdict = {"above": "warmer than neutral", "below": "more critical than neutral",
                   "includes": "not distinguishable from neutral",
                   "none": "not distinguishable from neutral"}[item["side"]]
        name = "outliers (no topic)" if item["topic"] == -1 else \
            f"{md_escape(item['label'])} (topic {item['topic']})"
        lines.append(f"- **{name}**: mean {num(item['mean'])}, "
                     f"{ci_text(item['ci_low'], item['ci_high'])}, {item['n']} sentences: "
                     f"{verdict}.")
        for key, word in (("most_positive", "most positive"), ("most_negative", "most negative")):
            e = item[key]
            lines.append(f"    - {word}, {num(e['score'])}: {quote(e['text'])} — "
                         f"{source(e, labels)}")
    if not listed:
        return Narrative("No theme has a scored sentence.", {"topics": []})
    return Narrative("\n".join(lines), {"topics": listed})


def topic_document_grid(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`convolab.sentiment.topic_document_tone` as a themes × documents grid of ``"mean (n)"`` strings.

    Empty where a theme has no sentence in a document; readable at a glance, with the
    sentence count beside each mean so small cells are not over-read.
    """
    cells = table.assign(cell=[f"{num(m)} (n={n})" for m, n in zip(table["mean"], table["n"])])
    grid = cells.pivot_table(index=["topic", "label"], columns="doc_id", values="cell",
                             aggfunc="first")
    return grid.fillna("")


def topic_document_table(table: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                         max_documents: int = 8) -> pd.DataFrame:
    """Tone per theme and document, in the shape that reads best at this corpus size.

    With at most ``max_documents`` documents, the :func:`topic_document_grid` (themes ×
    documents); with more, whose columns would not fit a page, one row per (theme, document)
    cell, warmest first: ``topic, label, doc_id, document, mean, ci_low, ci_high, n``.
    """
    if table.empty or table["doc_id"].nunique() <= max_documents:
        return topic_document_grid(table) if len(table) else table
    labels = label_map(documents)
    cells = table.sort_values(["mean", "topic", "doc_id"], ascending=[False, True, True])
    cells = cells.assign(document=cells["doc_id"].map(lambda d: labels.get(d, d)))
    return cells[["topic", "label", "doc_id", "document", "mean", "ci_low", "ci_high", "n"]] \
        .round(3).reset_index(drop=True)


def describe_topic_document_tone(table: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                                 min_n: int = 3) -> Narrative:
    """In which essays each theme is told most warmly and most critically.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.sentiment.topic_document_tone`.
    min_n : int
        Only (theme, document) cells with at least this many sentences are compared.

    Returns
    -------
    Narrative
        Facts: ``per_topic`` (topic → ``label, warmest, coolest`` as ``doc_id, mean, n``, or
        None with fewer than two such documents), ``n_cells, n_cells_excluding_zero`` and
        ``cells_excluding_zero`` (``topic, label, doc_id, mean, ci_low, ci_high, n``).
    """
    labels = label_map(documents)
    cells = table[table["n"] >= min_n] if len(table) else table
    facts: dict = {"min_n": min_n, "n_cells": len(cells), "per_topic": {},
                   "cells_excluding_zero": []}
    if cells.empty:
        facts["n_cells_excluding_zero"] = 0
        return Narrative(f"No theme has {min_n} or more sentences in any one document, so the "
                         "tone of themes cannot be compared across documents.", facts)
    lines = [f"Where each theme is told most warmly and most critically (comparing documents "
             f"with {min_n} or more of its sentences):", ""]
    for topic, group in cells.groupby("topic", sort=True):
        label = group["label"].iloc[0]
        head = f"- *{md_escape(label)}* (topic {topic}): "
        if len(group) < 2:
            r = group.iloc[0]
            facts["per_topic"][int(topic)] = {"label": label, "warmest": None, "coolest": None}
            lines.append(head + f"only *{md_escape(labels.get(r['doc_id'], r['doc_id']))}* has "
                         f"enough of it ({num(r['mean'])}, n = {r['n']}).")
            continue
        ranked = group.sort_values(["mean", "doc_id"])
        hi, lo = ranked.iloc[-1], ranked.iloc[0]
        facts["per_topic"][int(topic)] = {
            "label": label,
            "warmest": {"doc_id": hi["doc_id"], "mean": float(hi["mean"]), "n": int(hi["n"])},
            "coolest": {"doc_id": lo["doc_id"], "mean": float(lo["mean"]), "n": int(lo["n"])}}
        lines.append(head + f"warmest in *{md_escape(labels.get(hi['doc_id'], hi['doc_id']))}* "
                     f"({num(hi['mean'])}, n = {hi['n']}), most critical in "
                     f"*{md_escape(labels.get(lo['doc_id'], lo['doc_id']))}* "
                     f"({num(lo['mean'])}, n = {lo['n']}).")
    for _, r in cells.iterrows():
        if side_of_zero(r["ci_low"], r["ci_high"]) in ("above", "below"):
            facts["cells_excluding_zero"].append(
                {"topic": int(r["topic"]), "label": r["label"], "doc_id": r["doc_id"],
                 "mean": float(r["mean"]), "ci_low": float(r["ci_low"]),
                 "ci_high": float(r["ci_high"]), "n": int(r["n"])})
    k = facts["n_cells_excluding_zero"] = len(facts["cells_excluding_zero"])
    lines.append("")
    if k == 0:
        lines.append(f"None of the {len(cells)} theme-in-document intervals excludes zero: at "
                     "this size no theme's tone within one essay is distinguishable from "
                     "neutral.")
    else:
        shown = [f"*{md_escape(c['label'])}* in *{md_escape(labels.get(c['doc_id'], c['doc_id']))}*"
                 f" ({num(c['mean'])}, {ci_text(c['ci_low'], c['ci_high'])})"
                 for c in facts["cells_excluding_zero"][:6]]
        lines.append(f"{k} of the {len(cells)} theme-in-document intervals exclude zero: "
                     f"{listing(shown)}{' and others' if k > 6 else ''}.")
    return Narrative("\n".join(lines), facts)


# --- limits and summary --------------------------------------------------------------------------

def describe_limits(corpus, evaluation: pd.Series | None = None,
                    by_doc: pd.DataFrame | None = None, *, n_seeds: int | None = None) -> Narrative:
    """What the sample size, the topic stability and the intervals allow one to conclude.

    Parameters
    ----------
    corpus : Corpus
    evaluation : Series, optional
        :meth:`TopicModel.evaluate` (with ``stability_ari`` for the stability point).
    by_doc : DataFrame, optional
        :func:`convolab.sentiment_by` per document, for the widest interval.
    n_seeds : int, optional
        Seeds behind the stability number.

    Returns
    -------
    Narrative
        Facts: ``n_documents, n_sentences, tiny_sample, min_sentences, median_sentences,
        widest`` (``doc_id, width, n``), ``stability_ari, stability_verdict``.
    """
    docs = corpus.documents
    per_doc = corpus.sentences.groupby("doc_id").size() if len(corpus.sentences) else \
        pd.Series(dtype=int)
    facts: dict = {"n_documents": len(docs), "n_sentences": len(corpus.sentences),
                   "tiny_sample": len(docs) < TINY_SAMPLE,
                   "min_sentences": int(per_doc.min()) if len(per_doc) else 0,
                   "median_sentences": float(per_doc.median()) if len(per_doc) else 0.0}
    labels = label_map(docs)
    n = facts["n_documents"]
    lines = [f"- **Sample size.** {plural(n, 'document')} and "
             f"{plural(facts['n_sentences'], 'sentence')}. " + (
                 f"Fewer than {TINY_SAMPLE} documents is a tiny sample: every finding describes "
                 f"these {n} essays and says nothing about essays on the subject in general; "
                 "adding or dropping one essay can change which theme is largest and which "
                 "essay reads warmest." if facts["tiny_sample"] else
                 "Findings describe these documents; whether they generalise depends on how "
                 "the documents were chosen.")]
    if len(per_doc) > 1:
        lines.append(f"- **Document length.** The shortest document has "
                     f"{plural(facts['min_sentences'], 'sentence')} (median "
                     f"{facts['median_sentences']:g}); statements about a short document rest "
                     "on few sentences.")
    if by_doc is not None and len(by_doc[by_doc["n"] > 0]):
        scored = by_doc[by_doc["n"] > 0]
        width = scored["ci_high"] - scored["ci_low"]
        w = scored.loc[width.idxmax()]
        facts["widest"] = {"doc_id": w["doc_id"], "width": float(width.max()), "n": int(w["n"])}
        lines.append(f"- **Intervals.** Sentences of one essay share an author, a subject and "
                     "a style, so they are not independent. Where a number pools sentences from "
                     "several essays (a theme's tone; a group's in the comparison notebook) its "
                     "95% interval resamples whole documents, and a theme found in one essay "
                     "has no interval. An essay's own interval can only resample its sentences, "
                     "so it is narrower than the real uncertainty: read it as a lower bound, "
                     "and an interval that only just excludes zero as weak evidence. The "
                     f"widest, for *{md_escape(labels.get(w['doc_id'], w['doc_id']))}* "
                     f"({w['n']} sentences), spans {facts['widest']['width']:.2f}.")
    ari = None if evaluation is None else evaluation.get("stability_ari")
    facts["stability_ari"] = None if ari is None or pd.isna(ari) else float(ari)
    facts["stability_verdict"] = stability_verdict(facts["stability_ari"])
    if facts["stability_ari"] is not None:
        seeds = f" over {plural(n_seeds, 'other seed')}" if n_seeds else ""
        lines.append(f"- **Topic stability.** The mean adjusted Rand index{seeds} is "
                     f"{facts['stability_ari']:.2f} ({facts['stability_verdict']}): the topics "
                     "and their labels are one draw of the clustering" + {
                         "stable": ", and another seed would draw them much the same.",
                         "moderately stable": "; another seed moves some units between "
                                              "topics, so sizes and the tone of small themes "
                                              "can shift.",
                         "unstable": "; another seed gives substantially different topics, so "
                                     "no theme here should be reported without checking it "
                                     "recurs across seeds."}[facts["stability_verdict"]])
    lines.append("- **Scorers and labels.** The tone scorers were trained and validated on "
                 "review sentences, not essays; irony, concession (\"yes, but\") and quoted "
                 "opinions are read at face value. Topic labels are words chosen by the model "
                 "and name a theme only as well as the quoted sentences bear them out.")
    return Narrative("\n".join(lines), facts)


def summarize_findings(tm, evaluation: pd.Series, by_doc: pd.DataFrame,
                       topic_tone: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                       n_seeds: int | None = None) -> Narrative:
    """A short computed summary: themes, how far to trust them, tone per essay and per theme.

    Returns
    -------
    Narrative
        Facts: ``themes``, ``trust``, ``tone`` and ``topic_tone`` (the facts of
        :func:`describe_topics`, :func:`describe_topic_trust`, :func:`describe_tone` and
        :func:`describe_topic_tone`) and ``n_intervals_excluding_zero`` (documents plus themes).
    """
    themes = describe_topics(tm).facts
    trust = describe_topic_trust(evaluation, n_seeds).facts
    tone = describe_tone(by_doc, documents).facts
    ttone = describe_topic_tone(topic_tone, documents).facts
    facts = {"themes": themes, "trust": trust, "tone": tone, "topic_tone": ttone}
    lines = []
    if themes["n_topics"]:
        big = themes["largest"][0]
        lines.append(f"- **Themes.** {plural(themes['n_topics'], 'theme')} across the "
                     f"{themes['n_units']} {themes['unit']}s of "
                     f"{plural(themes['n_documents'], 'document')}; the largest is "
                     f"*{md_escape(big['label'])}* ({big['share']:.0%}).")
    else:
        lines.append("- **Themes.** None found.")
    chance = trust["coherence_npmi_chance"]
    verdicts = [f"{w} (ARI {trust['stability_ari']:.2f})" if k == "stability_verdict" else
                f"{w} (NPMI {num(trust['coherence_npmi'])}" + (
                    ")" if chance is None else f"; {trust['coherence_vs_chance']} chance, "
                    f"{num(chance)} for random terms of the same frequencies)")
                for k, w in (("stability_verdict", trust["stability_verdict"]),
                             ("coherence_verdict", trust["coherence_verdict"])) if w]
    if verdicts and themes["n_topics"] > 1:
        lines.append(f"- **Trust.** Topics are {verdicts[0]}" + (
            f"; their top terms are {verdicts[1]}." if len(verdicts) > 1 else "."))
    if tone["n_documents"] > 1:
        def named(group):
            group = group if isinstance(group, list) else [group]
            return listing([f"*{md_escape(g['label'])}*" for g in group])

        hi, lo = tone["highest"], tone["lowest"]
        mean_hi = (hi[0] if isinstance(hi, list) else hi)["mean"]
        mean_lo = (lo[0] if isinstance(lo, list) else lo)["mean"]
        lines.append(f"- **Tone per essay.** From {num(mean_lo)} ({named(lo)}) to "
                     f"{num(mean_hi)} ({named(hi)}); {tone['n_above_zero']} of "
                     f"{tone['n_documents']} intervals {_lie(tone['n_above_zero'])} above "
                     f"zero and {tone['n_below_zero']} below.")
    elif tone["n_documents"] == 1:
        lines.append(f"- **Tone.** The one essay averages {num(tone['highest']['mean'])}.")
    if ttone["n_topics"] > 1:
        w, c = ttone["warmest"], ttone["most_critical"]
        lines.append(f"- **Themes × tone.** Warmest *{md_escape(w['label'])}* ({num(w['mean'])}, "
                     f"{ci_text(w['ci_low'], w['ci_high'])}); most critical "
                     f"*{md_escape(c['label'])}* ({num(c['mean'])}, "
                     f"{ci_text(c['ci_low'], c['ci_high'])}); {ttone['n_above_zero']} of "
                     f"{ttone['n_topics']} theme intervals {_lie(ttone['n_above_zero'])} above "
                     f"zero and {ttone['n_below_zero']} below.")
    distinct = [f"*{md_escape(name)}* ({kind}, {where} zero)"
                for kind, story in (("essay", tone), ("theme", ttone))
                for where in ("above", "below") for name in story.get(f"{where}_zero", [])]
    k = facts["n_intervals_excluding_zero"] = len(distinct)
    lines.append("- **Bottom line.** " + (
        "No essay and no theme has a tone distinguishable from neutral at this sample size."
        if k == 0 else
        f"Only {listing(distinct[:8] + ([f'{k - 8} more'] if k > 8 else []))} "
        f"{'has' if k == 1 else 'have'} a tone distinguishable from "
        "neutral; everything else is indistinguishable from neutral at this sample size."))
    return Narrative("\n".join(lines), facts)

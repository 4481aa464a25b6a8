"""Computed prose about the limits of the analysis, and a summary of the findings.

Every function returns a :class:`~convolab.narrative.Narrative`: Markdown ``text`` for the
reader and the ``facts`` it states, computed here from the tables, so that a notebook re-run on
another corpus says what is true of that corpus. Topic labels are made of corpus words and are
escaped like any other corpus text. This is the narrative module that builds on the others: its
summary restates the facts of :mod:`.themes`, :mod:`.tone` and :mod:`.theme_tone` (which
themes' tone stands: on enough documents, on confidently placed sentences); the themes × tone
detail is in :mod:`.theme_detail` and importable from here too.

At any corpus size: a list whose length grows with the corpus names at most a few items
(:data:`~.theme_tone.MAX_NAMED` per side) and counts the rest, and points to the tables that
hold them all (``narrative.show_table`` writes them beside the report). No statement ranks or
judges a group of fewer documents than :data:`convolab.compare.MIN_DOCUMENTS`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..compare import MIN_DOCUMENTS

# The themes × tone functions lived here before; they stay importable from this module.
from .theme_detail import (  # noqa: F401
    describe_topic_document_tone,
    describe_topic_tone_evidence,
    topic_document_grid,
    topic_document_table,
)
from .theme_tone import (  # noqa: F401
    MAX_NAMED,
    capped,
    confident_topic_tone,
    describe_topic_tone,
    topic_tone_table,
)
from .themes import describe_topic_trust, describe_topics, stability_verdict
from .tone import describe_tone
from .wording import Narrative, ci_text, label_map, listing, num, plural, short, side_of_zero

__all__ = ["describe_limits", "summarize_findings"]

def _lie(n: int) -> str:
    return "lies" if n == 1 else "lie"


# --- limits and summary --------------------------------------------------------------------------

def describe_limits(corpus, evaluation: pd.Series | None = None,
                    by_doc: pd.DataFrame | None = None, *, n_seeds: int | None = None,
                    min_documents: int = MIN_DOCUMENTS) -> Narrative:
    """What the sample size, the topic stability and the intervals allow one to conclude.

    Parameters
    ----------
    corpus : Corpus
    evaluation : Series, optional
        :meth:`TopicModel.evaluate` (``stability_ari`` for the stability point,
        ``outlier_share_before_reassignment`` for the soft borders).
    by_doc : DataFrame, optional
        :func:`convolab.sentiment_by` per document, for the widest interval.
    n_seeds : int, optional
        Seeds behind the stability number.
    min_documents : int
        The fewest documents a statement about a group of them rests on
        (:data:`convolab.compare.MIN_DOCUMENTS`).

    Returns
    -------
    Narrative
        Facts: ``n_documents, n_sentences, tiny_sample, min_documents, min_sentences,
        median_sentences, widest`` (``doc_id, width, n``), ``outlier_share_before_reassignment,
        stability_ari, stability_verdict``.
    """
    docs = corpus.documents
    per_doc = corpus.sentences.groupby("doc_id").size() if len(corpus.sentences) else \
        pd.Series(dtype=int)
    facts: dict = {"n_documents": len(docs), "n_sentences": len(corpus.sentences),
                   "tiny_sample": len(docs) < min_documents, "min_documents": min_documents,
                   "min_sentences": int(per_doc.min()) if len(per_doc) else 0,
                   "median_sentences": float(per_doc.median()) if len(per_doc) else 0.0}
    labels = label_map(docs)
    n = facts["n_documents"]
    lines = [f"- **Sample size.** {plural(n, 'document')} and "
             f"{plural(facts['n_sentences'], 'sentence')}. " + (
                 f"Fewer than {min_documents} documents is a tiny sample: every finding "
                 f"describes these {n} essays and says nothing about essays on the subject in "
                 "general; adding or dropping one essay can change which theme is largest and "
                 "which essay reads warmest." if facts["tiny_sample"] else
                 "Findings describe these documents; whether they generalise depends on how "
                 "the documents were chosen.")]
    lines.append(f"- **Groups of documents.** No statement about a group of documents (a theme's "
                 "tone across essays here; a group's or a period's in the comparison report) "
                 f"rests on fewer than {min_documents} documents: with fewer, one essay can "
                 "make a \"finding\". A theme found in fewer documents is shown with its mean, "
                 "which describes those documents, but is not judged warm, critical or neutral "
                 "(its interval would resample too few documents; from one document it has "
                 "none); a smaller group or period is listed as too small to compare." + (
                     f" With {plural(n, 'document')} in all, no theme, group or period reaches "
                     "that here." if facts["tiny_sample"] else ""))
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
                     "95% interval resamples whole documents. An essay's own interval can only "
                     "resample its sentences, so it is narrower than the real uncertainty: read "
                     "it as a lower bound, and an interval that only just excludes zero as weak "
                     f"evidence. The widest, for {short(labels.get(w['doc_id'], w['doc_id']))} "
                     f"({w['n']} sentences), spans {facts['widest']['width']:.2f}.")
    get = (lambda key: None) if evaluation is None else evaluation.get
    share = get("outlier_share_before_reassignment")
    facts["outlier_share_before_reassignment"] = None if share is None or pd.isna(share) \
        else float(share)
    if facts["outlier_share_before_reassignment"]:
        lines.append(f"- **Soft borders.** The clustering first left "
                     f"{facts['outlier_share_before_reassignment']:.0%} of the units in no "
                     "topic; they then joined their nearest one. A theme's tone partly rests on "
                     "units placed by proximity alone; where a theme is judged warm or "
                     "critical, the themes section says whether it keeps its side of zero on "
                     "the confidently placed units alone.")
    ari = get("stability_ari")
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


def _essays(by_doc: pd.DataFrame, labels: dict) -> dict:
    """Essays whose interval excludes zero: counts, and the few warmest and most critical."""
    scored = by_doc[by_doc["n"] > 0] if len(by_doc) else by_doc
    sides = pd.Series([side_of_zero(lo, hi) for lo, hi in zip(scored["ci_low"],
                                                                scored["ci_high"])],
                      index=scored.index, dtype=object)

    def pick(side, warm_first):
        rows = scored[sides == side].sort_values(["mean", "doc_id"],
                                                 ascending=[not warm_first, True])
        return [{"doc_id": r["doc_id"], "label": labels.get(r["doc_id"], r["doc_id"]),
                 "mean": float(r["mean"])} for _, r in rows.iterrows()]

    above, below = pick("above", True), pick("below", False)
    return {"n": len(scored), "n_above_zero": len(above), "n_below_zero": len(below),
            "n_include_zero": len(scored) - len(above) - len(below),
            "warmest": above[:MAX_NAMED], "most_critical": below[:MAX_NAMED]}


def _pointer(links: Mapping | None) -> str:
    """Where every essay's and every theme's numbers are: the linked CSVs, else the tables."""
    links = links or {}
    essays = f"[{links['essays']}]({links['essays']})" if links.get("essays") else \
        "the tone report's table"
    themes = f"[{links['themes']}]({links['themes']})" if links.get("themes") else \
        "the table of every theme below"
    return f" Every essay with its interval: {essays}; every theme: {themes}."


def summarize_findings(tm, evaluation: pd.Series, by_doc: pd.DataFrame,
                       topic_tone: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                       n_seeds: int | None = None, confident: pd.DataFrame | None = None,
                       links: Mapping[str, str | None] | None = None,
                       min_documents: int = MIN_DOCUMENTS) -> Narrative:
    """A short computed summary that reads the same at 5 essays and at 5,000.

    Parameters
    ----------
    confident : DataFrame, optional
        :func:`confident_topic_tone`: whether warm and critical themes hold on confidently
        placed sentences.
    links : mapping, optional
        ``"essays"`` and ``"themes"`` → the relative link of the full table
        (``narrative.show_table(...).link``), pointed to from the bottom line.

    Returns
    -------
    Narrative
        Facts: ``themes``, ``trust``, ``tone`` and ``topic_tone`` (the facts of
        :func:`describe_topics`, :func:`describe_topic_trust`, :func:`describe_tone` and
        :func:`describe_topic_tone`), ``essays`` (``n, n_above_zero, n_below_zero,
        n_include_zero`` and the at most ``MAX_NAMED`` ``warmest`` and ``most_critical`` of
        those beyond zero: ``doc_id, label, mean``) and ``n_intervals_excluding_zero``
        (essays plus judged themes).
    """
    labels = label_map(documents)
    themes = describe_topics(tm).facts
    trust = describe_topic_trust(evaluation, n_seeds).facts
    tone = describe_tone(by_doc, documents).facts
    ttone = describe_topic_tone(topic_tone, documents, confident=confident,
                                min_documents=min_documents).facts
    essays = _essays(by_doc, labels)
    facts = {"themes": themes, "trust": trust, "tone": tone, "topic_tone": ttone,
             "essays": essays}
    lines = []
    if themes["n_topics"]:
        big = themes["largest"][0]
        lines.append(f"- **Themes.** {plural(themes['n_topics'], 'theme')} across the "
                     f"{themes['n_units']} {themes['unit']}s of "
                     f"{plural(themes['n_documents'], 'document')}; the largest is "
                     f"{short(big['label'])} ({big['share']:.0%}).")
    else:
        lines.append("- **Themes.** None found.")
    chance = trust["coherence_npmi_chance"]
    verdicts = [f"{w} (ARI {trust['stability_ari']:.2f})" if k == "stability_verdict" else
                f"{w} (NPMI {num(trust['coherence_npmi'])}" + (
                    ")" if chance is None else f"; {trust['coherence_vs_chance']} chance, "
                    f"{num(chance)} for random terms of the same frequencies)")
                for k, w in (("stability_verdict", trust["stability_verdict"]),
                             ("coherence_verdict", trust["coherence_verdict"])) if w]
    before = trust.get("outlier_share_before_reassignment")
    soft = f"; {before:.0%} of the {themes.get('unit', 'unit')}s were first left in no topic " \
        "and joined their nearest one" if before else ""
    if verdicts and themes["n_topics"] > 1:
        lines.append(f"- **Trust.** Topics are {verdicts[0]}" + (
            f"; their top terms are {verdicts[1]}" if len(verdicts) > 1 else "") + soft + ".")
    if tone["n_documents"] > 1:
        def named(group):
            group = group if isinstance(group, list) else [group]
            return capped([short(g["label"]) for g in group])

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
        judged, few = ttone["n_judged"], ttone["n_few_documents"]
        extremes = (f"warmest {short(w['label'])} ({num(w['mean'])}, "
                    f"{ci_text(w['ci_low'], w['ci_high'])}); most critical "
                    f"{short(c['label'])} ({num(c['mean'])}, "
                    f"{ci_text(c['ci_low'], c['ci_high'])})")
        if judged:
            scope = f"Of {ttone['n_topics']} themes, " + (
                f"{judged} are found in {min_documents} or more documents: " if few else "")
            lines.append(f"- **Themes × tone.** {scope}{extremes}; {ttone['n_above_zero']} of "
                         f"{judged} theme intervals {_lie(ttone['n_above_zero'])} above zero "
                         f"and {ttone['n_below_zero']} below" + (
                             f"; {few} themes in fewer documents are not judged" if few else "")
                         + ".")
        else:
            lines.append(f"- **Themes × tone.** No theme is found in {min_documents} or more "
                         f"documents, so none is judged; in these essays the {extremes}.")
    lines.append("- **Bottom line.** " + _bottom_line(essays, ttone, min_documents)
                 + _pointer(links))
    facts["n_intervals_excluding_zero"] = essays["n_above_zero"] + essays["n_below_zero"] \
        + ttone["n_above_zero"] + ttone["n_below_zero"]
    return Narrative("\n".join(lines), facts)


def _bottom_line(essays: dict, ttone: dict, min_documents: int) -> str:
    """Counts of essays and themes beyond zero, the few strongest of each named."""
    def few(rows, k):
        named = [f"{short(r['label'])} {num(r['mean'])}" for r in rows[:MAX_NAMED]]
        return listing(named) if k <= len(named) else \
            ", ".join(named) + f" and {k - len(named)} more"

    a, b = essays["n_above_zero"], essays["n_below_zero"]
    ta, tb = ttone["n_above_zero"], ttone["n_below_zero"]
    if a + b + ta + tb == 0:
        return ("No essay and no theme has a tone distinguishable from neutral at this sample "
                "size.")
    parts = []
    if essays["n"]:
        warm = f" (warmest {few(essays['warmest'], a)})" if a else ""
        cold = f" (most critical {few(essays['most_critical'], b)})" if b else ""
        rest = essays["n_include_zero"]
        parts.append(f"{a or 'none'} of the {plural(essays['n'], 'essay')} "
                     f"{'reads' if a <= 1 else 'read'} warmer than neutral{warm} and "
                     f"{b or 'none'} more critically{cold}"
                     + (f"; the other {rest} cannot be told apart from neutral" if rest else ""))
    if ttone["n_judged"]:
        warm = f" ({capped([short(x) for x in ttone['above_zero']])})" if ta else ""
        cold = f" ({capped([short(x) for x in ttone['below_zero']])})" if tb else ""
        held = ttone.get("soft_borders")
        kept = f"; {held['n_holds']} of these {ta + tb} keep their side of zero on " \
            "confidently placed sentences alone" if held and ta + tb else ""
        scope = f" found in {min_documents} or more documents" if ttone["n_few_documents"] \
            else ""
        parts.append(f"of the {ttone['n_judged']} themes{scope}, {ta or 'none'} "
                     f"{'is' if ta <= 1 else 'are'} told warmly{warm} and {tb or 'none'} "
                     f"critically{cold}{kept}")
    elif ttone["n_topics"]:
        parts.append(f"no theme is found in {min_documents} or more documents, so no theme's "
                     "tone is a finding about essays")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]

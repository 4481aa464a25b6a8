"""Computed prose about themes: what the topics are, the evidence for them, how far to trust
them, and which documents carry them.

Each ``describe_*`` function takes a fitted :class:`~convolab.TopicModel` (or its evaluation)
and returns a :class:`~convolab.narrative.Narrative` whose ``facts`` hold every value its text
states. Topic labels are made of corpus words and are escaped like any other corpus text.

Interpretation thresholds (stated in the prose wherever they are applied):

- stability, mean adjusted Rand index across seeds: ≥ 0.8 stable, 0.5–0.8 moderately stable,
  < 0.5 unstable;
- coherence, mean NPMI of top terms: > 0.1 coherent, −0.1 to 0.1 weak, < −0.1 incoherent;
- diversity, share of unique top terms: ≥ 0.9 distinct, 0.7–0.9 some overlap, < 0.7 overlapping.
"""

from __future__ import annotations

import math

import pandas as pd

from ..topics.markers import REASONS
from ..topics.style import MIN_DISTINCTIVENESS, MIN_TERM_COVERAGE, N_TOP_TERMS
from .wording import Narrative, label_map, listing, md_escape, num, plural, quote, short, source

__all__ = [
    "describe_document_topics",
    "describe_edits",
    "describe_excluded_terms",
    "describe_topic_evidence",
    "describe_topic_trust",
    "describe_topics",
    "stability_verdict",
]

#: (lower bound, whether the bound itself belongs to the band, verdict), best band first.
STABILITY = ((0.8, True, "stable"), (0.5, True, "moderately stable"),
             (-math.inf, True, "unstable"))
COHERENCE = ((0.1, False, "coherent"), (-0.1, True, "weakly coherent"),
             (-math.inf, True, "incoherent"))
DIVERSITY = ((0.9, True, "distinct"), (0.7, True, "somewhat overlapping"),
             (-math.inf, True, "overlapping"))
#: Topics' NPMI within this of chance's is stated as level with chance (the same bands' width
#: around 0 would be 0.1; chance is itself an estimate from 20 draws).
CHANCE_MARGIN = 0.05


def _verdict(value, scale) -> str | None:
    if value is None or pd.isna(value):
        return None
    for bound, inclusive, word in scale:
        if value > bound or (inclusive and value == bound):
            return word
    return scale[-1][2]


def stability_verdict(ari) -> str | None:
    """``"stable"`` (ARI ≥ 0.8), ``"moderately stable"`` (≥ 0.5), ``"unstable"``, or None."""
    return _verdict(ari, STABILITY)


def _topic_name(row) -> str:
    return f"*{md_escape(row['label'])}* (topic {row['topic']})"


# --- themes -----------------------------------------------------------------------------------

def describe_edits(tm) -> Narrative:
    """What the researcher changed: seed topics, extra stop words, merges and names.

    Returns
    -------
    Narrative
        Facts: ``seed_topics``, ``stop_words`` (as given, or empty lists), ``merges`` (the
        groups of topic ids merged, in order), ``names`` (topic id → name, as now numbered).
    """
    facts = {"seed_topics": [list(t) for t in (tm.seed_topics or [])],
             "stop_words": list(tm.stop_words or []),
             "merges": [g for e in getattr(tm, "edits_", []) for g in e.get("merge_topics", [])],
             "names": dict(getattr(tm, "custom_labels_", {}))}
    sentences = []
    if facts["seed_topics"]:
        seeds = listing(["*" + md_escape(", ".join(t)) + "*" for t in facts["seed_topics"]])
        sentences.append(f"The clustering was guided towards "
                         f"{plural(len(facts['seed_topics']), 'seed topic')}: {seeds}.")
    if facts["stop_words"]:
        sentences.append("These words were kept out of the topic terms: "
                         f"{listing(['*' + md_escape(w) + '*' for w in facts['stop_words']])}.")
    if facts["merges"]:
        groups = listing(["topics " + listing([str(t) for t in g]) for g in facts["merges"]])
        sentences.append(f"At the researcher's request {groups} were merged, and the topics "
                         "renumbered by size; every table below describes the merged topics.")
    if facts["names"]:
        named = listing([f"topic {t} *{md_escape(n)}*" for t, n in sorted(facts["names"].items())])
        sentences.append(f"Names given by the researcher: {named}; the other labels are the "
                         "model's.")
    if not sentences:
        sentences.append("The topics are as the model found them: no seed topics, stop words, "
                         "merges or names were given (parameters `seed_topics`, `stop_words`, "
                         "`merge_topics`, `topic_labels`).")
    return Narrative(" ".join(sentences), facts)


#: describe_excluded_terms names at most this many marks.
MAX_MARKS = 5


def describe_excluded_terms(tm) -> Narrative:
    """The corpus's own marks kept out of the topic terms and labels, and why (empty if none).

    Returns
    -------
    Narrative
        Facts: ``terms``, one dict per token left out (``term, spelling, n_documents, share,
        reason``: :mod:`convolab.topics.markers`), most widespread first. The text is one
        sentence, or empty when nothing was left out.
    """
    found = getattr(tm, "corpus_stop_words_", None)
    terms = [] if found is None else found.to_dict("records")
    if not terms:
        return Narrative("", {"terms": []})
    parts = [f"*{md_escape(t['spelling'])}* (in {t['share']:.0%} of the documents; "
             f"{REASONS.get(t['reason'], t['reason'])})" for t in terms]
    one = len(parts) == 1
    return Narrative(f"Kept out of the topic terms and labels as {'a mark' if one else 'marks'} "
                     f"of how the documents were exported or written, not "
                     f"{'a word' if one else 'words'} of what they say: {listing(parts, MAX_MARKS)}. "
                     f"{'It stays' if one else 'They stay'} in the text the topics were found "
                     f"from.", {"terms": terms})


def describe_topics(tm) -> Narrative:
    """How many topics, how large, how widely shared, and how the clustering was chosen.

    Parameters
    ----------
    tm : TopicModel
        Fitted (``topics_``, ``assignments_``, ``unit``; ``clustering_`` if present).

    Returns
    -------
    Narrative
        Facts: ``unit, n_units, n_documents, n_topics, n_outliers, largest, smallest`` (lists
        of ``topic, label, size, share``; several on ties), ``n_in_every_document``,
        ``narrowest`` (list of ``topic, label, n_documents`` for the topics found in the
        fewest documents), ``styles`` and ``mixeds`` (``topic, label`` of the topics that are
        a style or a remainder, not a subject: :mod:`convolab.topics.style`) and
        ``clustering``.
    """
    topics, units = tm.topics_, tm.assignments_
    unit = getattr(tm, "unit", "unit")
    facts: dict = {"unit": unit, "n_units": len(units),
                   "n_documents": int(units["doc_id"].nunique()), "n_topics": len(topics),
                   "n_outliers": int((units["topic"] == -1).sum()),
                   "clustering": getattr(tm, "clustering_", None)}
    where = (f"the {plural(facts['n_units'], unit)} of "
             f"{plural(facts['n_documents'], 'document')}")
    if topics.empty:
        return Narrative(f"The topic model found no topic among {where}.", facts)

    def pick(size):
        return [{k: (r[k].item() if hasattr(r[k], "item") else r[k])
                 for k in ("topic", "label", "size", "share")}
                for _, r in topics[topics["size"] == size].sort_values("topic").iterrows()]

    facts["largest"], facts["smallest"] = pick(topics["size"].max()), pick(topics["size"].min())
    every = topics["n_documents"] == facts["n_documents"]
    facts["n_in_every_document"] = int(every.sum())
    fewest = int(topics["n_documents"].min())
    facts["narrowest"] = [{"topic": int(r["topic"]), "label": r["label"], "n_documents": fewest}
                          for _, r in topics[topics["n_documents"] == fewest]
                          .sort_values("topic").iterrows()]

    def names(group):
        return listing([f"*{md_escape(t['label'])}* (topic {t['topic']})" for t in group])

    if len(topics) == 1:
        only = facts["largest"][0]
        text = (f"The topic model put all of {where} into one topic, {names([only])}: it found "
                "no themes it could separate. ")
    else:
        big, small = facts["largest"], facts["smallest"]
        text = f"The topic model grouped {where} into {facts['n_topics']} topics. "
        text += (f"The largest, {names(big)}, {'holds' if len(big) == 1 else 'hold'} "
                 f"{big[0]['size']} {unit}s{'' if len(big) == 1 else ' each'} "
                 f"({big[0]['share']:.0%}); the smallest, {names(small)}, "
                 f"{small[0]['size']}{'' if len(small) == 1 else ' each'} "
                 f"({small[0]['share']:.0%}). ")
        if facts["n_documents"] > 1:
            k = facts["n_in_every_document"]
            narrow = facts["narrowest"]
            shown = names(narrow[:4]) + (f" and {len(narrow) - 4} more" if len(narrow) > 4 else "")
            text += ("Every topic occurs in every document. " if k == len(topics) else
                     ("No topic occurs in every document" if k == 0 else
                      f"{k} of the {len(topics)} topics {'occurs' if k == 1 else 'occur'} in "
                      "every document") +
                     f"; {shown} {'occurs' if len(narrow) == 1 else 'occur'} in only "
                     f"{plural(fewest, 'document')}. ")
    kinds = topics["kind"] if "kind" in topics else pd.Series("subject", topics.index)
    for kind in ("style", "mixed"):
        facts[f"{kind}s"] = [{"topic": int(r["topic"]), "label": r["label"]} for _, r in
                             topics[kinds == kind].sort_values("topic").iterrows()]
    if facts["styles"]:
        one = len(facts["styles"]) == 1
        text += (f"{names(facts['styles'])} {'is' if one else 'are'} held together by how things "
                 f"are said, not what they are about: {'its' if one else 'their'} {unit}s share "
                 f"a form (named in {'its' if one else 'each'} label) more than words, so "
                 f"{'it is' if one else 'they are'} no theme of the documents. ")
    if facts["mixeds"]:
        one = len(facts["mixeds"]) == 1
        remainder = "it is a remainder" if one else "they are remainders"
        its = "its" if one else "their"
        text += (f"{names(facts['mixeds'])} {'shares' if one else 'share'} neither words nor a "
                 f"form: fewer than {MIN_TERM_COVERAGE:.0%} of {its} {unit}s hold any of {its} "
                 f"{N_TOP_TERMS} top terms, which are under {MIN_DISTINCTIVENESS:g} times as "
                 f"common in {'it' if one else 'them'} as in the other {unit}s, so {remainder} "
                 f"of {unit}s that fit no theme, not a theme. ")
    if facts["n_outliers"]:
        text += (f"{plural(facts['n_outliers'], unit)} belong to no topic (outliers). ")
    if facts["clustering"]:
        text += f"How the clustering was chosen: {md_escape(facts['clustering'])}."
    return Narrative(text.strip(), facts)


def describe_topic_evidence(tm, documents: pd.DataFrame | None = None, *,
                            n_terms: int = 6) -> Narrative:
    """Each topic with its top terms and the units closest to its centre, quoted, with ids.

    Returns
    -------
    Narrative
        Facts: ``topics``, one dict per topic (largest first): ``topic, label, size, terms``
        and ``evidence`` (``doc_id, para_id, sent_id, text``, closest first).
    """
    labels = label_map(documents)
    reps = tm.representatives_.sort_values(["topic", "rank"])
    terms = tm.topic_terms_.sort_values(["topic", "rank"])
    lines, listed = [], []
    for _, t in tm.topics_.iterrows():
        mine = reps[reps["topic"] == t["topic"]]
        top = terms.loc[terms["topic"] == t["topic"], "term"].head(n_terms).tolist()
        evidence = [{"doc_id": r["doc_id"], "para_id": int(r["para_id"]),
                     "sent_id": int(r["sent_id"]), "text": r["text"]} for _, r in mine.iterrows()]
        listed.append({"topic": int(t["topic"]), "label": t["label"], "size": int(t["size"]),
                       "terms": top, "evidence": evidence})
        lines.append(f"**{_topic_name(t)}**, {t['size']} {tm.unit}s "
                     f"({t['share']:.0%}) in {plural(int(t['n_documents']), 'document')}. "
                     f"Top terms: {md_escape(', '.join(top)) or 'none'}.")
        lines.append("")
        for e in evidence:
            lines.append(f"- {quote(e['text'])} — {source(e, labels)}")
        lines.append("")
    if not listed:
        return Narrative("There are no topics to show evidence for.", {"topics": []})
    return Narrative("\n".join(lines).strip(), {"topics": listed})


def describe_topic_trust(evaluation: pd.Series, n_seeds: int | None = None) -> Narrative:
    """What the coherence, diversity, outlier share and stability numbers mean here.

    Parameters
    ----------
    evaluation : Series
        :meth:`TopicModel.evaluate`.
    n_seeds : int, optional
        How many other seeds the stability was measured against (for the prose).

    Returns
    -------
    Narrative
        Facts: the metrics (None when missing or NaN), ``coherence_verdict,
        diversity_verdict, stability_verdict`` and ``coherence_vs_chance`` (``"above"``,
        ``"below"`` or ``"level with"`` the NPMI of random terms of the same frequencies, by
        more than :data:`CHANCE_MARGIN`; None without it).
    """
    def get(key):
        value = evaluation.get(key)
        return None if value is None or pd.isna(value) else float(value)

    facts = {k: get(k) for k in ("n_topics", "coherence_npmi", "coherence_npmi_chance",
                                 "diversity", "outlier_share",
                                 "outlier_share_before_reassignment", "stability_ari")}
    facts["n_seeds"] = n_seeds
    facts["coherence_verdict"] = _verdict(facts["coherence_npmi"], COHERENCE)
    facts["diversity_verdict"] = _verdict(facts["diversity"], DIVERSITY)
    facts["stability_verdict"] = stability_verdict(facts["stability_ari"])
    one = facts["n_topics"] == 1
    lines = []
    c = facts["coherence_npmi"]
    meaning = {"coherent": "a topic's top terms tend to occur in the same paragraphs: the topic "
                           "has a recognisable vocabulary",
               "weakly coherent": "a topic's top terms share a paragraph only now and then",
               "incoherent": "a topic's top terms seldom share a paragraph: the topics are held "
                             "together by what the sentences mean (their embeddings) more than "
                             "by shared words, so read the terms as hints and the quoted "
                             "sentences as the evidence"}
    chance = facts["coherence_npmi_chance"]
    facts["coherence_vs_chance"] = None if c is None or chance is None else (
        "above" if c - chance > CHANCE_MARGIN else
        "below" if chance - c > CHANCE_MARGIN else "level with")
    versus = {"above": "so they share paragraphs more often than chance has them",
              "below": "so they share paragraphs less often than chance has them",
              "level with": "so they share paragraphs about as often as chance has them"}
    lines.append("- **Coherence** (mean NPMI of each topic's top terms, from −1 to 1): " + (
        "could not be computed." if c is None else
        f"{num(c)}, {facts['coherence_verdict']} (above 0.1 counts as coherent, −0.1 to 0.1 as "
        f"weak, below −0.1 as incoherent): {meaning[facts['coherence_verdict']]}." + (
            "" if chance is None else
            f" Random terms with the same paragraph frequencies score {num(chance)} on this "
            f"corpus, {versus[facts['coherence_vs_chance']]}.")))
    d = facts["diversity"]
    lines.append("- **Diversity** (share of top terms unique to one topic): " + (
        "could not be computed." if d is None else
        f"{d:.2f}; with one topic it says nothing." if one else
        f"{d:.2f}, {facts['diversity_verdict']} (0.9 or more counts as distinct topics, 0.7 to "
        f"0.9 as some overlap, below 0.7 as overlapping): {d:.0%} of the top terms belong to "
        "one topic only."))
    before, after = facts["outlier_share_before_reassignment"], facts["outlier_share"]
    if before is None and after is None:
        lines.append("- **Outliers**: not reported.")
    else:
        text = f"- **Outliers**: {after or 0:.0%} of units belong to no topic"
        if before and before > (after or 0):
            text += (f"; the clustering first left {before:.0%} unassigned and those were moved "
                     "to their nearest topic, so their topic is the least certain")
        elif before == 0:
            text += "; the clustering left none unassigned"
        lines.append(text + ".")
    s = facts["stability_ari"]
    seeds = f" against {plural(n_seeds, 'refit')} with other seeds" if n_seeds else \
        " across refits with other seeds"
    words = {"stable": "refitting with another seed gives nearly the same topics",
             "moderately stable": "the broad themes recur from seed to seed, but their borders "
                                  "move and some units change topic",
             "unstable": "another seed gives substantially different topics: treat these as "
                         "one of several possible groupings, not as the corpus's themes"}
    lines.append("- **Stability** (mean adjusted Rand index" + seeds + "; 1 identical, 0 chance):"
                 + (" not computed." if s is None else
                    f" {s:.2f}; with one topic it says nothing." if one else
                    f" {s:.2f}, {facts['stability_verdict']} (0.8 or more counts as stable, 0.5 "
                    f"to 0.8 as moderately stable, below 0.5 as unstable): "
                    f"{words[facts['stability_verdict']]}."))
    return Narrative("\n".join(lines), facts)


def describe_document_topics(tm, documents: pd.DataFrame | None = None, *,
                             concentrated: float = 2 / 3, max_listed: int = 12) -> Narrative:
    """Which topic leads in each document, and which topics come mostly from one document.

    Parameters
    ----------
    tm : TopicModel
        Fitted.
    documents : DataFrame, optional
        To name documents by title.
    concentrated : float
        A topic drawing at least this share of its units (default two thirds) from one
        document is called concentrated there: it may be that essay's subject rather than a
        shared theme. (Half would be too low: with two documents every topic reaches it.)
    max_listed : int
        List each document's leading topic only up to this many documents.

    Returns
    -------
    Narrative
        Facts: ``leading`` (doc_id → ``topic, label, share``; ties go to the lower topic id),
        ``n_led_by_majority`` (documents whose leading topic holds ≥ 50 % of their units),
        ``concentrated`` (list of ``topic, label, doc_id, share``).
    """
    labels = label_map(documents)
    units = tm.assignments_[tm.assignments_["topic"] != -1]
    names = dict(zip(tm.topics_["topic"], tm.topics_["label"]))
    facts: dict = {"leading": {}, "n_led_by_majority": 0, "concentrated": []}
    if units.empty:
        return Narrative("No unit belongs to a topic.", facts)
    counts = pd.crosstab(units["doc_id"], units["topic"])
    shares = counts.div(counts.sum(axis=1), axis=0)
    for doc_id, row in shares.iterrows():
        topic = int(row.idxmax())
        facts["leading"][doc_id] = {"topic": topic, "label": names.get(topic, str(topic)),
                                    "share": float(row.max())}
    facts["n_led_by_majority"] = sum(v["share"] >= 0.5 for v in facts["leading"].values())
    by_topic = counts.div(counts.sum(axis=0), axis=1)
    if len(counts) > 1:
        for topic in by_topic.columns:
            share = float(by_topic[topic].max())
            if share >= concentrated:
                facts["concentrated"].append({"topic": int(topic), "label": names.get(topic),
                                              "doc_id": by_topic[topic].idxmax(), "share": share})
    n = len(shares)
    unit = tm.unit
    lines = []
    if n <= max_listed:
        lines.append("Each document's most frequent topic:")
        lines.append("")
        for doc_id, v in facts["leading"].items():
            lines.append(f"- {short(labels.get(doc_id, doc_id))}: *{md_escape(v['label'])}*"
                         f" (topic {v['topic']}), {v['share']:.0%} of its {unit}s")
        lines.append("")
    k = facts["n_led_by_majority"]
    lines.append(f"In none of the {plural(n, 'document')} does one topic hold half of the "
                 f"{unit}s: the themes are mixed in every one." if k == 0 else
                 f"In {k} of the {plural(n, 'document')} one topic holds at least half of the "
                 f"{unit}s" + ("." if k == n else "; in the rest no topic holds half."))
    if n > 1:
        if facts["concentrated"]:
            parts = [f"*{md_escape(c['label'])}* (topic {c['topic']}) draws {c['share']:.0%} of "
                     f"its {unit}s from {short(labels.get(c['doc_id'], c['doc_id']))}"
                     for c in facts["concentrated"]]
            lines.append(" " + listing(parts) + (
                f": {'it' if len(parts) == 1 else 'each'} may be one essay's subject rather "
                "than a theme the essays share."))
        else:
            lines.append(f" No topic draws {concentrated:.0%} or more of its {unit}s from a "
                         "single document: every theme is shared across essays.")
    return Narrative("\n".join(lines).replace("\n ", " "), facts)

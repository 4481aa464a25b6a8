"""Themes × tone in detail: each theme's evidence sentences, and its tone essay by essay.

Every function returns a :class:`~convolab.narrative.Narrative` (Markdown ``text`` and the
``facts`` it states) or a table for a report. At any corpus size the prose quotes at most
:data:`MAX_QUOTED` themes and names at most a few essays on each side; the rest are counted and
left to the table (:func:`topic_document_table`, :func:`~.theme_tone.topic_tone_table`), which
``narrative.show_table`` writes in full beside the report. Which themes are judged warm or
critical (enough documents, confident placements) is decided in :mod:`.theme_tone`.
"""

from __future__ import annotations

import math

import pandas as pd

from ..compare import MIN_DOCUMENTS
from .theme_tone import CHECKS, capped, theme_side, topic_tone_table
from .wording import (
    Narrative,
    ci_text,
    label_map,
    md_escape,
    num,
    plural,
    quote,
    short,
    side_of_zero,
    source,
)

__all__ = [
    "describe_topic_document_tone",
    "describe_topic_tone_evidence",
    "topic_document_grid",
    "topic_document_table",
]

#: Themes quoted one by one with their evidence, or compared across documents line by line;
#: past this, the rest are left to the table.
MAX_QUOTED = 10


def describe_topic_tone_evidence(table: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                                 confident: pd.DataFrame | None = None,
                                 max_topics: int = MAX_QUOTED,
                                 min_documents: int = MIN_DOCUMENTS) -> Narrative:
    """Each theme's tone with its interval and its most positive and most negative sentence.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.topic_sentiment` (with ``n_evidence=1``).
    confident : DataFrame, optional
        :func:`confident_topic_tone`: each theme's share of confidently placed sentences, and
        whether a warm or critical theme stays so on them.
    max_topics : int
        With more themes, only the warmest and the most critical (half each) are quoted; the
        text says how many are left to the table (:func:`topic_tone_table`).

    Returns
    -------
    Narrative
        Facts: ``n_topics`` (themes with a scored sentence, outliers apart), ``n_not_listed``
        and ``topics``, one dict per theme quoted (table order, or warmest first when cut):
        ``topic, label, n, n_docs, mean, ci_low, ci_high, side`` (``above``/``below``/
        ``includes`` zero, ``none`` without an interval, ``few`` below ``min_documents``),
        ``most_positive, most_negative`` (``doc_id, sent_id, score, text``) and, with
        ``confident``, ``share_confident`` and ``check``.
    """
    labels = label_map(documents)
    rows = table[table["n"] > 0] if len(table) else table
    themes = rows[rows["topic"] != -1]
    facts: dict = {"n_topics": len(themes), "n_not_listed": 0, "topics": []}
    if rows.empty:
        return Narrative("No theme has a scored sentence.", facts)
    lines = []
    if len(themes) > max_topics:
        # The judged subject themes (enough documents) are quoted first; the rest to the table.
        claims = topic_tone_table(table, min_documents=min_documents)
        judged = claims[(claims["kind"] == "subject") & (claims["side"] != "few")]
        pool = themes[themes["topic"].isin(judged["topic"])] if len(judged) else themes
        ranked = pool.sort_values(["mean", "topic"], ascending=[False, True])
        scope = f"{len(pool)} themes found in {min_documents} or more documents" \
            if len(judged) else f"{len(pool)} themes"
        if len(pool) > max_topics:
            top, bottom = math.ceil(max_topics / 2), max_topics // 2
            ranked = pd.concat([ranked.head(top), ranked.tail(bottom)])
            intro = f"The {top} warmest and the {bottom} most critical of the {scope}"
        else:
            intro = f"The {scope}, warmest first"
        rows = pd.concat([ranked, rows[rows["topic"] == -1]])
        facts["n_not_listed"] = len(themes) - len(ranked)
        lines += [f"{intro}; the other {facts['n_not_listed']} of the {len(themes)} topics are "
                  "in the table of every theme.", ""]
    checks = None if confident is None else \
        topic_tone_table(table, confident, min_documents=min_documents).set_index("topic")
    for _, r in rows.iterrows():
        n_docs = r["n_docs"] if "n_docs" in r else float("nan")
        item = {"topic": int(r["topic"]), "label": r["label"], "n": int(r["n"]),
                "n_docs": None if pd.isna(n_docs) else int(n_docs),
                "mean": float(r["mean"]), "ci_low": float(r["ci_low"]),
                "ci_high": float(r["ci_high"]),
                "side": theme_side(r["ci_low"], r["ci_high"], n_docs, min_documents)}
        for key in ("most_positive", "most_negative"):
            item[key] = {"doc_id": r[f"{key}_doc_id"], "sent_id": int(r[f"{key}_sent_id"]),
                         "score": float(r[f"{key}_score"]), "text": r[key]}
        verdict = {"above": "warmer than neutral", "below": "more critical than neutral",
                   "includes": "not distinguishable from neutral",
                   "none": "not distinguishable from neutral",
                   "few": f"found in fewer than {min_documents} documents, so not judged"
                   }[item["side"]]
        if checks is not None and item["topic"] in checks.index:
            c = checks.loc[item["topic"]]
            check = c["check"] if isinstance(c["check"], str) else None
            item["share_confident"], item["check"] = float(c["share_confident"]), check
            verdict += f"; {c['share_confident']:.0%} of its sentences placed confidently"
            if check:
                verdict += f", on which alone it {CHECKS[check][0]}"
        facts["topics"].append(item)
        name = "outliers (no topic)" if item["topic"] == -1 else \
            f"{md_escape(item['label'])} (topic {item['topic']})"
        docs = "" if item["n_docs"] is None else f" in {plural(item['n_docs'], 'document')}"
        lines.append(f"- **{name}**: mean {num(item['mean'])}, "
                     f"{ci_text(item['ci_low'], item['ci_high'])}, {item['n']} sentences{docs}: "
                     f"{verdict}.")
        for key, word in (("most_positive", "most positive"), ("most_negative", "most negative")):
            e = item[key]
            lines.append(f"    - {word}, {num(e['score'])}: {quote(e['text'])} — "
                         f"{source(e, labels)}")
    return Narrative("\n".join(lines), facts)


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
                                 min_n: int = 3, max_topics: int = MAX_QUOTED) -> Narrative:
    """In which essays each theme is told most warmly and most critically.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.sentiment.topic_document_tone`.
    min_n : int
        Only (theme, document) cells with at least this many sentences are compared.
    max_topics : int
        Themes given a line of their own at most (those with the most compared sentences);
        the text counts the others and leaves them to the table (:func:`topic_document_table`).

    Returns
    -------
    Narrative
        Facts: ``per_topic`` (every compared topic → ``label, warmest, coolest`` as ``doc_id,
        mean, n``, or None with fewer than two such documents), ``listed`` (the topics given a
        line), ``n_cells, n_cells_excluding_zero`` and ``cells_excluding_zero`` (``topic,
        label, doc_id, mean, ci_low, ci_high, n``, warmest first).
    """
    labels = label_map(documents)
    cells = table[table["n"] >= min_n] if len(table) else table
    facts: dict = {"min_n": min_n, "n_cells": len(cells), "per_topic": {}, "listed": [],
                   "cells_excluding_zero": []}
    if cells.empty:
        facts["n_cells_excluding_zero"] = 0
        return Narrative(f"No theme has {min_n} or more sentences in any one document, so the "
                         "tone of themes cannot be compared across documents.", facts)
    sizes = cells.groupby("topic")["n"].sum().sort_values(ascending=False, kind="stable")
    listed = sorted(sizes.index[:max_topics].tolist())
    facts["listed"] = [int(t) for t in listed]
    some = "" if len(sizes) <= max_topics else \
        f" (the {max_topics} themes with the most such sentences, of {len(sizes)})"
    lines = [f"Where each theme is told most warmly and most critically, comparing documents "
             f"with {min_n} or more of its sentences{some}:", ""]
    for topic, group in cells.groupby("topic", sort=True):
        label = group["label"].iloc[0]
        head = f"- *{md_escape(label)}* (topic {topic}): "
        if len(group) < 2:
            r = group.iloc[0]
            facts["per_topic"][int(topic)] = {"label": label, "warmest": None, "coolest": None}
            if topic in listed:
                lines.append(head + f"only {short(labels.get(r['doc_id'], r['doc_id']))} has "
                             f"enough of it ({num(r['mean'])}, n = {r['n']}).")
            continue
        ranked = group.sort_values(["mean", "doc_id"])
        hi, lo = ranked.iloc[-1], ranked.iloc[0]
        facts["per_topic"][int(topic)] = {
            "label": label,
            "warmest": {"doc_id": hi["doc_id"], "mean": float(hi["mean"]), "n": int(hi["n"])},
            "coolest": {"doc_id": lo["doc_id"], "mean": float(lo["mean"]), "n": int(lo["n"])}}
        if topic in listed:
            lines.append(head + f"warmest in {short(labels.get(hi['doc_id'], hi['doc_id']))} "
                         f"({num(hi['mean'])}, n = {hi['n']}), most critical in "
                         f"{short(labels.get(lo['doc_id'], lo['doc_id']))} "
                         f"({num(lo['mean'])}, n = {lo['n']}).")
    if len(sizes) > max_topics:
        lines.append(f"- {plural(len(sizes) - max_topics, 'other theme')}: in the table below.")
    for _, r in cells.sort_values(["mean", "topic"], ascending=[False, True]).iterrows():
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
        def named(side):
            picked = [c for c in facts["cells_excluding_zero"] if (c["mean"] > 0) == side]
            picked = picked if side else picked[::-1]
            return len(picked), capped([
                f"{short(c['label'])} in {short(labels.get(c['doc_id'], c['doc_id']))} "
                f"({num(c['mean'])}, {ci_text(c['ci_low'], c['ci_high'])})" for c in picked])

        (n_hi, hi), (n_lo, lo) = named(True), named(False)
        lines.append(f"{k} of the {len(cells)} theme-in-document intervals exclude zero: "
                     + "; ".join(x for x in (f"{n_hi} above ({hi})" if n_hi else "",
                                             f"{n_lo} below ({lo})" if n_lo else "") if x)
                     + ".")
    return Narrative("\n".join(lines), facts)

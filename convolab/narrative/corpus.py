"""Computed prose about the corpus: what it holds, its metadata, lengths, cleaning, exclusions.

Each ``describe_*`` function takes :class:`~convolab.Corpus` tables and returns a
:class:`~convolab.narrative.Narrative` whose ``facts`` hold every value its text states.
Text that comes from the corpus (titles, ids, reasons) is escaped with
:func:`~convolab.narrative.md_escape`.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from ..corpus.cleaning import RULES
from .wording import (
    SHORT_CHARS,
    Narrative,
    document_labels,
    is_present,
    listing,
    md_escape,
    plural,
    short,
    shorten,
)

__all__ = [
    "REMOVAL_REASONS",
    "describe_corpus",
    "describe_excluded",
    "describe_lengths",
    "describe_metadata",
    "describe_removed",
    "describe_skipped",
]

REMOVAL_REASONS = RULES  # kind -> why; defined beside the rules in convolab.corpus.cleaning


def describe_corpus(corpus) -> Narrative:
    """What the corpus holds: documents, words, paragraphs, sentences, exclusions.

    Parameters
    ----------
    corpus : convolab.Corpus

    Returns
    -------
    Narrative
        Facts: ``name, n_documents, n_words, n_paragraphs, n_sentences, n_excluded,
        n_skipped`` and ``languages`` (language code → documents, other than English).
    """
    docs = corpus.documents
    skipped = getattr(corpus, "skipped", pd.DataFrame(columns=["path", "reason"]))
    languages = Counter(docs["language"]) if "language" in docs else Counter()
    facts = {
        "name": corpus.name,
        "n_documents": len(docs),
        "n_words": int(docs["n_words"].sum()) if len(docs) else 0,
        "n_paragraphs": len(corpus.paragraphs),
        "n_sentences": len(corpus.sentences),
        "n_excluded": len(corpus.excluded),
        "n_skipped": len(skipped),
        "languages": {k: n for k, n in languages.most_common() if k != "en"},
    }
    text = (
        f"The corpus **{md_escape(facts['name'])}** holds "
        f"{plural(facts['n_documents'], 'document')} with {facts['n_words']:,} words after "
        f"cleaning, in {plural(facts['n_paragraphs'], 'paragraph')} and "
        f"{plural(facts['n_sentences'], 'sentence')}. "
    )
    text += ("No input was excluded." if facts["n_excluded"] == 0 else
             f"{plural(facts['n_excluded'], 'further input was', 'further inputs were')} "
             "excluded (see below).")
    if facts["n_skipped"]:
        text += (f" {plural(facts['n_skipped'], 'entry was', 'entries were')} deliberately "
                 "not read as essays (see below).")
    if facts["languages"]:
        other = sum(facts["languages"].values())
        found = listing([f"{n} in {md_escape(k)}" for k, n in facts["languages"].items()])
        text += (f" {plural(other, 'document is', 'documents are')} not in English "
                 f"({found}, by py3langid): the tone scorers read only English, so their "
                 "sentences are flagged and left out of every tone figure.")
    return Narrative(text, facts)


def describe_metadata(documents: pd.DataFrame) -> Narrative:
    """How complete the metadata is: titles, authors, dates, sources.

    Returns
    -------
    Narrative
        Facts: ``n_documents``, ``n_with_<field>`` for each field, ``earliest`` and ``latest``
        ISO dates at the precision written (None without dates), ``n_unread_dates``.
    """
    n = len(documents)
    facts: dict = {"n_documents": n}
    parts = []
    for column, noun in (("title", "a title"), ("author", "an author"), ("date", "a date"),
                         ("source", "a source")):
        count = sum(map(is_present, documents[column])) if column in documents else 0
        facts[f"n_with_{column}"] = count
        parts.append(f"{count} {noun}")
    dates = sorted(str(d) for d in documents.get("date", pd.Series(dtype=object))
                   if is_present(d) and re.fullmatch(r"\d{4}(-\d{2}){0,2}", str(d)))
    facts["earliest"] = dates[0] if dates else None
    facts["latest"] = dates[-1] if dates else None
    parts[0] = parts[0].replace(" ", " have ", 1)
    text = f"Of the {plural(n, 'document')}, {listing(parts)}."
    if dates:
        text += (f" The dated ones were published on {dates[0]}." if dates[0] == dates[-1] else
                 f" The dated ones span {dates[0]} to {dates[-1]}.")
    unread = [str(v) for v in documents.get("date_unread", pd.Series(dtype=object))
              if is_present(v)]
    facts["n_unread_dates"] = len(unread)
    if unread:
        text += (f" {plural(len(unread), 'document gives', 'documents give')} a date that "
                 f"cannot be read as one (such as {short(unread[0])}), so "
                 f"{'it counts' if len(unread) == 1 else 'they count'} as undated: write dates "
                 "as YYYY-MM-DD, YYYY-MM or YYYY.")
    missing = n - facts["n_with_author"]
    if n and missing:
        text += (f" {plural(missing, 'document has', 'documents have')} no known author; "
                 "they are labelled by title or file name below.")
    return Narrative(text, facts)


#: Characters of a reason family (which may hold a file name or doc_id) kept in prose.
REASON_CHARS = 2 * SHORT_CHARS


def describe_lengths(documents: pd.DataFrame) -> Narrative:
    """The range and middle of document lengths, naming the longest and shortest.

    Returns
    -------
    Narrative
        Facts: ``min_words, max_words, median_words, shortest, longest`` (labels),
        ``mean_words_per_sentence``.
    """
    if documents.empty:
        return Narrative("There are no documents to measure.", {})
    labels = document_labels(documents)
    words = documents["n_words"].astype(int)
    i_min, i_max = words.idxmin(), words.idxmax()
    sentences = int(documents["n_sentences"].sum())
    facts = {
        "min_words": int(words[i_min]), "max_words": int(words[i_max]),
        "median_words": float(words.median()),
        "shortest": labels[i_min], "longest": labels[i_max],
        "mean_words_per_sentence": round(float(words.sum()) / sentences, 1) if sentences else None,
    }
    if len(documents) == 1:
        text = f"The one document has {facts['max_words']:,} words."
    else:
        text = (f"Documents run from {facts['min_words']:,} words ({short(facts['shortest'])})"
                f" to {facts['max_words']:,} ({short(facts['longest'])}); the median is "
                f"{facts['median_words']:,.0f} words.")
    if facts["mean_words_per_sentence"] is not None:
        text += f" Sentences average {facts['mean_words_per_sentence']} words."
    return Narrative(text, facts)


def describe_removed(removed: pd.DataFrame, documents: pd.DataFrame | None = None) -> Narrative:
    """What cleaning removed, by kind and why, and from which document the most.

    Parameters
    ----------
    removed : DataFrame
        ``corpus.removed``.
    documents : DataFrame, optional
        ``corpus.documents``, to name documents by title and count those untouched.

    Returns
    -------
    Narrative
        Facts: ``n_removed, n_words_removed, by_kind`` (dict, most frequent first),
        ``n_documents_touched, most_from`` (label), ``most_from_count``.
    """
    if removed.empty:
        return Narrative("Cleaning removed nothing: every line read as essay prose.",
                         {"n_removed": 0, "n_words_removed": 0, "by_kind": {},
                          "n_documents_touched": 0, "most_from": None, "most_from_count": 0})
    by_kind = dict(Counter(removed["kind"]).most_common())
    per_doc = removed["doc_id"].value_counts()
    labels = dict(zip(documents["doc_id"], document_labels(documents))) \
        if documents is not None else {}
    facts = {
        "n_removed": len(removed),
        "n_words_removed": int(removed["text"].str.split().str.len().sum()),
        "by_kind": by_kind,
        "n_documents_touched": int(per_doc.size),
        "most_from": labels.get(per_doc.index[0], per_doc.index[0]),
        "most_from_count": int(per_doc.iloc[0]),
    }
    of_docs = f" of {len(documents)}" if documents is not None else ""
    lines = [
        f"Cleaning removed {plural(facts['n_removed'], 'piece')} of text "
        f"({facts['n_words_removed']:,} words) from {facts['n_documents_touched']}{of_docs} "
        f"documents; the most, {facts['most_from_count']}, from "
        f"{short(facts['most_from'])}. By kind:",
        "",
    ]
    for kind, count in by_kind.items():
        why = REMOVAL_REASONS.get(kind, "a rule of the cleaner")
        lines.append(f"- **{md_escape(kind)}** ({count}): {why}")
    return Narrative("\n".join(lines), facts)


def describe_excluded(excluded: pd.DataFrame) -> Narrative:
    """Which inputs were not kept, and why.

    Returns
    -------
    Narrative
        Facts: ``n_excluded`` and ``by_reason`` (reason family → count; a family is the
        reason up to its first parenthesis or colon, e.g. ``too short``).
    """
    if excluded.empty:
        return Narrative("Nothing was excluded: every input was read, was long enough and was "
                         "not a duplicate of another.", {"n_excluded": 0, "by_reason": {}})
    families = Counter(str(r).split(" (")[0].split(":")[0] for r in excluded["reason"])
    facts = {"n_excluded": len(excluded), "by_reason": dict(families.most_common())}
    reasons = listing([f"{n} {md_escape(shorten(k, REASON_CHARS))}"
                       for k, n in families.most_common()])
    text = (f"{plural(facts['n_excluded'], 'input was', 'inputs were')} excluded: {reasons}. "
            "The table gives each one's reason in full.")
    return Narrative(text, facts)


def describe_skipped(skipped: pd.DataFrame) -> Narrative:
    """Entries deliberately not read: hidden files, metadata files, orphan metadata rows.

    Returns
    -------
    Narrative
        Facts: ``n_skipped`` and ``by_reason`` (the reason up to its first comma → count).
    """
    if skipped.empty:
        return Narrative("Nothing was skipped: every entry of the folder was read.",
                         {"n_skipped": 0, "by_reason": {}})
    families = Counter(str(r).split(",")[0] for r in skipped["reason"])
    facts = {"n_skipped": len(skipped), "by_reason": dict(families.most_common())}
    reasons = listing([f"{n} {md_escape(shorten(k, REASON_CHARS))}"
                       for k, n in families.most_common()])
    text = (f"{plural(facts['n_skipped'], 'entry was', 'entries were')} not read as an essay: "
            f"{reasons}. Hidden files are read with `load_corpus(..., include_hidden=True)`"
            + (", links out of the folder with `follow_links=True`"
               if any(k.startswith("link to outside") for k in families) else "") + ".")
    return Narrative(text, facts)

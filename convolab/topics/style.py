"""Topics held together by how things are said, not what they are about, and labels for them.

Sentence embeddings encode form as well as content, so a clustering of essays' sentences can
gather rhetorical questions, short asides or exclamations from every essay into one "topic"
whose c-TF-IDF terms are scattered one-off words ("think expansively · best reasoning ·
discussion"). Such a topic is recognised by its vocabulary: the units of a subject share words,
so most of them contain one of the topic's own top terms; the units of a style do not. A topic
is a *style* when fewer than :data:`MIN_TERM_COVERAGE` of its units contain any of its
:data:`N_TOP_TERMS` top terms. Measured on ``benchmarks/bench_validity.py``'s proxies with
seed 0: the seed corpus's question-and-aside topics covered 0.20 (MiniLM) and 0.21 (static);
every subject topic covered 0.42 or more, and on six synthetic subjects 0.57 to 1.

A style topic is labelled by the forms that set it apart from the corpus (questions,
exclamations, short or long sentences, first or second person), computed, never assumed. A
topic with neither shared words nor a distinct form is a *mixed* remainder of units that fit
no theme (on the seed corpus the static embeddings leave one such topic).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A topic is a style when fewer than this share of its units contain one of its top terms.
MIN_TERM_COVERAGE = 0.3
N_TOP_TERMS = 5
#: A form sets a topic apart when its share in the topic is at least this many times the
#: corpus's (and at least :data:`MIN_FORM_SHARE`); length when the mean is this far off.
FORM_RATIO = 1.5
MIN_FORM_SHARE = 0.2
_FIRST = re.compile(r"\b(?:i|me|my|mine|we|us|our|ours)\b", re.IGNORECASE)
_SECOND = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)


def forms(texts: pd.Series) -> pd.DataFrame:
    """Per unit: question, exclamation, first and second person (bool) and length in words."""
    stripped = texts.str.rstrip().str.rstrip("\"'”’)»")
    return pd.DataFrame({
        "questions": stripped.str.endswith("?"),
        "exclamations": stripped.str.endswith("!"),
        "first person": texts.str.contains(_FIRST),
        "addressing the reader": texts.str.contains(_SECOND),
        "words": texts.str.split().str.len(),
    })


def style_labels(texts: pd.Series, labels: np.ndarray, topic_terms: pd.DataFrame,
                 analyze, unit: str = "sentence") -> dict[int, tuple[str, str]]:
    """Kind and label of every topic that is not a subject (topics of subjects are left out).

    Parameters
    ----------
    texts : Series
        The units' texts.
    labels : ndarray
        Each unit's topic (-1 for none).
    topic_terms : DataFrame
        ``topic, rank, term`` as :class:`~convolab.topics.TopicModel` keeps them.
    analyze : callable
        Text → terms, the topic model's own analyzer, so terms match as they were counted.
    unit : str
        What a unit is, for the label ("short sentences", "long paragraphs").

    Returns
    -------
    dict
        Topic id → ``(kind, label)``: ``("style", "style: questions · short sentences")`` or
        ``("mixed", "mixed: no shared words")``.
    """
    texts = texts.reset_index(drop=True)
    form = forms(texts)
    out = {}
    for topic, terms in topic_terms.sort_values("rank").groupby("topic")["term"]:
        members = np.flatnonzero(labels == topic)
        top = set(terms.head(N_TOP_TERMS))
        if not len(members) or not top:
            continue
        coverage = np.mean([bool(top & set(analyze(texts.iloc[i]))) for i in members])
        if coverage < MIN_TERM_COVERAGE:
            found = _distinct_forms(form, members, unit)
            out[int(topic)] = ("style", "style: " + " · ".join(found)) if found else \
                ("mixed", "mixed: no shared words")
    return out


def _distinct_forms(form: pd.DataFrame, members: np.ndarray, unit: str) -> list[str]:
    inside = form.iloc[members]
    found = [name for name in ("questions", "exclamations", "first person",
                               "addressing the reader")
             if inside[name].mean() >= max(MIN_FORM_SHARE, FORM_RATIO * form[name].mean())]
    ratio = inside["words"].mean() / max(form["words"].mean(), 1)
    if ratio <= 1 / FORM_RATIO:
        found.append(f"short {unit}s")
    elif ratio >= FORM_RATIO:
        found.append(f"long {unit}s")
    return found

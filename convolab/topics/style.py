"""Topics held together by how things are said, not what they are about, and labels for them.

Sentence embeddings encode form as well as content, so a clustering of sentences can gather
questions, short asides or exclamations from every document into one "topic" whose c-TF-IDF
terms are scattered one-off words ("think expansively · best reasoning · discussion"). Each
topic's kind is read from two measurements of its :data:`N_TOP_TERMS` top terms and one of its
form, each against the rest of the corpus:

* **coverage**: the share of its units holding one of its top terms;
* **distinctiveness**: how many times as often its units hold one as the other units do
  (``(a + ½) / (n + 1)`` over ``(b + ½) / (m + 1)``: ``a`` of its ``n`` units, ``b`` of the
  ``m`` others; the halves keep a term no other unit holds finite);
* **form**: questions, exclamations, units holding one of the corpus's marks
  (:mod:`~.markers`), first person, addressing the reader (a share at least
  :data:`FORM_RATIO` times the corpus's and at least :data:`MIN_FORM_SHARE`), short or long
  units (mean length that many times off).

A topic is a *style* when most of its units hold a mark (:data:`MARKED`), or when a defining
form sets it apart (questions, exclamations, short units, a mark) and its top terms cover
fewer than :data:`MIN_TERM_COVERAGE` of its units; otherwise a *subject* when its terms cover
at least that share or are at least :data:`MIN_DISTINCTIVENESS` times as common in it as
elsewhere; otherwise a style when any form sets it apart, and a *mixed* remainder when none
does.

Coverage alone (the rule before issue 24, set on five essays) failed on real text: on 788 blog
posts (sentences, MiniLM, seed 0) 13 of 20 topics covered under 30%, food, cars, books and
clothes among them, because blog sentences are short and a theme's vocabulary is wide.
Measured (coverage / distinctiveness), seed 0, MiniLM unless said:

* blog posts, 788: themes with coverage under 0.3 were 8.8 to 43 times as distinctive (days
  and weekends 0.28 / 8.8, cars 0.15 / 9.2, business 0.24 / 15, food 0.26 / 39); the two
  topics of short replies 0.07 / 1.5 and 0.09 / 30 (short: 0.32 and 0.37 of the mean
  length, so styles by form); "fun, felt, went" 0.21 / 3.0, "guy, man, said, told" 0.18 / 3.7,
  "girl, woman, said" 0.17 / 5.9 (mixed), "rude, people, feel" 0.28 / 5.6 (a style, addressing
  the reader); the sentences around the link marker 0.15 / 53, but 85% of them hold it against
  1.3% of all (a style by its mark);
* blog posts, a 100-post sample: themes under 0.3, 12 to 99 (tech support 0.23 / 56, a style
  by its "you" before); short replies 0.14 / 2.1 and 0.19 / 33 (short); "guy, man, said" 0.22 / 6.0;
* the five seed essays: the question-and-aside topic 0.15 / 47 with 45% questions and 0.59 of
  the mean length (a style), every subject covering 0.40 or more; with static embeddings the
  remainder 0.21 / 4.3, every subject 0.50 or more;
* six synthetic subjects (``tests/test_report_inert.py``'s essays): 0.85 to 1, 78 to 1,206.

The cut at 7 lies between the clearest remainders (4.3 and below) and the least distinctive
themes (8.8); the topics in between, people said and told things, read as either. Topic terms
co-occurring more than chance (NPMI per paragraph against :func:`~.metrics.npmi_chance`) and
the share of function words were measured too and separated nothing on the blog posts: food
0.06 above chance and "fun, felt, went" 0.05, days and weekends -0.01; function words 0.57 to
1.12 of the corpus's share in themes and styles alike.

A style is labelled by the forms that set it apart, computed, never assumed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: A topic whose top terms cover at least this share of its units is a subject ...
MIN_TERM_COVERAGE = 0.3
#: ... and so is one whose units hold them at least this many times as often as the others.
MIN_DISTINCTIVENESS = 7.0
N_TOP_TERMS = 5
#: A form sets a topic apart when its share in the topic is at least this many times the
#: corpus's (and at least :data:`MIN_FORM_SHARE`); length when the mean is this far off.
FORM_RATIO = 1.5
MIN_FORM_SHARE = 0.2
#: The forms that alone make a topic of units without shared words a style.
DEFINING_FORMS = ("questions", "exclamations", "short", "mark")
#: A topic is a style, whatever its words, when at least this share of its units holds a mark.
MARKED = 0.5
_FIRST = re.compile(r"\b(?:i|me|my|mine|we|us|our|ours)\b", re.IGNORECASE)
_SECOND = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)


def forms(texts: pd.Series, marks=()) -> pd.DataFrame:
    """Per unit: question, exclamation, first and second person, holding one of ``marks`` (the
    corpus's own, :mod:`~.markers`; bool) and length in words."""
    stripped = texts.str.rstrip().str.rstrip("\"'”’)»")
    marked = re.compile(r"(?i)(?<![^\W\d_])(?:" + "|".join(map(re.escape, marks)) +
                        r")(?![^\W\d_])") if len(marks) else None
    return pd.DataFrame({
        "questions": stripped.str.endswith("?"),
        "exclamations": stripped.str.endswith("!"),
        "first person": texts.str.contains(_FIRST),
        "addressing the reader": texts.str.contains(_SECOND),
        "mark": texts.str.contains(marked) if marked else pd.Series(False, texts.index),
        "words": texts.str.split().str.len(),
    })


def term_evidence(texts: pd.Series, labels: np.ndarray, topic_terms: pd.DataFrame,
                  analyze) -> pd.DataFrame:
    """Each topic's coverage and distinctiveness (see the module docstring).

    Returns
    -------
    DataFrame
        ``topic, size, coverage, distinctiveness``, one row per topic with terms and units.
    """
    top = {int(t): set(terms.head(N_TOP_TERMS)) for t, terms in
           topic_terms.sort_values(["topic", "rank"]).groupby("topic")["term"]}
    wanted = set().union(*top.values()) if top else set()
    # One pass over the units, keeping only the top terms each holds.
    held = [wanted.intersection(analyze(text)) for text in texts]
    rows = []
    for topic, terms in top.items():
        inside = labels == topic
        n, m = int(inside.sum()), int((~inside).sum())
        if not n or not terms:
            continue
        has = np.fromiter((not terms.isdisjoint(h) for h in held), bool, len(held))
        a, b = int(has[inside].sum()), int(has[~inside].sum())
        rows.append((topic, n, a / n, ((a + 0.5) / (n + 1)) / ((b + 0.5) / (m + 1))))
    return pd.DataFrame(rows, columns=["topic", "size", "coverage", "distinctiveness"])


def style_labels(texts: pd.Series, labels: np.ndarray, topic_terms: pd.DataFrame,
                 analyze, unit: str = "sentence", marks=()) -> dict[int, tuple[str, str]]:
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
    marks : list of str
        The corpus's marks (``corpus_stop_words_["term"]``): units holding one are a form.

    Returns
    -------
    dict
        Topic id → ``(kind, label)``: ``("style", "style: questions · short sentences")`` or
        ``("mixed", "mixed: no words of its own")``.
    """
    texts = texts.reset_index(drop=True)
    labels = np.asarray(labels)
    form = forms(texts, list(marks))
    out = {}
    for row in term_evidence(texts, labels, topic_terms, analyze).itertuples():
        members = np.flatnonzero(labels == row.topic)
        found = _distinct_forms(form, members)
        shared = row.coverage >= MIN_TERM_COVERAGE
        if form["mark"].iloc[members].mean() >= MARKED:
            pass  # what most of its units share is the corpus's mark, whatever else they do
        elif not shared and any(f in DEFINING_FORMS for f in found):
            pass  # held together by a form, whatever its few shared words
        elif shared or row.distinctiveness >= MIN_DISTINCTIVENESS:
            continue
        names = [f"{f} {unit}s" if f in ("short", "long") else
                 f"{unit}s holding a corpus mark" if f == "mark" else f for f in found]
        out[int(row.topic)] = ("style", "style: " + " · ".join(names)) if names else \
            ("mixed", "mixed: no words of its own")
    return out


def _distinct_forms(form: pd.DataFrame, members: np.ndarray) -> list[str]:
    inside = form.iloc[members]
    found = [name for name in ("questions", "exclamations", "mark", "first person",
                               "addressing the reader")
             if inside[name].mean() >= max(MIN_FORM_SHARE, FORM_RATIO * form[name].mean())]
    ratio = inside["words"].mean() / max(form["words"].mean(), 1)
    if ratio <= 1 / FORM_RATIO:
        found.append("short")
    elif ratio >= FORM_RATIO:
        found.append("long")
    return found

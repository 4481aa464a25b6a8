"""Computed prose about themes and tone: every fact equals an independent computation, the text
states it, corpus text is escaped, and edge cases give true sentences instead of errors."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest

from convolab import narrative
from convolab.narrative import (
    describe_arcs,
    describe_document_topics,
    describe_extremes,
    describe_limits,
    describe_method_agreement,
    describe_scorer_validation,
    describe_tone,
    describe_topic_document_tone,
    describe_topic_evidence,
    describe_topic_tone,
    describe_topic_tone_evidence,
    describe_topic_trust,
    describe_topics,
    extreme_sentences,
    method_disagreements,
    stability_verdict,
    summarize_findings,
    topic_document_grid,
)
from convolab.narrative.wording import ci_text, md_escape, num
from convolab.sentiment import topic_document_tone

HOSTILE = "<script>alert(1)</script>"
ROOT = Path(__file__).resolve().parent.parent


def _no_markup(text: str) -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert "<script" not in text
    assert "<script" not in markdown2html_mistune(text)


# --- fixtures: a fitted-model look-alike and sentence scores -------------------------------------

def _model(unit: str = "sentence") -> SimpleNamespace:
    """Three topics over three documents: topic 2 lives almost only in document c."""
    rows = []
    plan = {"a": [0, 0, 0, 1, 1], "b": [0, 1, 1, 1, 0], "c": [2, 2, 2, 2, 0]}
    for doc, topics in plan.items():
        for i, t in enumerate(topics):
            rows.append({"unit_id": f"{doc}:s{i}", "doc_id": doc, "para_id": i // 2,
                         "sent_id": i, "text": f"sentence {i} of {doc}", "topic": t})
    assignments = pd.DataFrame(rows)
    labels = {0: "service · care", 1: "talk · listening", 2: f"odd {HOSTILE} words"}
    sizes = assignments["topic"].value_counts()
    topics = pd.DataFrame([{
        "topic": t, "label": labels[t], "size": int(sizes[t]), "share": sizes[t] / len(rows),
        "n_documents": assignments.loc[assignments.topic == t, "doc_id"].nunique(),
        "terms": "x, y"} for t in (0, 1, 2)]).sort_values("size", ascending=False)
    reps = pd.DataFrame([
        {"topic": t, "rank": r, "unit_id": "u", "doc_id": d, "para_id": 0, "sent_id": s,
         "text": txt, "similarity": 0.9 - r / 10}
        for t, r, d, s, txt in [(0, 0, "a", 0, "Service matters *most*."),
                                (0, 1, "b", 0, "Care is service."),
                                (1, 0, "b", 1, "Listen first."),
                                (2, 0, "c", 0, f"Odd {HOSTILE} text.")]])
    terms = pd.DataFrame([{"topic": t, "rank": r, "term": f"term{t}{r}", "weight": 1 - r / 10}
                          for t in (0, 1, 2) for r in range(3)])
    return SimpleNamespace(topics_=topics.reset_index(drop=True), assignments_=assignments,
                           representatives_=reps, topic_terms_=terms, unit=unit,
                           clustering_="k-means with k=3 (best silhouette 0.40)")


DOCUMENTS = pd.DataFrame({"doc_id": ["a", "b", "c"],
                          "title": [f"Alpha {HOSTILE}", None, "Gamma"]})


def _scores() -> pd.DataFrame:
    tm = _model()
    rng = np.random.default_rng(0)
    frame = tm.assignments_[["doc_id", "para_id", "sent_id", "text"]].copy()
    base = frame["doc_id"].map({"a": 0.5, "b": -0.4, "c": 0.05})
    frame["sentiment"] = (base + rng.normal(0, 0.05, len(frame))).clip(-1, 1)
    frame["vader"] = (frame["sentiment"] + 0.2).clip(-1, 1)
    frame["learned"] = (frame["sentiment"] - 0.1).clip(-1, 1)
    frame.loc[2, ["vader", "learned"]] = [0.6, -0.6]  # one sentence the methods disagree on
    frame["flag"] = "ok"
    return frame


def _by_doc(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "n", "mean", "ci_low", "ci_high"])


# --- formatting -----------------------------------------------------------------------------------

def test_numbers_are_signed_with_a_true_minus():
    assert num(0.153) == "+0.15"
    assert num(-0.081) == "−0.08"
    assert num(-0.001) == "0.00"
    assert num(float("nan")) == "n/a"
    assert ci_text(-0.21, 0.034) == "95% CI −0.21 to +0.03"
    # A bound that keeps the interval off zero shows its sign, however small.
    assert ci_text(0.004, 0.29) == "95% CI +0.004 to +0.29"
    assert ci_text(-0.31, -0.00004) == "95% CI −0.31 to −0.0000…"
    assert ci_text(0.0, 0.2) == "95% CI 0.00 to +0.20"


@pytest.mark.parametrize(("ari", "verdict"), [(0.8, "stable"), (0.95, "stable"),
                                              (0.79, "moderately stable"),
                                              (0.5, "moderately stable"), (0.49, "unstable"),
                                              (float("nan"), None), (None, None)])
def test_stability_thresholds(ari, verdict):
    assert stability_verdict(ari) == verdict


# --- themes ---------------------------------------------------------------------------------------

def test_describe_topics_states_sizes_and_spread():
    tm = _model()
    story = describe_topics(tm)
    sizes = tm.assignments_["topic"].value_counts()
    spread = tm.assignments_.groupby("topic")["doc_id"].nunique()
    assert story.facts["n_units"] == 15 and story.facts["n_documents"] == 3
    assert story.facts["n_topics"] == 3
    assert [t["topic"] for t in story.facts["largest"]] == [sizes.idxmax()] == [0]
    assert [t["topic"] for t in story.facts["smallest"]] == [sizes.idxmin()] == [2]
    assert story.facts["n_in_every_document"] == int((spread == 3).sum()) == 1
    assert [t["topic"] for t in story.facts["narrowest"]] == [2]
    assert story.facts["narrowest"][0]["n_documents"] == spread.min() == 1
    assert f"holds {sizes.max()} sentences ({sizes.max() / 15:.0%})" in story.text
    assert "1 of the 3 topics occurs in every document" in story.text
    assert "(topic 2) occurs in only 1 document." in story.text
    assert "k\\-means with k=3" in story.text
    _no_markup(story.text)


def test_a_style_topic_is_named_as_such_and_subjects_are_not():
    tm = _model()
    assert "how things are said" not in describe_topics(tm).text  # no kind column: subjects
    tm.topics_["kind"] = np.where(tm.topics_["topic"] == 2, "style", "subject")
    story = describe_topics(tm)
    assert [t["topic"] for t in story.facts["styles"]] == [2]
    assert "(topic 2) is held together by how things are said" in story.text
    tm.topics_["kind"] = np.where(tm.topics_["topic"] == 1, "mixed", "subject")
    story = describe_topics(tm)
    assert story.facts["styles"] == [] and [t["topic"] for t in story.facts["mixeds"]] == [1]
    assert "(topic 1) shares neither words nor a form" in story.text
    assert "how things are said" not in story.text
    _no_markup(story.text)


def test_describe_topics_with_one_topic_and_with_ties():
    tm = _model()
    tm.topics_ = tm.topics_[tm.topics_["topic"] == 0]
    story = describe_topics(tm)
    assert "into one topic" in story.text and "no themes it could separate" in story.text
    tied = _model()
    tied.topics_ = tied.topics_.assign(size=5)
    story = describe_topics(tied)
    assert len(story.facts["largest"]) == 3
    assert "hold 5 sentences each" in story.text
    apart = _model()
    apart.topics_ = apart.topics_.assign(n_documents=1)
    story = describe_topics(apart)
    assert [t["topic"] for t in story.facts["narrowest"]] == [0, 1, 2]
    assert "No topic occurs in every document; " in story.text
    assert "(topic 2) occur in only 1 document." in story.text
    empty = _model()
    empty.topics_ = empty.topics_.iloc[:0]
    assert "found no topic" in describe_topics(empty).text


def test_topic_evidence_quotes_units_with_their_ids():
    tm = _model()
    story = describe_topic_evidence(tm, DOCUMENTS, n_terms=2)
    first = story.facts["topics"][0]
    assert first["topic"] == 0 and first["terms"] == ["term00", "term01"]
    assert [e["doc_id"] for e in first["evidence"]] == ["a", "b"]
    assert "Service matters \\*most\\*." in story.text
    assert "(doc\\_id a, sent\\_id 0)" in story.text      # titled documents give their id
    assert "— *b* (sent\\_id 0)" in story.text            # untitled ones are named by it
    _no_markup(story.text)


@pytest.mark.parametrize(("chance", "verdict", "stated"), [
    (-0.7, "above", "score −0.70 on this corpus, so they share paragraphs more often than"),
    (-0.2, "below", "score −0.20 on this corpus, so they share paragraphs less often than"),
    (-0.46, "level with", "score −0.46 on this corpus, so they share paragraphs about as often"),
    (None, None, None)])
def test_coherence_is_compared_with_chance(chance, verdict, stated):
    evaluation = pd.Series({"n_topics": 3, "coherence_npmi": -0.44,
                            "coherence_npmi_chance": chance})
    story = describe_topic_trust(evaluation)
    assert story.facts["coherence_vs_chance"] == verdict
    assert (stated in story.text) if stated else ("Random terms" not in story.text)


def test_topic_trust_states_values_verdicts_and_thresholds():
    evaluation = pd.Series({"n_topics": 3, "coherence_npmi": -0.44, "diversity": 0.85,
                            "outlier_share": 0.0, "outlier_share_before_reassignment": 0.2,
                            "stability_ari": 0.71})
    story = describe_topic_trust(evaluation, n_seeds=3)
    assert story.facts["coherence_verdict"] == "incoherent"
    assert story.facts["diversity_verdict"] == "somewhat overlapping"
    assert story.facts["stability_verdict"] == "moderately stable"
    for stated in ("−0.44, incoherent", "0.85, somewhat overlapping", "85%",
                   "0.71, moderately stable", "against 3 refits", "first left 20% unassigned",
                   "0.8 or more counts as stable", "below −0.1 as incoherent"):
        assert stated in story.text, stated


@pytest.mark.parametrize(("npmi", "verdict"), [(0.11, "coherent"), (0.1, "weakly coherent"),
                                               (-0.1, "weakly coherent"),
                                               (-0.11, "incoherent")])
def test_coherence_thresholds(npmi, verdict):
    story = describe_topic_trust(pd.Series({"n_topics": 2, "coherence_npmi": npmi}))
    assert story.facts["coherence_verdict"] == verdict
    assert "Stability** (mean adjusted Rand index across refits with other seeds; 1 " \
           "identical, 0 chance): not computed." in story.text


def test_topic_trust_with_one_topic_says_the_numbers_say_nothing():
    story = describe_topic_trust(pd.Series({"n_topics": 1, "coherence_npmi": float("nan"),
                                            "diversity": 1.0, "stability_ari": 1.0}))
    assert "could not be computed" in story.text
    assert story.text.count("with one topic it says nothing") == 2


def test_document_topics_leading_and_concentrated():
    tm = _model()
    story = describe_document_topics(tm, DOCUMENTS)
    counts = pd.crosstab(tm.assignments_["doc_id"], tm.assignments_["topic"])
    assert {d: v["topic"] for d, v in story.facts["leading"].items()} == \
        counts.idxmax(axis=1).to_dict() == {"a": 0, "b": 1, "c": 2}
    assert story.facts["n_led_by_majority"] == int(
        (counts.max(axis=1) / counts.sum(axis=1) >= 0.5).sum()) == 3
    from_one = counts.max() / counts.sum()
    assert [c["topic"] for c in story.facts["concentrated"]] == \
        from_one[from_one >= 2 / 3].index.tolist() == [2]
    assert "draws 100% of its sentences from *Gamma*" in story.text
    assert "In 3 of the 3 documents one topic holds at least half of the sentences." \
        in story.text
    _no_markup(story.text)


def test_document_topics_when_every_theme_is_shared():
    tm = _model()
    tm.assignments_ = tm.assignments_.assign(topic=[0, 1] * 7 + [0])
    story = describe_document_topics(tm, DOCUMENTS, concentrated=0.8)
    assert story.facts["concentrated"] == []
    assert "No topic draws 80% or more" in story.text
    mixed = _model()
    mixed.assignments_ = mixed.assignments_.assign(topic=[0, 1, 2] * 5)
    story = describe_document_topics(mixed, DOCUMENTS)
    assert story.facts["n_led_by_majority"] == 0
    assert "In none of the 3 documents does one topic hold half of the sentences: the themes " \
           "are mixed in every one." in story.text


# --- tone per document ----------------------------------------------------------------------------

def test_describe_tone_range_and_intervals():
    by_doc = _by_doc([("a", 10, 0.30, 0.10, 0.50), ("b", 8, -0.20, -0.35, -0.05),
                      ("c", 5, 0.05, -0.10, 0.20), ("d", 0, float("nan"), float("nan"),
                                                    float("nan"))])
    story = describe_tone(by_doc, DOCUMENTS)
    scored = by_doc[by_doc.n > 0]
    assert story.facts["highest"]["doc_id"] == scored.loc[scored["mean"].idxmax(), "doc_id"]
    assert story.facts["lowest"]["doc_id"] == scored.loc[scored["mean"].idxmin(), "doc_id"]
    assert story.facts["n_above_zero"] == int((scored.ci_low > 0).sum()) == 1
    assert story.facts["n_below_zero"] == int((scored.ci_high < 0).sum()) == 1
    assert story.facts["n_include_zero"] == 1
    assert story.facts["extremes_overlap"] is False
    assert story.facts["n_unscored"] == 1
    assert "runs from −0.20 (*b*, 95% CI −0.35 to −0.05) to +0.30" in story.text
    assert "1 of the 3 documents has an interval entirely above zero (*Alpha &lt;script" \
        in story.text
    assert "For the remaining document the interval includes zero, so its tone" in story.text
    assert "1 document has no scorable sentence" in story.text
    _no_markup(story.text)


def test_describe_tone_when_no_interval_excludes_zero_and_extremes_overlap():
    by_doc = _by_doc([("a", 10, 0.05, -0.1, 0.2), ("b", 10, -0.02, -0.2, 0.15)])
    story = describe_tone(by_doc)
    assert story.facts["n_above_zero"] == story.facts["n_below_zero"] == 0
    assert story.facts["extremes_overlap"] is True
    assert "Every one of the 2 documents has an interval that includes zero" in story.text
    assert "difference between the warmest and the most critical document is not " \
           "established" in story.text


def test_describe_tone_edge_cases():
    one = describe_tone(_by_doc([("a", 3, -0.4, -0.6, -0.2)]), DOCUMENTS)
    assert "The one document" in one.text and "entirely below zero" in one.text
    tied = describe_tone(_by_doc([("a", 3, 0.1, 0.0, 0.2), ("b", 3, 0.1, 0.0, 0.2)]))
    assert "All 2 documents have the same mean sentence tone, +0.10" in tied.text
    assert "No sentence could be scored" in describe_tone(_by_doc([])).text


def test_describe_arcs_compares_the_last_third_with_the_first():
    def doc(doc_id, values):
        n = len(values)
        return pd.DataFrame({"doc_id": doc_id, "position": np.linspace(0, 1, n),
                             "sentiment": values})

    arcs = pd.concat([doc("a", [-0.5] * 3 + [0] * 3 + [0.5] * 3),
                      doc("b", [0.4] * 3 + [0] * 3 + [-0.4] * 3),
                      doc("c", [0.1] * 9), doc("d", [0.3, -0.3])])
    story = describe_arcs(arcs, DOCUMENTS)
    assert story.facts["per_document"]["a"]["change"] == pytest.approx(1.0)
    assert (story.facts["n_warmer"], story.facts["n_cooler"], story.facts["n_same"]) == (1, 1, 1)
    assert story.facts["n_too_short"] == 1
    assert "1 ends warmer (*Alpha &lt;script" in story.text and "1 ends cooler (*b*)" in story.text
    assert "from −0.50 to +0.50" in story.text   # the largest shift (ties go to the first id)
    assert "1 document is too short" in story.text
    assert "No document has" in describe_arcs(doc("x", [0.1])).text


# --- extremes and method agreement ----------------------------------------------------------------

def test_extreme_sentences_order_ties_and_flags():
    scores = pd.DataFrame({"doc_id": ["b", "a", "a", "c", "c"], "sent_id": [0, 1, 0, 0, 1],
                           "text": list("vwxyz"), "sentiment": [0.9, 0.9, -0.5, -0.9, 0.0],
                           "flag": ["ok", "ok", "ok", "non-english", "ok"]})
    table = extreme_sentences(scores, n=2)
    top = table[table.side == "most positive"]
    assert top[["doc_id", "sent_id"]].values.tolist() == [["a", 1], ["b", 0]]  # tie: by id
    bottom = table[table.side == "most critical"]
    assert bottom["text"].tolist() == ["x", "z"]  # the flagged -0.9 sentence is left out


def test_describe_extremes_quotes_and_counts():
    scores = _scores()
    story = describe_extremes(scores, DOCUMENTS, n=2)
    ranked = scores.sort_values("sentiment")
    assert story.facts["most_positive"][0]["score"] == ranked["sentiment"].iloc[-1]
    assert story.facts["most_critical"][0]["score"] == ranked["sentiment"].iloc[0]
    assert story.facts["n_positive"] == int((scores.sentiment >= 0.05).sum())
    assert story.facts["n_negative"] == int((scores.sentiment <= -0.05).sum())
    assert num(ranked["sentiment"].iloc[0]) in story.text
    _no_markup(story.text)


def test_describe_extremes_says_when_nothing_is_positive():
    scores = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "text": ["x", "y"],
                           "sentiment": [-0.2, -0.6]})
    story = describe_extremes(scores)
    assert "even the most positive sentence scores −0.20: no sentence reads as positive" \
        in story.text


def test_method_agreement_matches_an_independent_computation():
    scores = _scores()
    story = describe_method_agreement(scores, DOCUMENTS)
    v, learned = scores["vader"], scores["learned"]
    assert story.facts["pearson"] == pytest.approx(np.corrcoef(v, learned)[0, 1])
    opposite = ((v >= 0.05) & (learned <= -0.05)) | ((v <= -0.05) & (learned >= 0.05))
    assert story.facts["n_opposite"] == int(opposite.sum())
    assert story.facts["mean_vader"] == pytest.approx(v.mean())
    per_v, per_l = scores.groupby("doc_id")["vader"].mean(), scores.groupby("doc_id")["learned"].mean()
    assert story.facts["doc_rank_spearman"] == pytest.approx(
        per_v.rank().corr(per_l.rank()))
    assert story.facts["same_warmest"] == (per_v.idxmax() == per_l.idxmax())
    assert f"r = {story.facts['pearson']:.2f}" in story.text
    assert f"{_plural_sentences(int(opposite.sum()))}" in story.text
    assert "on only 3 points" in story.text
    _no_markup(story.text)


def _plural_sentences(n):
    return f"{n} sentence" if n == 1 else f"{n} sentences"


def test_method_agreement_edge_cases():
    only_vader = _scores().drop(columns="learned")
    assert "Only one scoring method" in describe_method_agreement(only_vader).text
    flat = _scores().assign(vader=0.0)
    story = describe_method_agreement(flat)
    assert story.facts["pearson"] is None and "cannot be computed" in story.text


def test_method_disagreements_are_opposite_and_sorted():
    scores = _scores()
    table = method_disagreements(scores, n=5)
    assert len(table) >= 1
    assert ((table.vader > 0) != (table.learned > 0)).all()
    assert table["gap"].is_monotonic_decreasing
    assert table.iloc[0]["gap"] == pytest.approx(1.2)


# --- validation -----------------------------------------------------------------------------------

def _report():
    rows = []
    for method, acc, r in (("vader", 0.61, 0.50), ("learned", 0.81, 0.64),
                           ("ensemble", 0.80, 0.66)):
        rows.append({"method": method, "data": "all", "evaluation": "leave-one-domain-out",
                     "n": 1000, "n_polar": 900, "accuracy": acc, "macro_f1": acc - 0.01,
                     "pearson": r, "spearman": r})
        for data in ("imdb", "yelp"):
            rows.append({"method": method, "data": data, "evaluation": "leave-one-domain-out",
                         "n": 500, "n_polar": 450, "accuracy": acc, "macro_f1": acc,
                         "pearson": r, "spearman": r})
        rows.append({"method": method, "data": "sst-test", "evaluation": "SST test split",
                     "n": 200, "n_polar": 150, "accuracy": acc - 0.02, "macro_f1": acc,
                     "pearson": r, "spearman": r})
    return pd.DataFrame(rows)


def test_scorer_validation_states_the_held_out_numbers():
    story = describe_scorer_validation(_report())
    assert story.facts["held_out"]["ensemble"]["accuracy"] == 0.80
    assert story.facts["best_accuracy"] == "learned"
    assert story.facts["best_pearson"] == "ensemble"
    for stated in ("1,000 labelled review sentences from 2 sources (imdb and yelp)",
                   "right sign for 80% of the 900", "r = 0.66", "VADER alone 61%",
                   "the learned model does better (0.810 against 0.800)",
                   "sst\\-test, 200 sentences) it gets 78%", "reviews, not essays"):
        assert stated in story.text, stated


def test_scorer_validation_on_the_shipped_weights():
    from convolab import training_report

    report = training_report()
    story = describe_scorer_validation(report)
    row = report[(report.method == "ensemble") & (report.data == "all")].iloc[0]
    assert story.facts["held_out"]["ensemble"]["accuracy"] == row["accuracy"]
    assert f"{row['accuracy']:.0%}" in story.text


def test_scorer_validation_without_numbers():
    assert "No validation numbers" in describe_scorer_validation(pd.DataFrame()).text
    assert "do not cover" in describe_scorer_validation(_report(), method="other").text


# --- themes × tone ----------------------------------------------------------------------------------

def _topic_tone(means=(0.3, -0.2, 0.05), lows=(0.1, -0.3, -0.1), highs=(0.5, -0.1, 0.2),
                n_docs=(12, 12, 12)):
    """As :func:`convolab.topic_sentiment` returns it: each theme found in ``n_docs`` documents
    (enough to be judged, by default: :data:`convolab.compare.MIN_DOCUMENTS` is 10)."""
    rows = []
    for t, (m, lo, hi, d) in enumerate(zip(means, lows, highs, n_docs)):
        rows.append({"topic": t, "label": ["care", "waiting", HOSTILE][t], "n_units": 5, "n": 5,
                     "mean": m, "ci_low": lo, "ci_high": hi, "n_docs": d,
                     "most_positive": f"good {t}", "most_positive_score": m + 0.2,
                     "most_positive_doc_id": "a", "most_positive_sent_id": t,
                     "most_negative": f"bad {t} {HOSTILE}", "most_negative_score": m - 0.2,
                     "most_negative_doc_id": "b", "most_negative_sent_id": t + 1})
    rows.append({**rows[0], "topic": -1, "label": "outliers", "mean": 0.9, "ci_low": 0.8,
                 "ci_high": 1.0})
    return pd.DataFrame(rows)


def test_topic_tone_names_warmest_and_most_critical_with_evidence():
    table = _topic_tone()
    story = describe_topic_tone(table, DOCUMENTS)
    themes = table[table.topic >= 0]
    assert story.facts["n_topics"] == 3  # the outlier row is not a theme
    assert story.facts["warmest"]["topic"] == themes.loc[themes["mean"].idxmax(), "topic"] == 0
    assert story.facts["most_critical"]["topic"] == 1
    assert (story.facts["n_above_zero"], story.facts["n_below_zero"],
            story.facts["n_include_zero"]) == (1, 1, 1)
    assert "most warmly told is *care* (topic 0): mean +0.30 (95% CI +0.10 to +0.50, 5 " \
           "sentences in 12 documents)" in story.text
    assert "“good 0” — *Alpha &lt;script" in story.text
    assert "most critically told is *waiting* (topic 1): mean −0.20" in story.text
    _no_markup(story.text)


def test_style_topics_are_not_ranked_among_the_themes():
    table = _topic_tone().assign(kind=["style", "subject", "subject", None])
    story = describe_topic_tone(table, DOCUMENTS)
    assert story.facts["n_topics"] == 2 and story.facts["not_ranked"] == ["care"]
    assert story.facts["warmest"]["topic"] == 2 and story.facts["most_critical"]["topic"] == 1
    assert "*care* is left out of this ranking: it is a style or a remainder" in story.text
    only_styles = describe_topic_tone(table.assign(kind="style"), DOCUMENTS)
    assert only_styles.facts["warmest"]["topic"] == 0 and only_styles.facts["not_ranked"] == []
    _no_markup(story.text)


def test_a_theme_in_too_few_documents_is_not_judged_nor_named_warmest():
    from convolab.compare import MIN_DOCUMENTS

    # care is the warmest and its interval excludes zero, but it is found in 3 documents.
    table = _topic_tone(n_docs=(3, 12, MIN_DOCUMENTS))
    story = describe_topic_tone(table, DOCUMENTS)
    assert story.facts["n_judged"] == 2 and story.facts["few_documents"] == ["care"]
    assert story.facts["n_above_zero"] == 0 and story.facts["above_zero"] == []
    assert story.facts["warmest"]["topic"] == 2  # the warmest of the themes with enough
    assert story.text.startswith(f"Of the 2 themes found in {MIN_DOCUMENTS} or more documents")
    assert f"1 theme is found in fewer than {MIN_DOCUMENTS} documents (*care*): too few to " \
           "resample, so its mean describes those documents only" in story.text
    evidence = describe_topic_tone_evidence(table, DOCUMENTS)
    assert [t["side"] for t in evidence.facts["topics"]] == ["few", "below", "includes", "few"]
    assert f"found in fewer than {MIN_DOCUMENTS} documents, so not judged" in evidence.text
    # The seed corpus: five essays, so no theme reaches the minimum and none is judged.
    seed = describe_topic_tone(_topic_tone(n_docs=(3, 2, 5)), DOCUMENTS)
    assert seed.facts["n_judged"] == 0 and seed.facts["n_above_zero"] == 0
    assert seed.text.startswith(f"No theme is found in {MIN_DOCUMENTS} or more documents, so no "
                                "theme's tone is judged")
    assert seed.facts["warmest"]["topic"] == 0  # still described, as these essays' means
    # Without n_docs (intervals that resample sentences) the table is taken as it is.
    bare = describe_topic_tone(table.drop(columns="n_docs"), DOCUMENTS)
    assert bare.facts["n_few_documents"] == 0 and bare.facts["n_above_zero"] == 1


def test_confident_topic_tone_keeps_only_confident_units():
    from convolab.narrative import confident_topic_tone

    tm, scores = _model(), _scores()
    tm.assignments_ = tm.assignments_.assign(probability=[0.9, 0.2] * 7 + [0.9])
    table = confident_topic_tone(tm, scores, min_probability=0.5)
    kept = tm.assignments_[tm.assignments_["probability"] >= 0.5]
    joined = scores.merge(kept[["doc_id", "sent_id", "topic"]], on=["doc_id", "sent_id"])
    expected = joined.groupby("topic")["sentiment"].mean()
    assert table.set_index("topic")["mean"].to_dict() == pytest.approx(expected.to_dict())
    assert -1 not in set(table["topic"])
    with pytest.raises(KeyError, match="probability"):
        confident_topic_tone(_model(), scores)


def test_topic_tone_edge_cases():
    negative = describe_topic_tone(_topic_tone(means=(-0.1, -0.3, -0.2)))
    assert "Even the warmest theme is on the negative side of zero" in negative.text
    one = describe_topic_tone(_topic_tone().iloc[[0]])
    assert one.text.startswith("There is one theme, *care*")
    assert "No theme has a scored sentence" in describe_topic_tone(_topic_tone().iloc[:0]).text
    tied = describe_topic_tone(_topic_tone(means=(0.2, 0.2, 0.1)))
    assert "2 themes share the highest mean" in tied.text


def test_topic_tone_evidence_lists_every_theme():
    story = describe_topic_tone_evidence(_topic_tone(), DOCUMENTS)
    assert [t["topic"] for t in story.facts["topics"]] == [0, 1, 2, -1]
    assert [t["side"] for t in story.facts["topics"]] == ["above", "below", "includes", "above"]
    assert "**outliers (no topic)**" in story.text
    assert "not distinguishable from neutral" in story.text
    _no_markup(story.text)


def test_topic_document_tone_is_the_mean_per_topic_and_document():
    tm, scores = _model(), _scores()
    table = topic_document_tone(tm, scores)
    joined = scores.merge(tm.assignments_[["doc_id", "sent_id", "topic"]], on=["doc_id",
                                                                               "sent_id"])
    expected = joined.groupby(["topic", "doc_id"])["sentiment"].mean()
    got = table.set_index(["topic", "doc_id"])["mean"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert table["label"].notna().all()
    grid = topic_document_grid(table)
    assert grid.loc[(0, "service · care"), "a"] == f"{num(expected[(0, 'a')])} (n=3)"
    assert grid.loc[(2, f"odd {HOSTILE} words"), "a"] == ""


def test_describe_topic_document_tone_warmest_and_coolest_cells():
    table = pd.DataFrame({
        "topic": [0, 0, 0, 1], "label": ["care"] * 3 + [HOSTILE], "doc_id": ["a", "b", "c", "a"],
        "n": [4, 5, 2, 6], "mean": [0.4, -0.3, 0.9, 0.1], "ci_low": [0.2, -0.5, 0.8, -0.1],
        "ci_high": [0.6, -0.1, 1.0, 0.3]})
    story = describe_topic_document_tone(table, DOCUMENTS, min_n=3)
    care = story.facts["per_topic"][0]
    assert care["warmest"]["doc_id"] == "a" and care["coolest"]["doc_id"] == "b"  # c: n < 3
    assert story.facts["per_topic"][1]["warmest"] is None
    assert story.facts["n_cells"] == 3 and story.facts["n_cells_excluding_zero"] == 2
    assert "2 of the 3 theme-in-document intervals exclude zero" in story.text
    assert "only *Alpha &lt;script" in story.text
    _no_markup(story.text)
    none = describe_topic_document_tone(table.assign(ci_low=-1.0, ci_high=1.0), min_n=3)
    assert "None of the 3 theme-in-document intervals excludes zero" in none.text
    assert "No theme has 10 or more" in describe_topic_document_tone(table, min_n=10).text


# --- limits and summary ---------------------------------------------------------------------------

def _corpus():
    sentences = _model().assignments_[["doc_id", "sent_id", "text"]]
    return SimpleNamespace(documents=DOCUMENTS, sentences=sentences)


def test_describe_limits_states_sample_stability_and_widest_interval():
    by_doc = _by_doc([("a", 5, 0.3, 0.1, 0.5), ("b", 5, -0.2, -0.6, 0.1),
                      ("c", 5, 0.0, -0.1, 0.1)])
    evaluation = pd.Series({"stability_ari": 0.42})
    story = describe_limits(_corpus(), evaluation, by_doc, n_seeds=3)
    assert story.facts["n_documents"] == 3 and story.facts["n_sentences"] == 15
    assert story.facts["tiny_sample"] is True
    assert story.facts["widest"]["doc_id"] == "b"
    assert story.facts["widest"]["width"] == pytest.approx(0.7)
    assert story.facts["stability_verdict"] == "unstable"
    for stated in ("3 documents and 15 sentences", "tiny sample", "spans 0.70",
                   "over 3 other seeds is 0.42 (unstable)", "narrower than the real uncertainty"):
        assert stated in story.text, stated
    bare = describe_limits(_corpus())
    assert "Topic stability" not in bare.text and bare.facts["stability_ari"] is None


def test_summary_agrees_with_its_parts_and_names_what_excludes_zero():
    tm = _model()
    evaluation = pd.Series({"n_topics": 3, "coherence_npmi": 0.2, "diversity": 1.0,
                            "outlier_share": 0.0, "stability_ari": 0.9})
    by_doc = _by_doc([("a", 5, 0.3, 0.1, 0.5), ("b", 5, -0.2, -0.3, 0.1)])
    table = _topic_tone()
    story = summarize_findings(tm, evaluation, by_doc, table, DOCUMENTS, n_seeds=3)
    assert story.facts["themes"] == describe_topics(tm).facts
    assert story.facts["tone"] == describe_tone(by_doc, DOCUMENTS).facts
    assert story.facts["n_intervals_excluding_zero"] == 1 + 2
    assert "Topics are stable (ARI 0.90); their top terms are coherent (NPMI +0.20)" \
        in story.text
    bottom = story.text.splitlines()[-1]
    assert bottom.startswith("- **Bottom line.** 1 of the 2 essays reads warmer than neutral "
                             "(warmest *Alpha &lt;script")
    assert "and none more critically; the other 1 cannot be told apart from neutral" in bottom
    assert "of the 3 themes, 1 is told warmly (*care*) and 1 critically (*waiting*)" in bottom
    assert "Every essay with its interval: the tone report's table" in bottom
    _no_markup(story.text)
    with_chance = pd.concat([evaluation, pd.Series({"coherence_npmi_chance": -0.6})])
    against = summarize_findings(tm, with_chance, by_doc, table, DOCUMENTS)
    assert ("their top terms are coherent (NPMI +0.20; above chance, −0.60 for random terms "
            "of the same frequencies)") in against.text
    quiet = summarize_findings(tm, evaluation, by_doc.assign(ci_low=-1.0, ci_high=1.0),
                               table.assign(ci_low=-1.0, ci_high=1.0), DOCUMENTS)
    assert quiet.facts["n_intervals_excluding_zero"] == 0
    assert "No essay and no theme has a tone distinguishable from neutral" in quiet.text


def test_narrative_reexports_every_subject_module():
    from convolab.narrative import corpus, findings, scorers, theme_detail, theme_tone, themes, tone

    seen: dict = {}
    for module in (corpus, themes, tone, scorers, theme_tone, theme_detail, findings):
        for name in module.__all__:
            assert name in narrative.__all__
            assert getattr(narrative, name) is getattr(module, name)
            assert seen.setdefault(name, module) is module, f"{name} defined twice"


def test_md_escape_is_applied_to_labels_in_every_theme_narrative():
    tm = _model()
    for story in (describe_topics(tm), describe_topic_evidence(tm),
                  describe_document_topics(tm, DOCUMENTS)):
        assert md_escape(HOSTILE) in story.text or HOSTILE not in str(story.facts)
        _no_markup(story.text)


# --- the notebooks that use these -----------------------------------------------------------------

def _defaults(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign)}


def test_notebooks_share_parameter_names_and_defaults():
    seen: dict = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for name, value in _defaults(path).items():
            assert seen.setdefault(name, value) == value, f"{path.name}: {name} = {value!r}"
    assert {"corpus_path", "unit", "random_state", "embedding", "stability_seeds"} <= set(seen)


@pytest.mark.parametrize("name", ["02-themes.ipynb", "03-tone.ipynb", "04-findings.ipynb"])
def test_markdown_cells_hold_no_numbers(name):
    """Facts are computed: a markdown cell may explain a method but never state a result."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            stated = set(re.findall(r"\d+(?:\.\d+)?", cell.source)) - {"0", "1", "2", "95",
                                                                       "0.05", "100"}
            assert not stated, f"{name}: {stated} in {cell.source[:80]!r}"

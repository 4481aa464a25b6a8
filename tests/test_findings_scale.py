"""Findings that read well at any size: 5, 40 and 300 essays, up to 40 themes.

Synthetic corpora whose answer is known (each theme's true tone, which themes are found in
few documents, which warm theme is warm only on its weakly placed sentences) go through the
real aggregation (:func:`convolab.topic_sentiment`, :func:`convolab.sentiment_by`); every
count, ranking and name the prose states is checked against an independent computation, and no
line lists more than a handful of essays or themes however many there are.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import convolab as cl
from convolab.compare import MIN_DOCUMENTS
from convolab.narrative import (
    confident_topic_tone,
    describe_limits,
    describe_topic_document_tone,
    describe_topic_tone,
    describe_topic_tone_evidence,
    summarize_findings,
    topic_tone_table,
)
from convolab.narrative.theme_tone import CONFIDENT, MAX_NAMED
from convolab.narrative.wording import md_escape
from convolab.sentiment import topic_document_tone

HOSTILE = "<script>alert(1)</script>"
#: No line of prose names more essays or themes than this, at any corpus size.
MAX_PER_LINE = 12
N_BOOT = 400  # enough for the intervals of these clear-cut corpora, and fast


def _corpus(n_docs: int, n_themes: int, seed: int = 0, sentences: int = 16):
    """``n_docs`` essays over ``n_themes`` subject themes, two styles and a remainder.

    Theme tones run evenly from −0.35 to +0.35. The last fifth of the themes (at least one)
    are found only in the first three essays. Theme ``soft`` is warm on its weakly placed
    sentences (probability below 0.5) and critical on its confident ones.
    """
    rng = np.random.default_rng(seed)
    kinds = ["subject"] * n_themes + ["style", "style", "mixed"]
    tones = np.r_[np.linspace(-0.35, 0.35, n_themes), 0.0, 0.0, 0.0]
    n_small = max(1, n_themes // 5)
    small = list(range(n_themes - n_small - 1, n_themes - 1))  # the warmest stays large
    common = [t for t in range(len(kinds)) if t not in small]
    soft = common[len(common) // 2]
    rows = []
    for d in range(n_docs):
        effect = rng.normal(0, 0.25)
        for s in range(sentences):
            # The first three essays hold every small theme; the others only the common ones.
            t = small[(s + 3 * d) % n_small] if d < 3 and s < sentences // 2 else \
                int(rng.choice(common))
            if rng.random() < 0.03:
                t = -1  # a few outliers, as a model keeping them (reduce_outliers=False) has
            p = float(rng.beta(2, 2)) if t != -1 else 0.0
            tone = 0.0 if t == -1 else tones[t] if t != soft else (0.8 if p < CONFIDENT else -0.3)
            rows.append({"doc_id": f"d{d:03d}", "para_id": s // 4, "sent_id": s,
                         "text": f"sentence {s} of d{d:03d}", "topic": t, "probability": p,
                         "sentiment": float(np.clip(tone + effect + rng.normal(0, 0.3), -1, 1))})
    frame = pd.DataFrame(rows)
    frame["unit_id"] = frame["doc_id"] + ":s" + frame["sent_id"].astype(str)
    frame["similarity"] = 0.3 + frame["probability"] / 2
    labels = [f"theme{t:02d} {'words ' * 12 if t == 0 else ''}" for t in range(len(kinds))]
    labels[1] = f"theme01 {HOSTILE}"
    sizes = frame["topic"].value_counts()
    topics = pd.DataFrame({
        "topic": range(len(kinds)), "label": [x.strip() for x in labels], "kind": kinds,
        "size": [int(sizes.get(t, 0)) for t in range(len(kinds))],
        "share": [sizes.get(t, 0) / len(frame) for t in range(len(kinds))],
        "n_documents": [frame.loc[frame.topic == t, "doc_id"].nunique()
                        for t in range(len(kinds))], "terms": "x, y"})
    titles = [f"Essay {d} on a long and winding subject that goes on and on past sixty chars"
              if d % 7 == 0 else f"Essay {d:03d}" for d in range(n_docs)]
    titles[min(1, n_docs - 1)] = f"Essay 001 {HOSTILE}"
    documents = pd.DataFrame({"doc_id": [f"d{d:03d}" for d in range(n_docs)], "title": titles})
    assignments = frame[["unit_id", "doc_id", "para_id", "sent_id", "text", "topic",
                         "probability", "similarity"]]
    tm = SimpleNamespace(topics_=topics, assignments_=assignments, unit="sentence",
                         representatives_=pd.DataFrame(), topic_terms_=pd.DataFrame(),
                         clustering_="synthetic")
    scores = frame[["doc_id", "para_id", "sent_id", "text", "sentiment"]].assign(flag="ok")
    topic_tone = cl.topic_sentiment(tm, scores, n_boot=N_BOOT)
    confident = confident_topic_tone(tm, scores)
    by_doc = cl.sentiment_by(scores, by="doc_id", n_boot=N_BOOT)
    return SimpleNamespace(tm=tm, scores=scores, topic_tone=topic_tone, confident=confident,
                           by_doc=by_doc, documents=documents, soft=soft, small=small,
                           n_themes=n_themes, n_docs=n_docs)


@pytest.fixture(scope="module", params=[(5, 4), (40, 12), (300, 40)], ids=lambda p: f"{p[0]}docs")
def case(request):
    return _corpus(*request.param)


@pytest.fixture(scope="module")
def big():
    return _corpus(300, 40)


EVALUATION = pd.Series({"n_topics": 43, "coherence_npmi": 0.05, "diversity": 0.9,
                        "outlier_share": 0.0, "outlier_share_before_reassignment": 0.58,
                        "stability_ari": 0.53})


def _judged(case) -> pd.DataFrame:
    """Independently: the subject themes found in MIN_DOCUMENTS or more documents."""
    kinds = case.tm.topics_.set_index("topic")["kind"]
    t = case.topic_tone[case.topic_tone["topic"] >= 0]
    t = t[t["topic"].map(kinds) == "subject"]
    return t[t["n_docs"] >= MIN_DOCUMENTS]


def _names_in(line: str, names) -> set:
    return {n for n in names if md_escape(n) in line or md_escape(n[:40]) in line}


def _doc_names(case):
    return [re.sub(r"\s+", " ", t) for t in case.documents["title"]]


def _theme_names(case):
    return case.tm.topics_["label"].tolist()


def _no_line_lists_many(case, text: str) -> None:
    for line in text.splitlines():
        # "Essay 010" is not "Essay 01": compare whole labels or their cut start.
        docs = {n for n in _doc_names(case) if re.search(re.escape(md_escape(n[:40])) + r"(?!\d)",
                                                          line)}
        themes = {n for n in _theme_names(case)
                  if re.search(re.escape(md_escape(n[:40])) + r"(?!\d)", line)}
        assert len(docs) <= MAX_PER_LINE, (len(docs), line[:200])
        assert len(themes) <= MAX_PER_LINE + 3, (len(themes), line[:200])


# --- the ranking covers every subject theme ----------------------------------------------------

def test_every_subject_theme_is_ranked_and_the_counts_add_up(case):
    story = describe_topic_tone(case.topic_tone, case.documents, confident=case.confident)
    f = story.facts
    judged = _judged(case)
    assert f["n_topics"] == case.n_themes
    assert sorted(f["not_ranked"]) == sorted(case.tm.topics_.loc[
        case.tm.topics_["kind"] != "subject", "label"])
    assert f["n_judged"] == len(judged)
    assert f["n_above_zero"] + f["n_below_zero"] + f["n_include_zero"] \
        + f["n_without_interval"] + f["n_few_documents"] == f["n_topics"]
    above = judged[judged["ci_low"] > 0].sort_values(["mean", "topic"], ascending=[False, True])
    below = judged[judged["ci_high"] < 0].sort_values(["mean", "topic"])
    assert f["above_zero"] == above["label"].tolist()
    assert f["below_zero"] == below["label"].tolist()
    if len(judged):  # the warmest and most critical are named among themes with enough documents
        assert f["warmest"]["topic"] == judged.sort_values(
            ["mean", "topic"], ascending=[False, True])["topic"].iloc[0]
        assert f["most_critical"]["topic"] == judged.sort_values(["mean", "topic"])["topic"].iloc[0]
        assert f["warmest"]["n_docs"] >= MIN_DOCUMENTS
    for count in (f["n_above_zero"], f["n_below_zero"]):
        if count > MAX_NAMED:
            assert f"and {count - MAX_NAMED} more" in story.text
    assert len(f["named"]) <= 2 + 7 * MAX_NAMED
    assert _names_in(story.text, _theme_names(case)) <= set(f["named"])
    _no_line_lists_many(case, story.text)


def test_themes_in_too_few_documents_are_counted_not_judged(case):
    story = describe_topic_tone(case.topic_tone, case.documents)
    few = case.topic_tone[(case.topic_tone["topic"] >= 0) & (case.topic_tone["n_docs"]
                                                                < MIN_DOCUMENTS)]
    few = few[few["topic"] < case.n_themes]
    assert story.facts["n_few_documents"] == len(few) > 0
    assert set(story.facts["few_documents"]) == set(few["label"])
    assert set(story.facts["few_documents"]).isdisjoint(
        story.facts["above_zero"] + story.facts["below_zero"])
    assert f"found in fewer than {MIN_DOCUMENTS} documents" in story.text
    if case.n_docs < MIN_DOCUMENTS:
        assert story.facts["n_judged"] == 0
        assert story.text.startswith(f"No theme is found in {MIN_DOCUMENTS} or more documents")
        assert "told warmly" not in story.text


def test_the_minimum_is_not_hard_coded(big):
    loose = describe_topic_tone(big.topic_tone, min_documents=2)
    assert loose.facts["n_few_documents"] < describe_topic_tone(big.topic_tone).facts[
        "n_few_documents"]
    assert loose.facts["min_documents"] == 2
    limits = describe_limits(SimpleNamespace(documents=big.documents, sentences=big.scores),
                             min_documents=7)
    assert "rests on fewer than 7 documents" in limits.text


# --- soft borders ---------------------------------------------------------------------------------

def test_confident_tone_is_the_tone_of_confidently_placed_sentences(big):
    placed = big.tm.assignments_[big.tm.assignments_["probability"] >= CONFIDENT]
    joined = big.scores.merge(placed[["doc_id", "sent_id", "topic"]], on=["doc_id", "sent_id"])
    expected = joined.groupby("topic")["sentiment"].agg(["mean", "size"])
    got = big.confident.set_index("topic")
    assert got["mean"].to_numpy() == pytest.approx(expected["mean"].to_numpy())
    assert (got["n"] == expected["size"]).all()


def test_each_warm_or_critical_theme_says_whether_it_holds_on_confident_sentences(big):
    table = topic_tone_table(big.topic_tone, big.confident)
    assert set(table["topic"]) == set(big.topic_tone["topic"]) - {-1}
    soft = table.set_index("topic").loc[big.soft]
    assert soft["side"] == "above" and soft["confident_mean"] < 0 and soft["check"] == "reverses"
    for _, r in table.iterrows():  # independently: the confident interval's side
        if r["side"] not in ("above", "below"):
            assert not isinstance(r["check"], str)
            continue
        sign = 1 if r["side"] == "above" else -1
        if r["confident_n_docs"] < MIN_DOCUMENTS:
            assert r["check"] == "untested"
        elif sign * r["confident_ci_low" if sign > 0 else "confident_ci_high"] > 0:
            assert r["check"] == "holds"
        else:
            assert r["check"] == ("weakens" if sign * r["confident_mean"] > 0 else "reverses")
    story = describe_topic_tone(big.topic_tone, big.documents, confident=big.confident)
    soft_facts = story.facts["soft_borders"]
    claims = table[table["side"].isin(["above", "below"]) & (table["kind"] == "subject")]
    assert soft_facts["n_claims"] == len(claims)
    assert soft_facts["n_holds"] == int((claims["check"] == "holds").sum())
    assert big.tm.topics_.loc[big.soft, "label"] in soft_facts["reverses"]
    assert "turn" in story.text and "to the other side of zero" in story.text
    ranked = table[table["kind"] == "subject"]  # the share is of the subject themes' sentences
    assert soft_facts["share_confident"] == pytest.approx(ranked["n_confident"].sum()
                                                          / ranked["n"].sum())
    assert f"{soft_facts['share_confident']:.0%} of the themes' sentences" in story.text


# --- summary and bottom line ---------------------------------------------------------------------

def test_bottom_line_counts_and_names_a_few(case):
    story = summarize_findings(case.tm, EVALUATION, case.by_doc, case.topic_tone,
                               case.documents, n_seeds=3, confident=case.confident,
                               links={"essays": "tables/04-findings-tone-by-essay.csv",
                                      "themes": "tables/04-findings-tone-by-theme.csv"})
    essays = story.facts["essays"]
    above = case.by_doc[case.by_doc["ci_low"] > 0].sort_values("mean", ascending=False)
    below = case.by_doc[case.by_doc["ci_high"] < 0].sort_values("mean")
    assert essays["n_above_zero"] == len(above) == story.facts["tone"]["n_above_zero"]
    assert essays["n_below_zero"] == len(below) == story.facts["tone"]["n_below_zero"]
    assert essays["n_include_zero"] + len(above) + len(below) == case.n_docs
    assert [e["doc_id"] for e in essays["warmest"]] == above["doc_id"].tolist()[:MAX_NAMED]
    assert [e["doc_id"] for e in essays["most_critical"]] == below["doc_id"].tolist()[:MAX_NAMED]
    judged = _judged(case)
    assert story.facts["n_intervals_excluding_zero"] == len(above) + len(below) + int(
        (judged["ci_low"] > 0).sum() + (judged["ci_high"] < 0).sum())
    bottom = next(x for x in story.text.splitlines() if x.startswith("- **Bottom line.**"))
    named_docs = {n for n in _doc_names(case)
                  if re.search(re.escape(md_escape(n[:40])) + r"(?!\d)", bottom)}
    assert len(named_docs) <= 2 * MAX_NAMED
    assert "[tables/04-findings-tone-by-essay.csv](tables/04-findings-tone-by-essay.csv)" \
        in bottom
    if len(above) > MAX_NAMED:
        assert f"and {len(above) - MAX_NAMED} more" in bottom
    if len(above) or len(below):
        assert f"of the {case.n_docs} essays" in bottom
    if case.n_docs < MIN_DOCUMENTS:
        assert f"no theme is found in {MIN_DOCUMENTS} or more documents" in bottom
    else:
        assert f"of the {len(judged)} themes found in {MIN_DOCUMENTS} or more documents" \
            in bottom
        soft = story.facts["topic_tone"]["soft_borders"]
        if soft["n_claims"]:
            assert f"{soft['n_holds']} of these {soft['n_claims']} keep their side" in bottom
    _no_line_lists_many(case, story.text)


def test_the_full_tables_go_beside_the_report_and_the_bottom_line_links_them(big, tmp_path):
    from convolab.narrative import show_table

    themes = show_table(topic_tone_table(big.topic_tone, big.confident).round(3),
                        "tone-by-theme", notebook="04-findings", report_dir=tmp_path,
                        keep="ends", rows="themes")
    written = pd.read_csv(themes.path)
    assert len(written) == themes.n_rows == (big.topic_tone["topic"] != -1).sum()
    assert themes.n_hidden == themes.n_rows - 20
    story = summarize_findings(big.tm, EVALUATION, big.by_doc, big.topic_tone, big.documents,
                               confident=big.confident, links={"themes": themes.link})
    assert f"every theme: [{themes.link}]({themes.link})" in story.text
    assert "Every essay with its interval: the tone report's table" in story.text


def test_the_big_case_reads_as_a_summary(big):
    story = summarize_findings(big.tm, EVALUATION, big.by_doc, big.topic_tone, big.documents,
                               n_seeds=3, confident=big.confident)
    assert len(story.text) < 2500
    assert "58% of the sentences were first left in no topic" in story.text
    themes = story.facts["topic_tone"]
    assert themes["n_topics"] == 40 and themes["n_above_zero"] > MAX_NAMED
    assert "the tone report's table" in story.text  # no link without a report folder
    assert HOSTILE not in story.text


# --- every other list ------------------------------------------------------------------------------

def test_evidence_quotes_the_extremes_and_leaves_the_rest_to_the_table(case):
    story = describe_topic_tone_evidence(case.topic_tone, case.documents,
                                         confident=case.confident, max_topics=10)
    themes = case.topic_tone[case.topic_tone["topic"] >= 0]
    quoted = [t["topic"] for t in story.facts["topics"] if t["topic"] >= 0]
    assert story.facts["n_topics"] == len(themes)
    assert len(quoted) <= 10
    assert story.facts["n_not_listed"] == len(themes) - len(quoted)
    if len(themes) > 10:  # the judged subject themes are quoted, warmest and most critical
        claims = topic_tone_table(case.topic_tone)
        judged = claims[(claims["kind"] == "subject") & (claims["side"] != "few")]
        pool = themes[themes["topic"].isin(judged["topic"])] if len(judged) else themes
        ranked = pool.sort_values(["mean", "topic"], ascending=[False, True])["topic"]
        assert quoted == (ranked.head(5).tolist() + ranked.tail(5).tolist()
                          if len(ranked) > 10 else ranked.tolist())
        assert f"the other {story.facts['n_not_listed']} of the {len(themes)} topics are in " \
               "the table of every theme" in story.text
    else:
        assert quoted == themes["topic"].tolist()
    by_topic = case.topic_tone.set_index("topic")
    for t in story.facts["topics"]:
        r = by_topic.loc[t["topic"]]
        assert t["mean"] == r["mean"] and t["n_docs"] == r["n_docs"]
        assert (t["side"] == "few") == (r["n_docs"] < MIN_DOCUMENTS)
    _no_line_lists_many(case, story.text)


def test_theme_by_essay_prose_is_capped(case):
    table = topic_document_tone(case.tm, case.scores)
    story = describe_topic_document_tone(table, case.documents, max_topics=10)
    lines = [x for x in story.text.splitlines() if x.startswith("- *")]
    assert len(lines) == len(story.facts["listed"]) <= 10
    assert set(story.facts["per_topic"]) == set(table.loc[table["n"] >= 3, "topic"])
    k = story.facts["n_cells_excluding_zero"]
    if k:
        assert f"{k} of the {story.facts['n_cells']} theme-in-document intervals" in story.text
    _no_line_lists_many(case, story.text)


def test_limits_state_the_minimum_and_the_soft_borders(case):
    corpus = SimpleNamespace(documents=case.documents, sentences=case.scores)
    story = describe_limits(corpus, EVALUATION, case.by_doc, n_seeds=3)
    assert story.facts["min_documents"] == MIN_DOCUMENTS
    assert f"rests on fewer than {MIN_DOCUMENTS} documents" in story.text
    assert story.facts["tiny_sample"] == (case.n_docs < MIN_DOCUMENTS)
    assert ("no theme, group or period reaches that here" in story.text) == story.facts[
        "tiny_sample"]
    assert story.facts["outlier_share_before_reassignment"] == 0.58
    assert "first left 58% of the units in no topic" in story.text

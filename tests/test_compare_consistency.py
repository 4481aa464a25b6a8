"""The comparison report never contradicts itself, and no statement in it rests on a small group.

:func:`report_contradictions` reads a rendered report — the Markdown of the ``describe_*``
narratives, or the HTML of ``05-compare`` — and lists every pair of statements that cannot
both be true: "Groups are compared by X" beside "No group comparison is made", a comparison
over time beside "nothing is compared over time", a significant difference involving a group
or period of fewer than ``MIN_DOCUMENTS`` documents, a size bar lower than ``MIN_DOCUMENTS``.
A slow real-text test can call it on the rendered ``05-compare`` HTML::

    from test_compare_consistency import report_contradictions
    assert report_contradictions(html) == []

The tests below render the narratives the way the notebook does for several synthetic
document frames (one usable column; only id-like columns; a numeric age; tiny groups and a
thin year; no metadata; a ``group_by`` that names nothing) and check each report.
"""

from __future__ import annotations

import html as html_module
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import convolab as cl
from convolab.compare import MIN_DOCUMENTS
from convolab.narrative import (
    choose_group_by,
    describe_comparison,
    describe_comparison_limits,
    describe_comparison_scope,
    describe_no_comparison,
    describe_no_time,
    describe_over_time,
    group_by_problem,
)

# --- the check ------------------------------------------------------------------------------------

_GROUPS_MADE = re.compile(r"Groups are compared by ([^:.]+?):|Documents grouped by ([^:.]+?):")
_NO_GROUPS = re.compile(r"No group comparison is made|cannot be compared by|which cannot be "
                        r"used|no column \S+ to group them by")
_TIME_MADE = re.compile(r"Documents per (?:year|quarter|month|period) of their date:")
_NO_TIME = re.compile(r"nothing is compared over time")
# "female (408)", "2002 (14 documents)", "age band 13–17 (199 documents)".
_SIZE = re.compile(r"([^,:;()\n]+?) \((\d+)(?: documents?)?\)")
_SHARE = re.compile(r"takes [\d.]+% of (.+?)'s \w+ against [\d.]+% of (.+?)'s")
_TONE = re.compile(r"(?:Overall tone|Tone within .+?): (.+?) is warmer than (.+?), mean")
_BAR = re.compile(r"fewer than (\d+) documents(?! in each)|needs? (\d+) or more documents|"
                  r"(\d+) or more documents each")


def _plain(report) -> str:
    """Text of a report: HTML (tags dropped), Markdown (emphasis and escapes dropped), or
    Narratives / strings (joined)."""
    if not isinstance(report, str):
        report = "\n\n".join(getattr(part, "text", str(part)) for part in report)
    if re.search(r"</(?:p|li|div|h\d)>", report):
        from bs4 import BeautifulSoup

        report = BeautifulSoup(report, "html.parser").get_text("\n")
    else:
        report = re.sub(r"\\(.)", r"\1", report).replace("**", "").replace("*", "")
    return html_module.unescape(report)


def _group_size(who: str, sizes: dict) -> int | None:
    """The stated size of the group a difference names (``author A``, ``2002``): the longest
    name it ends with."""
    who = who.strip()
    names = [n for n in sizes if who == n or who.endswith(" " + n)]
    return sizes[max(names, key=len)] if names else None


def report_contradictions(report, *, min_docs: int = MIN_DOCUMENTS) -> list[str]:
    """Statements of a comparison report that contradict each other or rest on a small group.

    Parameters
    ----------
    report : str or iterable of Narrative / str
        Markdown of the compare narratives, or the HTML of the rendered ``05-compare`` report.
    min_docs : int
        Documents a group or period needs before anything is stated about it.

    Returns
    -------
    list of str
        One line per problem; empty when the report is consistent.
    """
    text = _plain(report)
    problems = []
    made = [next(g for g in m.groups() if g) for m in _GROUPS_MADE.finditer(text)]
    if made and _NO_GROUPS.search(text):
        problems.append(f"groups compared by {made[0]!r} and also 'no group comparison' "
                        f"({_NO_GROUPS.search(text).group(0)!r})")
    if len({m.strip() for m in made}) > 1:
        problems.append(f"groups compared by more than one column: {sorted(set(made))}")
    if _TIME_MADE.search(text) and _NO_TIME.search(text):
        problems.append("a comparison over time and 'nothing is compared over time'")
    for m in _BAR.finditer(text):
        bar = int(next(g for g in m.groups() if g))
        if bar < min_docs:
            problems.append(f"a size bar below {min_docs}: {m.group(0)!r}")
    # Sizes as stated so far (the latest statement of a name wins): each difference is checked
    # against the sizes its own section stated just before it.
    sizes: dict = {}
    for line in text.splitlines():
        for name, n in _SIZE.findall(line):
            name = re.sub(r"^(?:and|or)\s+", "", name.strip())
            sizes[name] = int(n)
        if "adjusted p" not in line:
            continue
        for pattern in (_SHARE, _TONE):
            for pair in pattern.findall(line):
                for who in pair:
                    n = _group_size(who, sizes)
                    if n is None:
                        problems.append(f"a difference names {who!r}, whose size is never "
                                        "stated")
                    elif n < min_docs:
                        problems.append(f"a difference rests on {who!r}, {n} documents "
                                        f"(fewer than {min_docs}): {line.strip()[:120]!r}")
    return problems


# --- synthetic corpora ----------------------------------------------------------------------------

def synthetic(documents: pd.DataFrame, lean: pd.Series, *, seed: int = 0):
    """A fitted-model stand-in and sentence scores for ``documents``: each has 10 sentence
    units, a share ``lean`` of them on topic 0 (banks, critical), the rest on topic 1 (hotels,
    warm)."""
    rng = np.random.default_rng(seed)
    units, scores = [], []
    for doc_id, p in zip(documents["doc_id"], lean):
        for s in range(10):
            topic = int(rng.random() >= p)
            tone = (-0.5 if topic == 0 else 0.5) + rng.normal(0, 0.2)
            units.append({"unit_id": f"{doc_id}:s{s}", "doc_id": doc_id, "para_id": 0,
                          "sent_id": s, "topic": topic})
            scores.append({"doc_id": doc_id, "para_id": 0, "sent_id": s, "text": f"s{s}",
                           "sentiment": float(np.clip(tone, -1, 1)), "flag": "ok"})
    tm = SimpleNamespace(unit="sentence", assignments_=pd.DataFrame(units),
                         topics_=pd.DataFrame({"topic": [0, 1], "label": ["banks", "hotels"]}))
    return tm, pd.DataFrame(scores)


def render(documents, tm, scores, *, group_by=None, time_freq="YS", min_docs=MIN_DOCUMENTS):
    """The compare narratives in the notebook's order, with its choices and fallbacks."""
    kw = {"n_permutations": 199, "n_boot": 99, "min_docs": min_docs}
    group_column = choose_group_by(documents, group_by, min_docs=min_docs)
    parts = [describe_comparison_scope(documents, group_column, time_freq, group_by=group_by,
                                       min_docs=min_docs, period_min_docs=min_docs)]
    try:
        by_group = cl.compare(tm, scores, documents, by=group_column, **kw) \
            if group_column is not None else None
    except ValueError:
        by_group = None
    if by_group is None:
        parts.append(describe_no_comparison(documents, group_by, min_docs=min_docs))
    else:
        parts += [describe_comparison(by_group, measure="share", unit="sentences",
                                      n_permutations=199),
                  describe_comparison(by_group, measure="tone", n_permutations=199)]
    try:
        by_time = cl.over_time(tm, scores, documents, freq=time_freq, **kw) \
            if time_freq is not None else None
    except ValueError:
        by_time = None
    parts.append(describe_no_time(documents, time_freq, min_docs=min_docs) if by_time is None
                 else describe_over_time(by_time, unit="sentences", n_permutations=199))
    parts.append(describe_comparison_limits(by_group, by_time, n_permutations=199))
    return parts, by_group, by_time


def _frame(n, **columns) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(n)], "text": "x", **columns})


def _frames() -> dict:
    rng = np.random.default_rng(0)
    n = 48
    # Women write about banks, men about hotels; one tiny source writes only about banks.
    gender = np.array(["female", "male"] * (n // 2))
    lean = pd.Series(np.where(gender == "female", 0.85, 0.15))
    dates = ["2001-06-01"] * 3 + [f"{2003 + i % 2}-03-01" for i in range(n - 3)]
    return {
        "one usable column": (_frame(n, gender=gender, author=[f"a{i}" for i in range(n)],
                                     date=dates), lean, None),
        "only id-like columns": (_frame(n, author=[str(900000 + i) for i in range(n)],
                                        url=[f"u{i}" for i in range(n)]), lean, None),
        "numeric age": (_frame(n, age=[str(a) for a in rng.integers(13, 48, n)]),
                        pd.Series(rng.random(n)), None),
        # Big groups A/B; C (3 documents) all banks; D (2); unknowns. A thin, odd year.
        "tiny groups": (_frame(n, source=["A"] * 20 + ["B"] * 20 + ["C"] * 3 + ["D"] * 2
                               + ["indUnk"] * 3, date=dates),
                        pd.Series([0.5] * 40 + [1.0] * 3 + [0.5] * 5), None),
        "group_by with tiny groups": (_frame(n, source=["A"] * 20 + ["B"] * 20 + ["C"] * 3
                                             + ["D"] * 5, gender=gender),
                                      pd.Series([0.5] * 40 + [1.0] * 3 + [0.5] * 5), "source"),
        "no metadata": (_frame(n), lean, None),
        "group_by names nothing": (_frame(n, gender=gender), lean, "region"),
        "seed-like": (_frame(5, author=["Ann", "Bo", None, "Cy", "Cy"],
                             date=["2007-05-17", None, None, None, "2024-11-22"]),
                      pd.Series([0.5] * 5), None),
    }


FRAMES = _frames()


@pytest.mark.parametrize("name", list(FRAMES))
def test_no_report_contradicts_itself(name):
    documents, lean, group_by = FRAMES[name]
    tm, scores = synthetic(documents, lean)
    parts, by_group, by_time = render(documents, tm, scores, group_by=group_by)
    assert report_contradictions(parts) == [], "\n\n".join(p.text for p in parts)
    text = "\n\n".join(p.text for p in parts)
    # Groups are said to be compared exactly when they are.
    assert ("Groups are compared by" in text) == (by_group is not None)
    assert ("Documents per year of their date" in text) == (by_time is not None)
    for result in (by_group, by_time):
        if result is not None:
            tested = result.groups[result.groups["enough"]]
            assert (tested["n_docs"] >= MIN_DOCUMENTS).all()


def test_the_expected_column_is_compared_in_each_frame():
    chosen = {name: choose_group_by(documents, group_by)
              for name, (documents, _, group_by) in FRAMES.items()}
    assert chosen == {"one usable column": "gender", "only id-like columns": None,
                      "numeric age": "age band", "tiny groups": "source",
                      "group_by with tiny groups": "source", "no metadata": None,
                      "group_by names nothing": "region", "seed-like": None}


@pytest.mark.parametrize("name", list(FRAMES))
def test_scope_and_compare_agree_on_every_column(name):
    documents, lean, _ = FRAMES[name]
    tm, scores = synthetic(documents, lean)
    for by in [*documents.columns, "age band", "region"]:
        problem = group_by_problem(documents, by)
        try:
            cl.compare(tm, scores, documents, by=by, n_permutations=19, n_boot=9)
            works = True
        except ValueError:
            works = False
        assert works == (problem is None), (by, problem)


def test_the_check_catches_what_the_old_rule_said():
    documents, lean, _ = FRAMES["tiny groups"]
    tm, scores = synthetic(documents, lean)
    # The bar lowered to 2, as before: the tiny source C (3 documents, all banks) and the
    # three-post year get stated; checked against MIN_DOCUMENTS, that is a contradiction.
    parts, by_group, _ = render(documents, tm, scores, group_by="source", min_docs=2)
    assert by_group.groups["enough"].all()
    problems = report_contradictions(parts)
    assert any("fewer than 10" in p and "rests on" in p for p in problems), problems
    assert any("size bar below 10" in p for p in problems), problems
    # With the default bar the same corpus reports C and D as too small, and no contradiction.
    parts, by_group, _ = render(documents, tm, scores, group_by="source")
    text = "\n".join(p.text for p in parts)
    assert "left out, not tested: *C* (3 documents) and *D* (2 documents)" in text
    assert report_contradictions(parts) == []


@pytest.mark.parametrize("report, found", [
    ("Groups are compared by *author*: *a* (2). No group comparison is made for these 5 "
     "documents.", "also 'no group comparison'"),
    ("Documents per year of their date: 2019 (12 documents). Nothing; so nothing is compared "
     "over time.", "over time"),
    ("Documents grouped by *author*: *A* (12 documents) and *B* (3 documents).\n- "
     "**Overall tone**: author *B* is warmer than author *A*, mean +0.40 against −0.20: a "
     "difference (adjusted p = 0.010).", "rests on 'author B', 3 documents"),
    ("- **Overall tone**: author *X* is warmer than author *A*, mean 0.1 (adjusted p = 0.01).",
     "never stated"),
    ("<p>Groups are compared by <em>gender</em>: <em>female</em> (20 documents)</p>"
     "<p>Documents grouped by <em>source</em>: <em>a</em> (20 documents)</p>",
     "more than one column"),
    ("1 year has fewer than 2 documents (2020 (1)): not estimated.", "size bar below 10"),
])
def test_the_check_finds_each_kind_of_contradiction(report, found):
    problems = report_contradictions(report)
    assert any(found in p for p in problems), problems


def test_the_check_passes_a_consistent_html_report():
    page = ("<h2>What is compared</h2><p>Groups are compared by <em>gender</em>: "
            "<em>female</em> (40 documents) and <em>male</em> (38 documents).</p>"
            "<p>Documents grouped by <em>gender</em>: <em>female</em> (40 documents) and "
            "<em>male</em> (38 documents).</p><ul><li><strong>Overall tone</strong>: gender "
            "<em>male</em> is warmer than gender <em>female</em>, mean +0.20 against "
            "&minus;0.10: a difference (adjusted p &lt; 0.001).</li></ul>"
            "<p>With two groups of equal size, fewer than 4 documents in each leave too few "
            "relabellings.</p>")
    assert report_contradictions(page) == []

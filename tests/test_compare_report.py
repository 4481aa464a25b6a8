"""The comparison report: its prose states exactly the differences the tests find, its figures
stay readable and inert, and notebooks/05-compare.ipynb renders on a corpus built so that the
answer is known (two authors, one writing critically about banks, the other warmly about
hotels)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from test_compare import known_answer

import convolab as cl
from convolab import narrative
from convolab.narrative import (
    choose_group_by,
    comparison_sizes,
    describe_comparison,
    describe_comparison_limits,
    describe_comparison_scope,
    describe_no_comparison,
    describe_no_time,
    describe_over_time,
    md_escape,
    smallest_p,
)
from convolab.plots import plot_group_shares, plot_group_sizes, plot_group_tone, plot_over_time

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<b>$5 & $10</b>"


# --- a corpus whose answer is known --------------------------------------------------------------

OPENERS = ["Last month", "Once again", "This spring", "In March", "Yesterday", "Two weeks ago",
           "As usual", "Early on Monday", "Just before the holidays", "On Friday afternoon"]
BANKS = (["My bank", "The branch on the high street", "The bank's call centre",
          "Our savings bank", "The mortgage department", "The bank's mobile app",
          "The loans officer", "The bank manager"],
         ["charged me a hidden fee that nobody had ever explained",
          "lost my paperwork and then blamed me for the delay",
          "kept me on hold for an hour before the line went dead",
          "froze my account without warning and without an apology",
          "raised the interest rate on my overdraft yet again",
          "refused to correct an obvious mistake on my statement",
          "sent a rude letter demanding money I did not owe",
          "closed early and left a long queue of angry customers outside",
          "made opening a simple savings account a miserable ordeal",
          "made it impossible to pay a simple bill online",
          "ignored three complaints about the same wrong charge",
          "approved the loan weeks late and on worse terms"],
         ["Bank fees are unfair and they hurt the people with the least money.",
          "I am tired of banks that treat loyal customers as a nuisance.",
          "The interest on savings is pitiful while the charges keep growing.",
          "Every visit to the bank leaves me angry and frustrated.",
          "Nobody at the bank seems to care whether a customer is treated fairly.",
          "Banks promise good service, but the reality is awful.",
          "The small print on every bank account hides another penalty.",
          "It is a disgrace that a bank can lose a customer's money and shrug."])
HOTELS = (["The hotel by the harbour", "Our small family hotel", "The receptionist at the hotel",
           "The hotel's restaurant", "The housekeeping staff", "The hotel in the old town",
           "The night porter", "The hotel owner"],
          ["welcomed us with a warm smile and fresh coffee",
           "gave us a lovely room with a wonderful view of the sea",
           "kept everything spotless and beautifully arranged",
           "served the best breakfast we have enjoyed in years",
           "remembered our names and made us feel at home",
           "found us a quiet room when the street outside was noisy",
           "offered friendly advice about the walks along the coast",
           "turned our anniversary into a delightful surprise",
           "left fresh flowers and a kind note in our room",
           "helped with our luggage cheerfully late at night",
           "recommended a charming little restaurant by the river",
           "made the whole stay relaxed, comfortable and happy"],
          ["A good hotel makes any trip a pleasure.",
           "I love hotels where the staff are genuinely kind.",
           "The best hotels feel like a second home.",
           "Every morning at the hotel started with a smile.",
           "We left the hotel rested, grateful and already planning to return.",
           "Small hotels with caring owners are a real joy.",
           "A comfortable bed and a friendly welcome are worth more than luxury.",
           "Staying at a well run hotel is one of travel's great pleasures."])
AUTHORS = {"Ada Brennan": BANKS, "Tom Wilde": HOTELS}
N_PER_AUTHOR = 12


def _essay(rng: random.Random, subjects, actions, remarks) -> str:
    paragraphs = []
    for _ in range(3):
        sentences = []
        for _ in range(2):
            subject = rng.choice(subjects)
            sentences.append(f"{rng.choice(OPENERS)}, {subject[0].lower()}{subject[1:]} "
                             f"{rng.choice(actions)}.")
        sentences.insert(rng.randrange(3), rng.choice(remarks))
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def write_two_authors(folder: Path, *, seed: int = 0) -> Path:
    """24 essays over 2019 and 2020: one author on banks, critically; one on hotels, warmly."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file,title,author,date"]
    for a, (author, pools) in enumerate(AUTHORS.items()):
        for i in range(N_PER_AUTHOR):
            name = f"{author.split()[1].lower()}-{i:02d}.txt"
            (folder / name).write_text(_essay(rng, *pools), encoding="utf-8")
            date = f"{2019 + i % 2}-{1 + i // 2 + a:02d}-{10 + i:02d}"
            rows.append(f"{name},Notes {i + 1},{author},{date}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


# --- narrative: what differs ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def known():
    tm, scores, documents = known_answer()
    return tm, scores, documents, cl.compare(tm, scores, documents, by="author",
                                             n_permutations=999)


def _bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_states_exactly_the_significant_differences(known):
    *_, result = known
    story = describe_comparison(result, unit="sentences", n_permutations=999)
    significant = result.significant()
    assert story.facts["n_significant"] == len(significant) == 3
    assert len(_bullets(story.text)) == 3
    stated = {(d["measure"], d["topic"]) for d in story.facts["differences"]}
    assert stated == {("share", 0), ("share", 1), ("tone", None)}
    for d in story.facts["differences"]:
        test = result.tests[(result.tests["measure"] == d["measure"].split()[-1])
                            & (result.tests["topic"].isna() if d["topic"] is None
                               else result.tests["topic"] == d["topic"])].iloc[0]
        assert d["p_adjusted"] == pytest.approx(test["p_adjusted"]) and d["p_adjusted"] < 0.05
        assert d["effect"] == pytest.approx(d["higher_value"] - d["lower_value"])
        assert d["effect_low"] <= d["effect"] <= d["effect_high"]
    banks = next(d for d in story.facts["differences"] if d["topic"] == 0)
    assert (banks["higher"], banks["lower"]) == ("A", "B")
    assert banks["higher_value"] == pytest.approx(0.8) and banks["effect"] == pytest.approx(0.6)
    assert "**banks** takes 80% of author *A*'s sentences against 20% of author *B*'s" \
        in story.text
    assert "a difference of 60 percentage points (95% CI " in story.text
    tone = next(d for d in story.facts["differences"] if d["measure"] == "tone")
    assert tone["higher"] == "B"
    assert f"a difference of {tone['effect']:.2f} on the −1 to +1 scale" in story.text
    # Within a topic the authors are equally warm: no such claim.
    assert "Tone within" not in story.text
    assert "The other 2 tests find no difference" in story.text


def test_measure_selects_shares_or_tone(known):
    *_, result = known
    shares = describe_comparison(result, measure="share")
    tone = describe_comparison(result, measure="tone")
    assert {d["measure"] for d in shares.facts["differences"]} == {"share"}
    assert [d["measure"] for d in tone.facts["differences"]] == ["tone"]
    assert shares.facts["n_tests"] == 2 and tone.facts["n_tests"] == 3


def test_nothing_differs_says_so_and_why():
    tm, scores, documents = known_answer(authors=["A", "B"] * 12)
    result = cl.compare(tm, scores, documents, by="author", n_permutations=999)
    story = describe_comparison(result, n_permutations=999)
    assert story.facts["n_significant"] == 0 and not story.facts["differences"]
    assert _bullets(story.text) == []
    assert "None of the 5 tests" in story.text and "no difference is established" in story.text
    assert f"{story.facts['smallest_p_adjusted']:.3f}" in story.text
    assert story.facts["can_reach"] and "not shown to be absent" in story.text


def test_too_few_documents_to_reach_significance_is_computed():
    tm, scores, documents = known_answer()
    few = documents[documents["doc_id"].isin(["d00", "d01", "d02", "d21", "d22", "d23"])]
    # min_docs lowered knowingly: by default groups of 3 are listed, not tested.
    result = cl.compare(tm, scores[scores["doc_id"].isin(few["doc_id"])], few, by="author",
                        min_docs=3, n_permutations=999)
    story = describe_comparison(result, n_permutations=999)
    # Three documents per author: C(6, 3) = 20 relabellings, two of which (the swap) give the
    # same statistic, so no p-value can be below 2/20.
    assert (story.facts["n_relabellings"], story.facts["smallest_p_possible"]) == (20, 0.1)
    assert not story.facts["can_reach"] and story.facts["n_significant"] == 0
    assert "only 20 distinct ways" in story.text and "0.100, not below 0.05" in story.text


def test_smallest_p_counts_relabellings_honestly():
    assert smallest_p([2, 5]) == (pytest.approx(1 / 21), 21, True)
    assert smallest_p([2, 2, 2])[:2] == (pytest.approx(6 / 90), 90)
    p, n, exact = smallest_p([12, 12], n_permutations=2000)
    assert not exact and n == 2704156 and p == pytest.approx(1 / 2001)
    limits = describe_comparison_limits(None, None, n_permutations=2000)
    assert limits.facts["needed_per_group"] == 4  # 2/C(8,4) = 0.029; 2/C(6,3) = 0.1
    assert "fewer than 4 documents" in limits.text
    assert "No comparison was made" in limits.text


def test_over_time_names_thin_periods_and_states_differences():
    tm, scores, documents = known_answer()
    # Author A in 2019, author B in 2021, one lone document in 2020: the periods differ.
    documents["date"] = ["2019-05-01"] * 12 + ["2021-05-01"] * 11 + ["2020-05-01"]
    result = cl.over_time(tm, scores, documents, n_permutations=999)
    story = describe_over_time(result, n_permutations=999)
    assert story.facts["periods"] == {"2019": 12, "2020": 1, "2021": 11}
    assert story.facts["thin"] == ["2020"] and story.facts["period_word"] == "year"
    assert "1 year has fewer than 10 documents (2020 (1))" in story.text
    assert story.facts["min_docs"] == 10 and "2020" not in story.facts["groups"]
    assert "gaps, not zeros" in story.text
    assert {(d["measure"], d["topic"]) for d in story.facts["differences"]} == \
        {("share", 0), ("share", 1), ("tone", None)}
    assert "**banks** takes 80% of 2019's units against 20% of 2021's" in story.text


def test_group_names_and_labels_are_escaped(known):
    tm, scores, documents, _ = known
    documents = documents.assign(author=documents["author"].map({"A": HOSTILE, "B": "B"}))
    tm.topics_ = tm.topics_.assign(label=[f"banks {HOSTILE}", "hotels"])
    result = cl.compare(tm, scores, documents, by="author", n_permutations=199)
    text = describe_comparison(result).text
    assert HOSTILE not in text and "<b>" not in text
    assert md_escape(HOSTILE) in text


# --- narrative: what is compared, and why nothing is ----------------------------------------------

def test_skip_wording_names_columns_and_why_none_qualifies():
    documents = pd.DataFrame({"doc_id": list("abcde"), "text": "x",
                              "author": ["Ann", "Bo", "Cy", "Di", None],
                              "source": ["Blog", "Blog", "Paper", None, None],
                              "date": ["2007-05-17", None, None, None, "2024-11-22"]})
    assert choose_group_by(documents) is None
    story = describe_no_comparison(documents)
    assert story.facts["qualifying"] == [] and story.facts["min_docs"] == 10
    assert story.facts["columns"]["author"] == {"by": "author", "verdict": "no two groups",
                                                "n_values": 4, "n_missing": 1, "groups": {}}
    assert "*author*, 4 distinct values, none with 10 or more documents (the largest has 1)" \
        in story.text
    assert "*source*, 2 distinct values, none with 10 or more" in story.text
    assert "None qualifies." in story.text and "date" not in story.facts["columns"]
    # With the bar lowered knowingly, Blog (2) is a group, but the only one.
    lowered = describe_no_comparison(documents, min_docs=2)
    assert lowered.facts["columns"]["source"]["groups"] == {"Blog": 2}
    assert "only one of its 2 values (*Blog*, 2 documents) has 2 or more" in lowered.text
    missing = describe_no_comparison(documents, "region")
    assert missing.facts["missing_column"] and "no column *region*" in missing.text
    unusable = describe_no_comparison(documents, "source")
    assert "cannot be compared by *source*: none of its 2 values has 10" in unusable.text
    time = describe_no_time(documents, "YS")
    assert time.facts["periods"] == {"2007": 1, "2024": 1} and time.facts["n_enough"] == 0
    assert "2 of the 5 documents have a readable date" in time.text
    assert "with 10 or more documents each; none has that many" in time.text
    assert "switched off" in describe_no_time(documents, None).text
    assert "no date" in describe_no_time(documents.drop(columns="date")).text
    assert "not a pandas period alias" in describe_no_time(documents, "fortnightly").text
    bare = describe_no_comparison(documents[["doc_id", "text"]])
    assert "no metadata beyond their text" in bare.text
    scope = describe_comparison_scope(documents, None, "YS")
    assert not scope.facts["compared"] and "compared by" not in scope.text
    assert "no metadata column has two values shared by 10 or more documents" in scope.text
    assert "No year has 10 or more documents, so nothing is compared over time" in scope.text


def test_scope_and_sizes_follow_the_metadata():
    *_, documents = known_answer()
    assert choose_group_by(documents) == "author"           # date is compared over time
    assert choose_group_by(documents, "source") == "source"
    sizes = comparison_sizes(documents, "author", "YS")
    assert sizes[["column", "group", "n_docs"]].values.tolist() == [
        ["author", "A", 12], ["author", "B", 12], ["period", "2019", 12],
        ["period", "2020", 12]]
    scope = describe_comparison_scope(documents, "author", "YS")
    assert scope.facts["groups"] == {"A": 12, "B": 12} and scope.facts["chosen"] == "default"
    assert scope.facts["periods"] == {"2019": 12, "2020": 12}
    assert "Groups are compared by *author*: *A* (12 documents) and *B* (12 documents)" \
        in scope.text
    assert "It was chosen by default: it gives 2 groups of 10 or more documents holding 100% " \
        "of the documents, and it is the only column that qualifies" in scope.text
    assert "Not used: *source*, one value (*blog*)" in scope.text
    assert "2019 (12) and 2020 (12)" in scope.text
    # An explicit group_by wins; one that cannot be used is said in one sentence.
    chosen = describe_comparison_scope(documents, "source", "YS", group_by="source")
    assert not chosen.facts["compared"] and chosen.facts["chosen"] == "parameter"
    assert ("The group\\_by parameter names *source*, which cannot be used: every document "
            "with a value in *source* has the same one (*blog*); so no group comparison is "
            "made (columns that could be: *author*).") in chosen.text


def test_scope_names_the_column_chosen_why_and_the_other_candidates():
    rng = np.random.default_rng(1)
    n = 80
    documents = pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(n)], "text": "x",
        "author": [str(5000 + i) for i in range(n)],
        "source": ["indUnk"] * 30 + ["Student"] * 30 + ["Arts"] * 14 + ["Law"] * 6,
        "gender": ["female"] * 44 + ["male"] * 36,
        "age": [str(a) for a in rng.integers(13, 45, n)],
        "date": ["2001-03-01"] * 3 + ["2004-03-01"] * (n - 3)})
    assert choose_group_by(documents) == "gender"
    scope = describe_comparison_scope(documents, "gender", "YS")
    text = scope.text
    assert "Groups are compared by *gender*: *female* (44 documents) and *male* (36" in text
    assert "its smallest group is the largest" in text
    assert "Other candidate (set the group\\_by parameter to use one): *age band* (age in " \
           "bands)" in text
    assert "*author*, id-like: 80 distinct values for 80 documents" in text
    assert "*source*, 2 groups of 10 or more documents holding only 55% of the documents " \
           "(30 have no known value and 6 are in 1 value with fewer than 10)" in text
    assert "Years with fewer than 10 documents are not compared or tested: 2001 (3)" in text
    assert scope.facts["columns"]["age"] == {"by": "age band", "verdict": "candidate"}
    by_source = describe_comparison_scope(documents, "source", "YS", group_by="source")
    assert by_source.facts["too_small"] == {"Law": 6} and by_source.facts["n_unknown"] == 30
    assert "Left out of the group comparison: 6 documents in 1 value with fewer than 10 " \
           "documents, too small to test (*Law* (6)) and 30 documents with no known source" \
           in by_source.text
    assert "by default the report would compare by *gender*" in by_source.text


def test_narrative_reexports_the_compare_module():
    from convolab.narrative import compare

    for name in compare.__all__:
        assert getattr(narrative, name) is getattr(compare, name)


# --- plots -----------------------------------------------------------------------------------------

def _many(n_groups: int, n_topics: int):
    """A Comparison with ``n_groups`` groups and ``n_topics`` topics, labels carrying ``$``."""
    from convolab.compare import Comparison

    rng = np.random.default_rng(0)
    groups = [f"g{i} ${i}" for i in range(n_groups)]
    shares = pd.DataFrame([{"group": g, "topic": t, "label": f"topic {t} costs $5",
                            "share": s, "ci_low": s * 0.8, "ci_high": s * 1.2}
                           for g in groups for t, s in zip(range(n_topics),
                                                           rng.dirichlet(np.ones(n_topics)))])
    sizes = pd.DataFrame({"group": groups, "n_docs": np.arange(n_groups) + 2})
    tone = pd.DataFrame({"group": groups, "n_docs": sizes["n_docs"], "n_sentences": 10,
                         "mean": np.linspace(-0.5, 0.5, n_groups), "ci_low": -0.6,
                         "ci_high": 0.6})
    tests = pd.DataFrame({"measure": "share", "topic": pd.array([0, 1], dtype="Int64"),
                          "significant": [True, False]})
    return Comparison("author", sizes, shares, tone, shares.rename(columns={"share": "mean"}),
                      tests)


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text)]


def test_group_plots_on_a_known_answer(known, tmp_path):
    import matplotlib.pyplot as plt

    *_, result = known
    ax = plot_group_shares(result, save=tmp_path / "shares.png")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["banks *", "hotels *"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A (12 docs)", "B (12 docs)"]
    assert (tmp_path / "shares.png").stat().st_size > 1000
    ax = plot_group_tone(result)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A (12 docs)", "B (12 docs)"]
    _, given = plt.subplots()
    assert plot_group_tone(result, ax=given) is given
    plt.close("all")


def test_group_shares_with_many_groups_and_topics_says_what_it_shows():
    import matplotlib.pyplot as plt

    ax = plot_group_shares(_many(12, 45))
    assert "the 8 largest of 12 groups" in ax.get_title()
    assert "the 30 largest of 45 topics" in ax.get_title()
    assert len(ax.get_yticklabels()) == 30 and len(ax.get_legend().get_texts()) == 8
    assert ax.figure.get_figheight() <= 10
    # The largest groups by documents: g11 (13 docs) first.
    assert ax.get_legend().get_texts()[0].get_text() == r"g11 \$11 (13 docs)"
    assert all("$" not in t.replace(r"\$", "") for t in _texts(ax.figure))
    small = plot_group_shares(_many(2, 3))
    assert small.figure.get_figheight() < ax.figure.get_figheight()
    ax.figure.canvas.draw()  # "$" unescaped would raise or render as maths
    plt.close("all")


def test_over_time_plot_leaves_gaps_for_thin_periods():
    import matplotlib.pyplot as plt

    tm, scores, documents = known_answer()
    documents.loc[0, "date"] = "2022-06-01"
    result = cl.over_time(tm, scores, documents, n_permutations=199)
    fig = plot_over_time(result, min_docs=2)
    top, bottom = fig.axes[:2]
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["2019", "2020", "2021", "2022"]
    line = top.get_lines()[0]
    assert np.isnan(line.get_ydata()[2:]).all()           # gaps, not zeros
    assert not np.isnan(line.get_ydata()[:2]).any()
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert "fewer than 2 documents: not estimated" in legend
    assert "Topic shares per year" in top.get_title()
    assert plot_over_time(result, max_topics=1).axes[0].get_title().endswith(
        "(the 1 largest of 2 topics)")
    plt.close("all")


def test_group_sizes_plot_marks_what_can_be_compared():
    import matplotlib.pyplot as plt

    documents = pd.DataFrame({"doc_id": list("abcdefghij"), "text": "x",
                              "author": list("aabbcdefgh"), "date": "2020-01-01"})
    ax = plot_group_sizes(comparison_sizes(documents, "author", "YS", min_docs=2), min_docs=2)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["author: a", "author: b"]
    assert labels[-2:] == ["author: … 2 more values", "period: 2020"]
    # By default a group needs MIN_DOCUMENTS: no value of author is one.
    ax = plot_group_sizes(comparison_sizes(documents, "author", "YS"))
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "author: 8 values, each < 10 docs"
    plt.close("all")


# --- the notebook, end to end --------------------------------------------------------------------

@pytest.mark.slow
def test_notebook_states_both_differences_on_a_two_author_corpus(tmp_path):
    import nbformat
    import papermill

    corpus = write_two_authors(tmp_path / "two-authors")
    out = tmp_path / "05-compare.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "05-compare.ipynb"), str(out),
                               parameters={"corpus_path": str(corpus)}, cwd=str(ROOT / "notebooks"),
                               progress_bar=False, kernel_name="python3")
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("name") == "stderr" or o["output_type"] == "error"]
    prose = "\n".join(o["data"]["text/markdown"] for o in outputs
                      if "text/markdown" in o.get("data", {}))
    assert "Groups are compared by *author*" in prose
    # A topic share: a topic takes more of one author's sentences than of the other's.
    shares = re.findall(r"\*\*(.+?)\*\* takes (\d+)% of author \*(.+?)\*'s sentences", prose)
    assert {author for _, _, author in shares} == {"Ada Brennan", "Tom Wilde"}
    # Tone: the hotel writer is warmer.
    assert "**Overall tone**: author *Tom Wilde* is warmer than author *Ada Brennan*" in prose
    assert "adjusted p" in prose
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3


def test_many_differences_are_stated_largest_first_and_the_rest_counted():
    from convolab.compare import Comparison
    from convolab.narrative.compare.differences import MAX_STATED

    n = MAX_STATED + 3
    groups = pd.DataFrame({"group": ["A", "B"], "n_docs": [30, 30]})
    shares = pd.DataFrame([{"group": g, "topic": t, "label": f"t{t}",
                            "share": (0.02 + 0.01 * t) * (g == "A"), "ci_low": 0, "ci_high": 1}
                           for g in "AB" for t in range(n)])
    tone = pd.DataFrame({"group": ["A", "B"], "mean": [-0.2, 0.3]})
    tests = pd.DataFrame(
        [{"measure": "share", "topic": t, "label": f"t{t}", "n_groups": 2, "higher": "A",
          "lower": "B", "effect": 0.02 + 0.01 * t, "effect_low": 0.01, "effect_high": 0.5,
          "p_value": 0.001, "p_adjusted": 0.002} for t in range(n)]
        + [{"measure": "tone", "topic": None, "label": "all sentences", "n_groups": 2,
            "higher": "B", "lower": "A", "effect": 0.5, "effect_low": 0.3, "effect_high": 0.7,
            "p_value": 0.001, "p_adjusted": 0.001},
           {"measure": "tone", "topic": 0, "label": "t0", "n_groups": 1, "p_value": None,
            "p_adjusted": None}])
    tests["topic"] = tests["topic"].astype("Int64")
    result = Comparison("author", groups, shares, tone, shares.iloc[:0], tests)
    story = describe_comparison(result)
    assert story.facts["n_significant"] == n + 1 == len(story.facts["differences"])
    bullets = _bullets(story.text)
    assert len(bullets) == MAX_STATED + 2      # the largest shares, a count, the tone
    assert bullets[0].startswith(f"- **t{n - 1}** takes {(0.02 + 0.01 * (n - 1)) * 100:.0f}%")
    assert bullets[MAX_STATED] == ("- … and 3 smaller differences of topic share (every test "
                                   "is listed in the table of tests).")
    assert bullets[-1].startswith("- **Overall tone**: author *B* is warmer than author *A*")
    assert story.facts["n_topic_tone_untested"] == 1
    assert "1 topic occurs in the text of only one of the 2 groups, so its tone" in story.text


def test_notebook_markdown_states_no_result():
    import nbformat

    from convolab.compare import MAX_GROUPS, MIN_COVERAGE, MIN_DOCUMENTS

    nb = nbformat.read(ROOT / "notebooks" / "05-compare.ipynb", as_version=4)
    # The rule's own constants may be stated (and must follow them: a changed constant fails
    # here until the text is updated); no number computed from a corpus may.
    rule = {str(MIN_DOCUMENTS), str(MAX_GROUPS), f"{100 * MIN_COVERAGE:.0f}"}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            stated = set(re.findall(r"\d+(?:\.\d+)?", cell.source)) - {"0", "1", "2", "95",
                                                                       "0.05", "100"} - rule
            assert not stated, f"{stated} in {cell.source[:80]!r}"
        else:
            assert cell.outputs == [] and cell.execution_count is None

"""Reports read well at 5, 40 and 4,000 essays: figures and tables show what fits and say what
they left out, corpus text on figures is plain text, and the same data draws the same pixels.

No model and no notebook runs here: the tables are built with the columns the analysis layers
return (``corpus.documents``, ``sentiment_by``, ``sentiment_arc``, ``topics_``…), from seeded
random numbers, and every figure is drawn with warnings turned into errors.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import convolab.plots as clp  # noqa: E402
from convolab.narrative import round_robin, show_table  # noqa: E402
from convolab.narrative.findings import topic_document_table  # noqa: E402
from convolab.plots._base import MAX_HEIGHT, MAX_LEGEND, MAX_ROWS, plain  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = [5, 40, 4000]
TITLES = ["Costs $5 and 50% off", "$5 vs $10", "Service with a smile", "Why $x^2$ matters"]


def _summary(scores: pd.DataFrame, column: str) -> pd.DataFrame:
    """A :func:`sentiment_by`-shaped table (normal-approximation intervals: fast, and the
    figures only draw what they are given)."""
    groups = scores.groupby("doc_id", sort=False)[column]
    mean, n = groups.mean(), groups.size()
    half = 2 * groups.std().fillna(0) / np.sqrt(n)
    return pd.DataFrame({"doc_id": mean.index, "n": n.to_numpy(), "mean": mean.to_numpy(),
                         "ci_low": (mean - half).to_numpy(), "ci_high": (mean + half).to_numpy()})


def _tables(n: int) -> dict:
    rng = np.random.default_rng(n)
    ids = [f"essay-{i:04d}.txt" for i in range(n)]
    n_sentences = rng.integers(3, 30, n)
    documents = pd.DataFrame({"doc_id": ids, "title": [f"{TITLES[i % 4]} ({i})" for i in range(n)],
                              "n_words": n_sentences * 18, "n_paragraphs": n_sentences // 3 + 1,
                              "n_sentences": n_sentences})
    removed = pd.DataFrame({"doc_id": np.repeat(ids, 2), "text": "Share this $5 post",
                            "kind": rng.choice(["share-links", "byline", "comments"], 2 * n)})
    doc = np.repeat(ids, n_sentences)
    sent_id = np.concatenate([np.arange(k) for k in n_sentences])
    tone = np.clip(np.repeat(rng.normal(0, 0.3, n), n_sentences)
                   + rng.normal(0, 0.4, len(doc)), -1, 1)
    scores = pd.DataFrame({"doc_id": doc, "para_id": sent_id // 3, "sent_id": sent_id,
                           "sentiment": tone, "vader": tone * 0.8, "learned": tone * 1.1,
                           "flag": "ok", "text": "It costs $5."})
    position = sent_id / np.repeat(n_sentences - 1, n_sentences)
    arcs = scores[["doc_id", "sent_id", "para_id", "sentiment", "text"]].assign(
        position=position, smoothed=np.tanh(np.sin(6 * position) + tone))
    k = {5: 3, 40: 8}.get(n, 60)
    topics = pd.DataFrame({"topic": range(k), "label": [f"fees $ {t} and $cost" for t in range(k)],
                           "size": sorted(rng.integers(5, 500, k), reverse=True)})
    terms = pd.DataFrame([(t, f"${r}term", 1 / (r + 1), r + 1) for t in range(k) for r in range(8)],
                         columns=["topic", "term", "weight", "rank"])
    shares = pd.DataFrame(rng.dirichlet(np.full(k + 1, 0.3), n), columns=[-1, *range(k)],
                          index=pd.Index(ids, name="doc_id"))
    units = scores[["doc_id", "sent_id"]].assign(topic=rng.integers(-1, k, len(scores)))
    units["label"] = units["topic"].map(dict(zip(topics["topic"], topics["label"])))
    units["x"], units["y"] = rng.normal(size=(2, len(units)))
    topic_tone = topics[["topic", "label"]].assign(mean=rng.uniform(-0.5, 0.5, k), n=50)
    topic_tone["ci_low"], topic_tone["ci_high"] = topic_tone["mean"] - 0.1, topic_tone["mean"] + 0.1
    return {"documents": documents, "removed": removed, "scores": scores, "arcs": arcs,
            "by_doc": _summary(scores, "sentiment"), "topics": topics, "terms": terms,
            "shares": shares, "units": units, "topic_tone": topic_tone,
            "labels": dict(zip(documents["doc_id"], documents["title"]))}


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}-essays")
def tables(request):
    return request.param, _tables(request.param)


def _figures(t: dict) -> dict:
    """Every figure the reports draw, as a function of the tables."""
    methods = {m: _summary(t["scores"], m) for m in ("vader", "learned")}
    return {
        "lengths": lambda: clp.plot_document_lengths(t["documents"], label="title"),
        "removed": lambda: clp.plot_removed(t["removed"], hue="doc_id"),
        "distribution": lambda: clp.plot_sentiment_distribution(t["scores"], t["by_doc"],
                                                                labels=t["labels"]),
        "by_method": lambda: clp.plot_sentiment_by_method(t["scores"], methods, t["by_doc"],
                                                          labels=t["labels"]),
        "arcs": lambda: clp.plot_sentiment_arcs(t["arcs"], labels=t["labels"]),
        "topic_sentiment": lambda: clp.plot_topic_sentiment(t["topic_tone"]),
        "topic_sizes": lambda: clp.plot_topic_sizes(t["topics"]),
        "topic_terms": lambda: clp.plot_topic_terms(t["terms"], t["topics"]),
        "document_topics": lambda: clp.plot_document_topics(t["shares"], t["topics"],
                                                            labels=t["labels"]),
        "topic_map": lambda: clp.plot_topic_map(t["units"]),
    }


PER_ESSAY = ["lengths", "distribution", "by_method"]


def _draw(make):
    """Draw a figure with every warning an error; return it, drawn."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        artist = make()
        figure = artist if hasattr(artist, "savefig") else artist.figure
        figure.canvas.draw()
    return figure


@pytest.fixture(scope="module")
def drawn(tables):
    n, t = tables
    figures = {name: _draw(make) for name, make in _figures(t).items()}
    yield n, figures
    plt.close("all")


def test_figures_draw_without_warnings_and_layout_holds(drawn):
    _, figures = drawn
    for name, figure in figures.items():
        for ax in figure.axes:
            if ax.axison:
                box = ax.get_position()
                assert box.width > 0.2 and box.height > 0.2, f"{name}: axes squeezed {box}"


def test_figure_height_is_capped(drawn):
    _, figures = drawn
    for name, figure in figures.items():
        assert figure.get_size_inches()[1] <= MAX_HEIGHT, name


def test_figure_height_grows_with_what_is_shown():
    heights = {}
    for n in (2, 5, 12):
        t = _tables(n)
        made = _figures(t)
        heights[n] = {name: _draw(made[name]).get_size_inches()[1] for name in PER_ESSAY}
        plt.close("all")
    for name in PER_ESSAY:
        assert heights[2][name] <= heights[5][name] < heights[12][name], (name, heights)


def test_rows_shown_are_capped_and_the_rest_counted(drawn):
    n, figures = drawn
    for name in PER_ESSAY:
        ax = figures[name].axes[0]
        shown = len(ax.get_yticklabels())
        assert shown == min(n, MAX_ROWS), name
        gap = [t.get_text() for t in ax.texts if t.get_text().startswith("…")]
        if n > MAX_ROWS:
            assert gap and f"{n - MAX_ROWS:,} more" in gap[0], (name, gap)
        else:
            assert not gap, name


def test_legends_have_at_most_max_legend_entries(drawn):
    n, figures = drawn
    for name in ("removed", "arcs"):
        legend = figures[name].axes[0].get_legend()
        assert len(legend.texts) <= MAX_LEGEND, name
        if n > MAX_LEGEND:
            assert f"{n - MAX_LEGEND + 1:,} other" in legend.texts[-1].get_text(), name
    topic_entries = [t.get_text() for t in figures["topic_map"].axes[0].get_legend().texts
                     if re.match(r"-?\d+: |\d+ other topic", t.get_text())]
    assert len(topic_entries) <= MAX_LEGEND


def test_the_topic_heatmap_shows_a_screenful(drawn):
    n, figures = drawn
    ax = figures["document_topics"].axes[0]
    assert len(ax.get_yticklabels()) == min(n, 25)
    assert len(ax.get_xticklabels()) <= 12 + 2  # largest topics, outliers, the rest pooled


# --- corpus text is plain text on a figure ------------------------------------------------------

def _svg_text(figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text in the SVG
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["lengths", "removed", "distribution", "by_method", "arcs",
                                  "topic_sentiment", "topic_sizes", "topic_terms",
                                  "document_topics", "topic_map"])
def test_dollar_signs_in_corpus_text_are_drawn_literally(name):
    t = _tables(5)
    t["removed"]["doc_id"] = t["removed"]["doc_id"].str.replace("essay", "$5 vs $10 essay")
    svg = _svg_text(_draw(_figures(t)[name]))
    assert "$" in svg, name  # drawn as a character, not consumed as mathtext delimiters
    shown = {"lengths": "Costs $5 and 50% off", "removed": "$5 vs $10 essay",
             "distribution": "$5 vs $10", "by_method": "$5 vs $10", "arcs": "Why $x^2$",
             "topic_sentiment": "fees $ 0 and $cost", "topic_sizes": "fees $ 0 and $cost",
             "topic_terms": "$0term", "document_topics": "fees $ 0 and $cost",
             "topic_map": "fees $ 0 and $cost"}[name]
    assert shown in svg, name
    plt.close("all")


def test_plain_escapes_every_dollar_and_shortens_first():
    assert plain("$5 vs $10") == r"\$5 vs \$10"
    assert plain("$$$$", width=3) == r"\$\$…"
    text = matplotlib.text.Text(0, 0, plain("Costs $5 and 50% off"))
    figure = plt.figure()
    figure.add_artist(text)
    figure.canvas.draw()  # would raise a mathtext ParseException unescaped
    plt.close(figure)


# --- the same data draws the same pixels ---------------------------------------------------------

@pytest.mark.parametrize("name", ["distribution", "by_method", "arcs", "topic_map"])
def test_figures_are_byte_identical_when_redrawn(name):
    def png() -> bytes:
        figure = _draw(_figures(_tables(40))[name])
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=60)
        plt.close(figure)
        return buffer.getvalue()

    np.random.seed(1)  # noqa: NPY002 (the global state, which unseeded jitter would use)
    first = png()
    np.random.seed(2)  # noqa: NPY002
    assert png() == first


# --- long tables: the telling rows shown, all rows beside the report ----------------------------

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("keep", ["head", "ends"])
def test_show_table_collapses_and_counts(n, keep):
    table = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "mean": np.linspace(1, -1, n)})
    shown = show_table(table, "tone", notebook="03-tone", keep=keep)
    assert len(shown.table) == min(n, 20) and shown.n_hidden == max(0, n - 20)
    assert shown.path is None and shown.link is None  # interactive use writes nothing
    if n > 20:
        assert f"{n - 20:,} are hidden" in shown.note and f"of {n:,} rows" in shown.note
        assert f"{n - 20:,} are hidden" in shown._repr_html_()
        if keep == "ends":
            assert shown.table["doc_id"].iloc[-1] == f"d{n - 1}"  # both extremes shown
    else:
        assert shown.note == "" and "<em>" not in shown._repr_html_()
        assert "tex2jax_ignore" in shown._repr_html_()  # no MathJax on corpus "$" in JupyterLab


@pytest.mark.parametrize("n", SIZES)
def test_show_table_writes_every_row_beside_the_report_and_links_it(n, tmp_path):
    table = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "title": "<b>$5</b>",
                          "mean": np.linspace(1, -1, n)}).set_index("doc_id")
    shown = show_table(table, "tone-by-document", notebook="03-tone", report_dir=str(tmp_path),
                       keep="ends", rows="documents")
    assert shown.path == tmp_path / "tables" / "03-tone-tone-by-document.csv"
    assert shown.link == "tables/03-tone-tone-by-document.csv"
    written = pd.read_csv(shown.path, index_col="doc_id")
    assert len(written) == n
    pd.testing.assert_frame_equal(written, table)
    page = shown._repr_html_()
    assert '<a href="tables/03-tone-tone-by-document.csv">' in page
    assert "<b>$5</b>" not in page and "&lt;b&gt;" in page  # corpus text stays escaped
    assert len(re.findall(r"<tr>", page)) <= 20 + 2  # header rows + at most 20 shown


def test_show_table_rejects_names_unsafe_in_a_file_name():
    with pytest.raises(ValueError, match="file name"):
        show_table(pd.DataFrame({"x": [1]}), "../up", notebook="03-tone")
    with pytest.raises(ValueError, match="keep"):
        show_table(pd.DataFrame({"x": [1]}), "x", notebook="03-tone", keep="middle")


def test_round_robin_shows_one_of_each_kind_first():
    log = pd.DataFrame({"kind": ["a"] * 5 + ["b"] * 2 + ["c"], "text": list("12345678")})
    assert round_robin(log, "kind")["kind"].tolist()[:4] == ["a", "b", "c", "a"]
    assert sorted(round_robin(log, "kind")["text"]) == sorted(log["text"])


def test_topic_document_table_is_a_grid_when_it_fits_and_long_otherwise():
    cells = pd.DataFrame([(t, f"theme {t}", f"d{d}", 0.1 * t - 0.02 * d, -0.5, 0.5, 4)
                          for t in range(3) for d in range(12)],
                         columns=["topic", "label", "doc_id", "mean", "ci_low", "ci_high", "n"])
    assert topic_document_table(cells[cells["doc_id"].isin(["d0", "d1"])]).shape == (3, 2)
    long = topic_document_table(cells, pd.DataFrame({"doc_id": ["d0"], "title": ["First"]}))
    assert len(long) == len(cells) and long["mean"].is_monotonic_decreasing
    assert long.loc[long["doc_id"] == "d0", "document"].eq("First").all()


# --- the notebooks use them -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["01-corpus", "02-themes", "03-tone", "04-findings"])
def test_notebooks_declare_report_dir_and_pass_it_to_every_long_table(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert re.search(r"^report_dir = None\b", parameters.source, re.M)
    calls = [c.source for c in nb.cells if "show_table(" in c.source]
    assert calls
    for source in calls:
        assert "report_dir=report_dir" in source and f'notebook="{name}"' in source

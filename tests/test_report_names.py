"""Names of any length and in any script (issue: reports).

A title can be 10,000 characters long and a file name or doc_id hundreds: prose names a document
by a shortened label (:func:`convolab.narrative.wording.short`), as the figures do, while the
tables keep the full value. A title or file name in Chinese, Japanese or Korean draws in the
figures from a CJK font when one is installed (Debian's ``fonts-noto-cjk``, added by the
set-up), and otherwise as a visible placeholder: either way matplotlib never warns about a
missing glyph, which would fail ``convolab report --strict``.
"""

from __future__ import annotations

import io
import re
import warnings
from html.parser import HTMLParser
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import convolab as cl
import convolab.plots as clp
from convolab import narrative
from convolab.narrative.wording import SHORT_CHARS, short, shorten
from convolab.plots import _base
from convolab.sentiment import topic_document_tone

#: A 10,000-character title (words, so it can be cut at a word end; letters and digits only,
#: so Markdown escaping leaves it as it is and a test can look for it verbatim).
TITLE = " ".join(f"service{i}" for i in range(1200))[:10_000].rstrip()
#: A 1,000-character doc_id without a title (a very long file name, or a DataFrame's id).
LONG_ID = "customer" * 125
CJK_TITLE = "顧客サービスの本質"
#: The most of a long name any line of prose may carry.
MAX_RUN = 200

SENTENCES = {
    "service": ["Good service starts with listening to the customer.",
                "The staff answered every question with patience and care.",
                "Service matters most when something goes wrong.",
                "A kind reply turned an angry customer into a loyal one.",
                "The team followed up a week later to check on the order.",
                "Everyone thanked the support staff for their warm help.",
                "Support calls were short, friendly and to the point.",
                "Great service is remembered long after the price."],
    "waiting": ["The queue at the counter barely moved for an hour.",
                "Nobody answered the phone during the long wait.",
                "Waiting on hold is the worst part of any complaint.",
                "The line grew longer while the clerk took a break.",
                "After two hours the office closed with people still waiting.",
                "The slow queue made every customer angry and tired."],
    "tea": ["Green tea wants water below boiling.", "Black tea takes it hotter and longer.",
            "Leaves unfurl as they steep in the pot.", "A second infusion often tastes sweeter.",
            "Oolong sits between green and black tea.", "Tea from the hills tastes of smoke."],
}


def _runs(name: str, text: str, run: int = MAX_RUN) -> list[str]:
    """The windows of ``run`` characters of ``name`` that ``text`` carries."""
    return [name[i:i + run] for i in range(0, max(1, len(name) - run + 1), 25)
            if name[i:i + run] in text]


# --- the shared shortening helper ---------------------------------------------------------------

def test_shorten_cuts_at_a_word_end_and_leaves_short_names_alone():
    assert shorten("Service, plain", 50) == "Service, plain"
    assert shorten("Why   customers\nstay", 50) == "Why customers stay"
    assert shorten("Why customers stay loyal to a brand", 20) == "Why customers stay …"
    assert shorten("Why customers stay loyal", 18) == "Why customers stay …"  # ends at a word
    assert shorten(LONG_ID, 50) == LONG_ID[:50] + " …"                        # no word end
    assert shorten("A " + "x" * 80, 50) == "A " + "x" * 48 + " …"          # one far too early
    cut = shorten(TITLE, SHORT_CHARS)
    assert len(cut) <= SHORT_CHARS + 2 and TITLE.startswith(cut[:-2])
    assert short(TITLE) == f"*{cut}*"
    assert short("a_b *c*") == "*a\\_b \\*c\\**"  # escaped after cutting


# --- prose: every narrative that names a document ----------------------------------------------

@pytest.fixture(scope="module")
def named():
    """A real corpus of three documents: a 10,000-character title (the longest and warmest), a
    1,000-character doc_id without a title (the shortest, the most critical) and a CJK title;
    a fitted-model look-alike with one theme per document; tone per sentence."""
    frame = pd.DataFrame({
        "doc_id": ["long-title", LONG_ID, "cjk"],
        "title": [TITLE, None, CJK_TITLE],
        "text": ["\n\n".join(SENTENCES[k]) for k in ("service", "waiting", "tea")]})
    corpus = cl.load_corpus(frame)
    documents = corpus.documents
    assert documents.set_index("doc_id").loc["long-title", "title"] == TITLE
    sentences = corpus.sentences
    theme = {"long-title": 0, LONG_ID: 1, "cjk": 2}
    assignments = sentences[["doc_id", "para_id", "sent_id", "text"]].assign(
        unit_id=lambda s: s["doc_id"].str[:8] + ":" + s["sent_id"].astype(str),
        topic=sentences["doc_id"].map(theme), probability=0.9)
    labels = {0: "service · care", 1: "queue · waiting", 2: "tea · leaves"}
    sizes = assignments["topic"].value_counts()
    topics = pd.DataFrame([{"topic": t, "label": labels[t], "size": int(sizes[t]),
                            "share": sizes[t] / len(assignments), "n_documents": 1,
                            "terms": "x, y"} for t in (0, 1, 2)])
    reps = assignments.groupby("topic").head(2).assign(
        rank=lambda a: a.groupby("topic").cumcount(), similarity=0.8)
    terms = pd.DataFrame([{"topic": t, "rank": r, "term": f"term{t}{r}", "weight": 1 - r / 10}
                          for t in (0, 1, 2) for r in range(3)])
    tm = SimpleNamespace(topics_=topics, assignments_=assignments, representatives_=reps,
                         topic_terms_=terms, unit="sentence", clustering_="k-means with k=3")
    rng = np.random.default_rng(0)
    scores = sentences[["doc_id", "para_id", "sent_id", "text"]].copy()
    base = scores["doc_id"].map({"long-title": 0.6, LONG_ID: -0.5, "cjk": 0.0})
    scores["sentiment"] = (base + rng.normal(0, 0.1, len(scores))).clip(-1, 1)
    scores["vader"] = (scores["sentiment"] + rng.normal(0, 0.2, len(scores))).clip(-1, 1)
    scores["learned"] = (scores["sentiment"] - rng.normal(0, 0.2, len(scores))).clip(-1, 1)
    scores["flag"] = "ok"
    return SimpleNamespace(corpus=corpus, documents=documents, tm=tm, scores=scores)


def _stories(named) -> dict[str, str]:
    corpus, documents, tm, scores = named.corpus, named.documents, named.tm, named.scores
    by_doc = cl.sentiment_by(scores, by="doc_id", random_state=0)
    topic_tone = cl.topic_sentiment(tm, scores, random_state=0)
    confident = narrative.confident_topic_tone(tm, scores, random_state=0)
    by_topic_doc = topic_document_tone(tm, scores, random_state=0)
    evaluation = pd.Series({"n_topics": 3, "coherence_npmi": 0.1, "diversity": 1.0,
                            "outlier_share": 0.0, "stability_ari": 0.9})
    removed = pd.DataFrame({"doc_id": ["long-title", "long-title", LONG_ID],
                            "kind": ["boilerplate"] * 3,
                            "text": ["Share this post", "Leave a comment", "Subscribe now"]})
    excluded = pd.DataFrame({"path": ["copy.txt", "near.txt"], "doc_id": ["copy", "near"],
                             "reason": [f"duplicate of {LONG_ID} (same text)",
                                        f"near-duplicate of {LONG_ID} (estimated Jaccard 0.9)"]})
    skipped = pd.DataFrame({"path": ["metadata.csv#row=2"],
                            "reason": [f"metadata row for '{TITLE}', which is not in the folder; "
                                       "fix the name in the 'file' column or remove the row"]})
    return {
        "lengths": narrative.describe_lengths(documents),
        "removed": narrative.describe_removed(removed, documents),
        "excluded": narrative.describe_excluded(excluded),
        "skipped": narrative.describe_skipped(skipped),
        "metadata": narrative.describe_metadata(documents),
        "corpus": narrative.describe_corpus(corpus),
        "topic_evidence": narrative.describe_topic_evidence(tm, documents),
        "document_topics": narrative.describe_document_topics(tm, documents),
        "tone": narrative.describe_tone(by_doc, documents),
        "arcs": narrative.describe_arcs(cl.sentiment_arc(scores), documents),
        "extremes": narrative.describe_extremes(scores, documents),
        "methods": narrative.describe_method_agreement(scores, documents),
        "topic_tone": narrative.describe_topic_tone(topic_tone, documents, confident=confident,
                                                    min_documents=1),
        "topic_tone_evidence": narrative.describe_topic_tone_evidence(
            topic_tone, documents, confident=confident, min_documents=1),
        "topic_document_tone": narrative.describe_topic_document_tone(by_topic_doc, documents,
                                                                      min_n=1),
        "summary": narrative.summarize_findings(tm, evaluation, by_doc, topic_tone, documents,
                                                confident=confident, min_documents=1),
        "limits": narrative.describe_limits(corpus, evaluation, by_doc, n_seeds=3),
    }


def test_no_narrative_prints_a_long_title_or_id_in_full(named):
    stories = _stories(named)
    for name, story in stories.items():
        for long_name in (TITLE, LONG_ID):
            assert not _runs(long_name, story.text), f"{name} prints a long name in full"
    # Not vacuous: the long-named documents are named, shortened, where prose names documents.
    start, id_start = shorten(TITLE, SHORT_CHARS)[:-2], shorten(LONG_ID, SHORT_CHARS)[:-2]
    for name in ("lengths", "removed", "topic_evidence", "document_topics", "tone", "arcs",
                 "extremes", "methods", "topic_tone", "topic_tone_evidence",
                 "topic_document_tone", "summary", "skipped"):
        assert start in stories[name].text or id_start in stories[name].text, name
    assert f"*{start} …*" in stories["tone"].text and f"*{id_start} …*" in stories["tone"].text
    assert CJK_TITLE in "".join(story.text for story in stories.values())  # short: as it is
    # The facts keep the full values.
    assert stories["tone"].facts["highest"]["label"] == TITLE
    assert stories["lengths"].facts["longest"] == TITLE


def test_tables_keep_the_full_title(named, tmp_path):
    documents = named.documents
    assert narrative.document_labels(documents).tolist() == [TITLE, LONG_ID, CJK_TITLE]
    assert narrative.label_map(documents)["long-title"] == TITLE
    table = documents.assign(label=narrative.document_labels(documents))[["doc_id", "label"]]
    shown = narrative.show_table(table, "documents", notebook="01-corpus", report_dir=tmp_path)
    written = pd.read_csv(shown.path)
    assert written["label"].tolist() == [TITLE, LONG_ID, CJK_TITLE]
    assert written["doc_id"].tolist() == ["long-title", LONG_ID, "cjk"]


# --- figures: CJK with and without a CJK font ----------------------------------------------------

def _draw(labels: dict):
    """Figures that show document names (and a theme label) drawn to PNG; their tick labels."""
    documents = pd.DataFrame({"doc_id": list(labels), "n_words": [120, 80, 40],
                              "title": list(labels.values())})
    ax = clp.plot_document_lengths(documents, label="title")
    scores = pd.DataFrame({"doc_id": [d for d in labels for _ in range(4)],
                           "sentiment": np.linspace(-0.8, 0.8, 4 * len(labels))})
    ax2 = clp.plot_sentiment_distribution(scores, labels=labels)
    topics = pd.DataFrame({"topic": [0, 1], "label": ["顧客 · 対応", "お茶 · 紅茶"],
                           "size": [5, 3], "share": [0.6, 0.4]})
    ax3 = clp.plot_topic_sizes(topics)
    texts = []
    for axes in (ax, ax2, ax3):
        axes.figure.savefig(io.BytesIO(), format="png")
        texts += [t.get_text() for t in axes.get_yticklabels()]
    plt.close("all")
    return texts


LABELS = {"a.txt": CJK_TITLE, "b.txt": "고객 서비스", "c.txt": "Tabs\tand emoji ✿ 😀"}


def test_cjk_names_draw_from_a_cjk_font_without_warning():
    if not _base.fallback_fonts():
        pytest.skip("no CJK font installed (make install adds fonts-noto-cjk where apt exists)")
    with matplotlib.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("error")
        texts = _draw(LABELS)
        assert matplotlib.rcParams["font.family"][-1] == _base.fallback_fonts()[0]
    assert any(CJK_TITLE in t for t in texts) and any("고객 서비스" in t for t in texts)
    assert not any("\t" in t for t in texts)


def test_a_callers_axes_made_before_any_convolab_figure_draw_cjk_too():
    if not _base.fallback_fonts():
        pytest.skip("no CJK font installed")
    with matplotlib.rc_context({"font.family": ["sans-serif"]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        _, own = plt.subplots()  # its tick labels know nothing of the CJK font
        topics = pd.DataFrame({"topic": [0], "label": [CJK_TITLE], "size": [5], "share": [1.0]})
        assert clp.plot_topic_sizes(topics, ax=own) is own
        own.set_ylim(-2, 2)  # new ticks copy the first one's fonts
        own.figure.savefig(io.BytesIO(), format="png")
        plt.close("all")


def test_a_cjk_font_installed_after_matplotlib_cached_its_font_list_is_found(monkeypatch):
    from matplotlib import font_manager

    if not _base.fallback_fonts():
        pytest.skip("no CJK font installed")
    stale = [f for f in font_manager.fontManager.ttflist if f.name not in _base.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    _base.fallback_fonts.cache_clear()
    try:
        assert _base.fallback_fonts() and _base.fallback_fonts()[0] in _base.CJK_FAMILIES
    finally:
        _base.fallback_fonts.cache_clear()


def test_cjk_names_fall_back_to_a_placeholder_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr(_base, "fallback_fonts", lambda: ())
    with matplotlib.rc_context({"font.family": ["sans-serif"],
                                "font.sans-serif": ["DejaVu Sans"]}):
        # What the fallback prevents: DejaVu Sans alone warns about every CJK character.
        with pytest.warns(UserWarning, match="missing from font"):
            _, ax = plt.subplots()
            ax.set_title(CJK_TITLE)
            ax.figure.savefig(io.BytesIO(), format="png")
        plt.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            texts = _draw(LABELS)
        assert _base.plain("Costs $5 in 顧客") == "Costs \\$5 in □□"
    assert not any(re.search("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t) for t in texts)
    assert any(_base.MISSING * len(CJK_TITLE) in t for t in texts)


# --- the whole report, strict ---------------------------------------------------------------------

class _Prose(HTMLParser):
    """A page's text outside tables (``<table>``), figures' data and scripts."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in ("table", "style", "script")

    def handle_endtag(self, tag):
        self.depth -= tag in ("table", "style", "script")

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


#: A file name of 220 characters (a title-less document is named by it).
LONG_FILE = ("conversation-" * 17)[:220] + ".txt"


def _essays(folder, root):
    """The seed corpus, one essay renamed 顧客サービス.txt with a CJK title, one given a
    10,000-character title and one a 220-character file name."""
    import shutil

    shutil.copytree(root / "corpus", folder)
    meta = pd.read_csv(folder / "metadata.csv", dtype=str, keep_default_na=False)
    renames = {"customer-conversation-today-2007.txt": "顧客サービス.txt",
               "conversation-agent-corporobots.txt": LONG_FILE}
    for old, new in renames.items():
        (folder / old).rename(folder / new)
    meta["file"] = meta["file"].replace(renames)
    meta.loc[meta["file"] == "顧客サービス.txt", "title"] = CJK_TITLE
    meta.loc[meta["file"] == "gilbert-customer-work-matters.txt", "title"] = TITLE
    meta.to_csv(folder / "metadata.csv", index=False)
    return folder


@pytest.mark.slow
def test_report_with_cjk_and_long_names_renders_strictly(tmp_path):
    from pathlib import Path

    from convolab.cli import main

    corpus = _essays(tmp_path / "essays", Path(__file__).resolve().parent.parent)
    documents = cl.load_corpus(corpus).documents
    assert {TITLE, CJK_TITLE} <= set(documents["title"])
    long_id = next(d for d in documents["doc_id"] if len(d) > MAX_RUN)
    out = tmp_path / "out"
    # --strict: any output on stderr (a missing-glyph warning among them) fails the report.
    assert main(["report", "--corpus", str(corpus), "--out", str(out), "--strict", "-q",
                 "--param", "embedding=tfidf", "--param", "stability_seeds=1"]) == 0
    pages = sorted(out.glob("*.html"))
    assert len(pages) > 3
    for page in pages:
        parser = _Prose()
        parser.feed(page.read_text(encoding="utf-8"))
        prose = "".join(parser.text)
        for long_name in (TITLE, long_id):
            assert not _runs(long_name, prose), f"{page.name} prints a long name in full"
    shown = "".join(page.read_text(encoding="utf-8") for page in pages)
    assert CJK_TITLE in shown and "顧客サービス" in shown  # the HTML keeps the characters
    tables = [pd.read_csv(f, dtype=str) for f in out.glob("tables/*.csv")]
    assert any((t == TITLE).any().any() for t in tables)  # a table beside it holds it in full

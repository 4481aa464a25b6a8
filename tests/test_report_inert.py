"""Reports are inert and reproducible (issue 13).

Inert: corpus text is text. A URL, a ``www.`` address or an e-mail address in a title or a
sentence never becomes a live link in a report, whichever renderer shows the Markdown: nbconvert's
mistune (the HTML reports), JupyterLab's marked (the notebooks opened in the lab), pandas' HTML
tables. Reproducible: the same corpus and parameters give byte-identical pages, wherever they
are written; only ``index.html`` says when. The slow layer renders the real notebooks on a
synthetic corpus of sixty essays full of URLs and dollar signs; the seed corpus's second render
(byte-for-byte against the session's first) is in ``test_report.py``, beside the other tests of
that render, so pytest-xdist (``--dist loadfile``) renders the seed corpus once.
"""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convolab.execute import stable_cell_ids
from convolab.narrative.wording import md_escape
from convolab.report import _as_shown, _exporter, render_reports

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

LINKABLE = [
    "https://example.com/x", "http://a.example/c?d=1&e=2", "HTTPS://EXAMPLE.COM/CAPS",
    "www.example.org", "WWW.EXAMPLE.ORG", "sub.www.example.net/page", "(www.example.com)",
    "ftp://files.example.org/f.txt", "mailto:bob@example.com", "bob@example.com",
    "bob+1@mail.example.co.uk", "<https://example.com/angle>", "[x](https://example.com/md)",
    "javascript:alert(1)", "xmpp:alice@example.im", "read https://example.com/a, then stop.",
]


class _Anchors(HTMLParser):
    """Every ``<a href>`` on a page, and the page's text."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data):
        self.text.append(data)


def _anchors(page: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(page)
    return parser


def _live_links(page: str) -> list[str]:
    """Links that leave the page: nbconvert's heading anchors (``#…``) and relative links to
    files beside the report (``tables/…``) are the only ones a report may carry."""
    return [href for href in _anchors(page).hrefs
            if re.match(r"(?i)([a-z][a-z0-9+.-]*:|//|www\.)", href)]


def _rendered(markdown: str) -> str:
    """The body of an nbconvert HTML page holding ``markdown`` as a Markdown cell and as a
    ``text/markdown`` display output (how a :class:`Narrative` reaches a report)."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(markdown),
        nbformat.v4.new_code_cell("story", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/markdown": markdown, "text/plain": "story"})]),
    ])
    page, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": "t"}})
    return page[page.index("<body"):]


# --- inert: every renderer ------------------------------------------------------------------------

def test_unescaped_urls_do_become_links():
    # The hazard is real: nbconvert's Markdown renderer auto-links a bare URL.
    assert _live_links(_rendered("see https://example.com/x")) == ["https://example.com/x"] * 2


@pytest.mark.parametrize("text", LINKABLE)
def test_escaped_corpus_text_is_never_a_link_in_nbconvert(text):
    body = _rendered(f"Quoted: “{md_escape(text)}”, in *{md_escape(text)}*.")
    assert _live_links(body) == []
    assert "<a " not in body
    # ...and reads as typed: twice in the Markdown cell, twice in the display output.
    assert "".join(_anchors(body).text).count(text) == 4


@settings(deadline=None, max_examples=60)
@given(st.lists(st.sampled_from(["https://", "http://", "www.", "WWW.", "ftp://", "mailto:",
                                 "@", ".", ":", "/", "example", "com", " ", "<", ">", "(", ")",
                                 "[", "]", "$", "x"]), max_size=16).map("".join))
def test_no_text_escapes_into_a_link(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    assert "<a " not in markdown2html_mistune(f"A *{md_escape(text)}* b {md_escape(text)}")


def _marked_bundle() -> Path | None:
    """JupyterLab's build of marked, the renderer of Markdown in the lab (if installed)."""
    static = Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    for path in sorted(static.glob("*.js")):
        if path.stat().st_size < 2_000_000 and b"marked(): input parameter" in path.read_bytes():
            return path
    return None


_RUN_MARKED = """
globalThis.self = globalThis;
require(process.argv[1]);
const modules = {};
for (const [, mods] of self.rspackChunk_jupyterlab_application_top) Object.assign(modules, mods);
const cache = {};
function req(id) {
  if (cache[id]) return cache[id].exports;
  const module = cache[id] = {exports: {}};
  modules[id](module, module.exports, req);
  return module.exports;
}
req.r = (e) => Object.defineProperty(e, "__esModule", {value: true});
req.d = (e, d) => { for (const k in d) Object.defineProperty(e, k, {enumerable: true, get: d[k]}); };
req.o = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
let marked;
for (const id in modules) {
  try { const m = req(id); if (m && m.marked && m.Lexer) { marked = m.marked; break; } } catch (e) {}
}
process.stdout.write(marked.parse(require("fs").readFileSync(0, "utf8"), {gfm: true}));
"""


def test_escaped_corpus_text_is_never_a_link_in_jupyterlab():
    """JupyterLab's marked also links www. addresses and e-mail (GitHub-flavoured autolinks)."""
    bundle, node = _marked_bundle(), shutil.which("node")
    if bundle is None or node is None:
        pytest.skip("needs node and JupyterLab's static bundle")

    def marked(markdown: str) -> str:
        return subprocess.run([node, "-e", _RUN_MARKED, str(bundle)], input=markdown,
                              capture_output=True, text=True, check=True, timeout=60).stdout

    raw = marked("\n\n".join(LINKABLE))
    assert {"http://www.example.org", "mailto:bob@example.com"} <= set(_live_links(raw))
    escaped = marked("\n\n".join(md_escape(text) for text in LINKABLE))
    assert _live_links(escaped) == [] and "<a " not in escaped
    text = "".join(_anchors(escaped).text)
    assert all(t in text for t in LINKABLE)


def test_pandas_tables_escape_and_never_link():
    frame = pd.DataFrame({"title": LINKABLE, "n": range(len(LINKABLE))})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("frame", outputs=[
        nbformat.v4.new_output("execute_result", execution_count=1,
                               data={"text/html": frame.to_html(), "text/plain": "frame"})])])
    page, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": "t"}})
    body = page[page.index("<body"):]
    assert _live_links(body) == [] and "&lt;https://example.com/angle&gt;" in body


# --- reproducible: the pieces ---------------------------------------------------------------------

def _notebook(ids: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"),
                                         nbformat.v4.new_code_cell("corpus_path = 'x'"),
                                         nbformat.v4.new_code_cell("print(1)")])
    nb.cells[1].metadata["tags"] = ["parameters"]
    if not ids:
        for cell in nb.cells:
            del cell["id"]
    return nb


@pytest.mark.parametrize("ids", [True, False], ids=["format 4.5", "format 4.4"])
def test_cell_ids_are_the_same_in_every_run(ids):
    source = _notebook(ids)

    def executed():  # what papermill returns: random ids, and an injected cell
        nb = nbformat.v4.upgrade(_notebook(True))
        injected = nbformat.v4.new_code_cell("corpus_path = '/abs'")
        injected.metadata["tags"] = ["injected-parameters"]
        nb.cells.insert(2, injected)
        return nb

    first = [c.id for c in stable_cell_ids(executed(), source, "01-x.ipynb").cells]
    second = [c.id for c in stable_cell_ids(executed(), source, "01-x.ipynb").cells]
    assert first == second and len(set(first)) == 4
    if ids:  # committed ids are kept
        assert [first[i] for i in (0, 1, 3)] == [c.id for c in source.cells]
    other = [c.id for c in stable_cell_ids(executed(), source, "02-y.ipynb").cells]
    assert other[2] != first[2]  # the injected cell's id comes from the notebook's name


def test_pages_show_no_report_dir():
    nb = _notebook(True)
    injected = nbformat.v4.new_code_cell('# Parameters\ncorpus_path = "/c"\n'
                                         'report_dir = "/somewhere/reports"\nunit = "sentence"')
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(2, injected)
    shown = _as_shown(nb)
    assert shown.cells[2].source == '# Parameters\ncorpus_path = "/c"\nunit = "sentence"'
    assert "report_dir" in nb.cells[2].source  # the executed notebook keeps it


# --- the slow layer: real kernels -----------------------------------------------------------------

@pytest.mark.slow
def test_report_dir_is_injected_where_declared(tmp_path):
    from test_report import _tiny_notebook, write_corpus

    notebooks = _tiny_notebook(tmp_path / "nbs", "from pathlib import Path\n"
                      "(Path(report_dir) / 'tables').mkdir(exist_ok=True)\n"
                      "(Path(report_dir) / 'tables' / 'x.csv').write_text('a\\n1\\n')",
                      report_dir=True)
    _tiny_notebook(notebooks, "print(sorted(globals()).count('report_dir'))", name="01-plain.ipynb")
    out = tmp_path / "out"
    render_reports(write_corpus(tmp_path / "essays"), out, notebooks_dir=notebooks,
                   progress=False, strict=True)
    assert (out / "tables" / "x.csv").read_text() == "a\n1\n"
    executed = nbformat.read(out / "executed" / "00-tiny.ipynb", as_version=4)
    assert f'report_dir = "{out.resolve()}"' in executed.cells[2].source
    page = (out / "00-tiny.html").read_text(encoding="utf-8")
    assert str(out.resolve()) not in page and "report_dir</span> <span class" not in page
    plain = nbformat.read(out / "executed" / "01-plain.ipynb", as_version=4)
    assert "report_dir = " not in plain.cells[2].source  # only where declared
    assert plain.cells[3].outputs[0]["text"].strip() == "0"


def _pages(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.html"))}


def _differences(first: dict[str, bytes], second: dict[str, bytes]) -> dict[str, list[str]]:
    """Per differing page, the first few differing tags (what a failure message should show)."""
    found = {}
    for name in first:
        if first[name] != second.get(name):
            a = first[name].decode().split(">")
            b = second.get(name, b"").decode().split(">")
            found[name] = [f"{x[:120]} | {y[:120]}" for x, y in zip(a, b) if x != y][:3]
    return found


def _without_timestamp(index: bytes) -> bytes:
    return re.sub(rb"Rendered [^<]* with", b"Rendered ... with", index)


@pytest.mark.slow
def test_same_tiny_notebook_renders_to_the_same_bytes_anywhere(tmp_path):
    from test_report import _tiny_notebook, write_corpus

    notebooks = _tiny_notebook(tmp_path / "nbs", "import matplotlib.pyplot as plt\n"
                      "plt.plot([1, 3, 2]); plt.title('a figure');", report_dir=True)
    corpus = write_corpus(tmp_path / "essays")
    first, second = tmp_path / "a", tmp_path / "elsewhere" / "b"
    for out in (first, second):
        render_reports(corpus, out, notebooks_dir=notebooks, progress=False, strict=True)
    a, b = _pages(first), _pages(second)
    a["index.html"], b["index.html"] = (_without_timestamp(p["index.html"]) for p in (a, b))
    assert _differences(a, b) == {}


# --- the slow layer: sixty essays full of URLs and dollar signs ------------------------------------

SUBJECTS = {
    "bakery": (["baker", "starter", "loaf", "crust", "oven", "flour", "dough", "bakery"],
               ["kneads", "proves", "shapes", "bakes", "scores", "weighs"]),
    "cycling": (["chain", "tyre", "brake", "saddle", "cassette", "rider", "frame", "pump"],
                ["adjusts", "oils", "replaces", "tightens", "checks", "patches"]),
    "garden": (["compost", "seedling", "mulch", "bed", "gardener", "root", "soil", "hedge"],
               ["waters", "prunes", "digs", "feeds", "sows", "weeds"]),
    "sailing": (["sail", "mast", "keel", "harbour", "skipper", "rope", "tide", "hull"],
                ["hoists", "trims", "ties", "steers", "reefs", "coils"]),
    "banking": (["account", "loan", "teller", "branch", "mortgage", "fee", "card", "bank"],
                ["charges", "approves", "refunds", "opens", "audits", "closes"]),
    "support": (["agent", "ticket", "customer", "queue", "reply", "refund", "caller", "chat"],
                ["answers", "escalates", "resolves", "logs", "routes", "apologises"]),
}
TONES = [["warm", "patient", "excellent", "generous", "helpful"],
         ["rude", "slow", "terrible", "careless", "broken"],
         ["ordinary", "weekly", "second", "older", "local"]]
URLS = ["https://example.com/x", "http://shop.example.org/deals?id=7", "www.example.net/page",
        "help@example.com"]


def _essay(rng, subject: str, i: int) -> str:
    nouns, verbs = SUBJECTS[subject]
    paragraphs = []
    for p in range(3):
        sentences = []
        for _ in range(int(rng.integers(3, 6))):
            tone = TONES[int(rng.integers(0, 3))]
            a, b = rng.choice(nouns, 2, replace=False)
            adj = rng.choice(tone)
            sentences.append(f"The {adj} {a} {rng.choice(verbs)} the {b} "
                             f"{rng.choice(['every morning', 'after the rain', 'on Sundays', 'at dusk', 'twice a week', 'before the crowd arrives', 'without a word'])}.")
        if p == 1 and i % 3 == 0:
            sentences.append(f"The {nouns[1]} guide at {URLS[i % len(URLS)]} explains it, and "
                             "questions go to help@example.com.")
        if p == 2 and i % 4 == 1:
            sentences.append(f"It costs $5 and the {nouns[0]} is 50% off, down from ${10 + i}.")
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def write_sixty(folder: Path) -> Path:
    """Sixty essays, ten on each of six subjects, with URLs, e-mail and $ in titles and text."""
    import numpy as np

    rng = np.random.default_rng(13)
    folder.mkdir(parents=True)
    rows = []
    for i in range(60):
        subject = list(SUBJECTS)[i % len(SUBJECTS)]
        name = f"{subject}-{i:02d}.txt"
        (folder / name).write_text(_essay(rng, subject, i), encoding="utf-8")
        title = {0: f"Notes from {URLS[i % len(URLS)]}", 1: "Costs $5 and 50% off",
                 2: f"From ${i} to ${i + 5}: a {subject} story"}.get(i % 5, "")
        title = title or f"A {subject} essay, number {i}"
        rows.append({"file": name, "title": title, "author": f"Author {i % 7}",
                     "source": "www.example.com" if i % 2 else "https://blog.example.com/feed",
                     "date": f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}"})
    pd.DataFrame(rows).to_csv(folder / "metadata.csv", index=False)
    return folder


def _png_sizes(page: str) -> list[tuple[int, int]]:
    """Width and height of every embedded PNG (from its IHDR header)."""
    sizes = []
    for data in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page):
        head = base64.b64decode(data[:48])
        sizes.append(struct.unpack(">II", head[16:24]))
    return sizes


@pytest.fixture(scope="module")
def sixty(tmp_path_factory):
    import time

    root = tmp_path_factory.mktemp("sixty")
    corpus = write_sixty(root / "sixty-essays")
    start = time.perf_counter()
    pages = render_reports(corpus, root / "out", progress=False, strict=True)
    print(f"\n60-essay report rendered in {time.perf_counter() - start:.0f} s")
    return corpus, pages


@pytest.mark.slow
def test_sixty_essays_render_strictly(sixty):
    import convolab

    corpus, pages = sixty
    assert [p.name for p in pages] == [f"{nb.stem}.html" for nb in NOTEBOOKS]
    loaded = convolab.load_corpus(corpus)
    assert len(loaded.documents) == 60, loaded.excluded


@pytest.mark.slow
def test_sixty_essays_link_to_no_corpus_url(sixty):
    _, pages = sixty
    seen_as_text = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert _live_links(html) == [], page.name
        assert "mailto:" not in html, page.name
        seen_as_text += "https://example.com/x" in "".join(_anchors(html).text)
    assert seen_as_text >= 2  # the URLs are there, as text
    corpus_page = "".join(_anchors(pages[1].read_text(encoding="utf-8")).text)
    assert "Costs $5 and 50% off" in corpus_page


@pytest.mark.slow
def test_sixty_essays_figures_are_sane(sixty):
    _, pages = sixty
    for page in pages:
        html = page.read_text(encoding="utf-8")
        sizes = _png_sizes(html)
        assert 1 <= len(sizes) <= 12, (page.name, len(sizes))
        for width, height in sizes:
            assert 300 <= width <= 3000 and 150 <= height <= 4000, (page.name, width, height)
        assert page.stat().st_size < 6_000_000, page.name

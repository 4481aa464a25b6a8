"""Report machinery: notebooks as committed, and reports rendered for a corpus never seen.

The slow layer renders every notebook in ``notebooks/`` on four short synthetic essays (one
carrying ``<script>alert(1)</script>`` in its text and title) and checks the HTML a reader
gets: every report exists, embeds a figure, shows no error or stderr, loads nothing external,
escapes the hostile text, and says nothing about the seed corpus.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import convolab
from convolab.execute import check_params, declared_parameters
from convolab.report import (
    ReportError,
    find_notebooks,
    notebook_problems,
    output_folder,
    parse_params,
    render_reports,
    strip_external_resources,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SEED_NAMES = ["Maltoni", "Goodwin", "Gilbert", "Conversation Agent", "Branding Strategy Insider",
              "corporobots", "Appreciative Strategies"]
HOSTILE = "<script>alert(1)</script>"

ESSAYS = {
    "bread-baking.txt": f"""\
Our bakery's old website once printed {HOSTILE} in the middle of a recipe, and nobody noticed for a week. The loaves sold anyway, because bread is judged by the crust and not by the page.

A sourdough starter is a small colony of wild yeast and bacteria. It wants flour, water and a warm corner, and it punishes neglect with a sour smell that even a patient baker finds hard to love.

Shaping matters more than most beginners think. A tight skin on the dough traps the gas, and the loaf rises up instead of spreading out like a puddle on the tray.
""",
    "cycling-repair.txt": """\
A bicycle chain stretches slowly over thousands of kilometres. When it stretches, it wears the cogs, and a cheap chain left too long ruins an expensive cassette.

Fixing a puncture at the roadside takes practice. Carry a spare tube, two levers and a small pump, and check the tyre for the thorn before you fit the new tube.

Brakes deserve the most attention of all. Pads wear down quietly, cables fray inside their housing, and a rider only notices on the steepest hill of the day.
""",
    "garden-soil.txt": """\
Good soil is alive. A handful of healthy earth holds more organisms than there are people on the planet, and most of them work without any thanks.

Compost feeds that life. Kitchen scraps, fallen leaves and grass cuttings break down over a season into a dark crumbly mass that smells of a forest floor.

Digging too often breaks the fungal threads that carry water and nutrients. Many gardeners now leave the beds unturned and simply mulch the surface every autumn.
""",
    "lighthouse-keepers.txt": """\
Lighthouse keepers lived by the clock. The lamp had to be lit at sunset, trimmed through the night and put out at dawn, whatever the weather outside.

Supplies came by boat, and storms could delay them for weeks. Keepers kept gardens where they could, salted fish, and rationed oil for the lamp before anything else.

Automation ended the profession in most countries by the end of the last century. The towers still stand, but the rooms where families once lived are mostly empty now.
""",
}
METADATA = f"""\
file,title,author,date
bread-baking.txt,Crust {HOSTILE} and crumb,Ilse Vantongeren,2019-03-02
cycling-repair.txt,Keeping a bicycle on the road,Ravi Okonkwo-Lindqvist,2021-07-15
garden-soil.txt,,Marta Quennell,
lighthouse-keepers.txt,The last keepers,,2015-11-30
"""


def write_corpus(folder: Path) -> Path:
    """Four short essays on unrelated subjects, one with hostile HTML, plus metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ESSAYS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(METADATA, encoding="utf-8")
    return folder


class _Tags(HTMLParser):
    """Collects script/link tags and the text inside scripts."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "link", "img", "iframe"):
            self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _figures(page: str) -> int:
    """Embedded PNG figures (``<img>`` data URIs; nbconvert's CSS carries one of its own)."""
    return sum(1 for tag, attrs in _parse(page).tags
               if tag == "img" and attrs.get("src", "").startswith("data:image/png;base64,"))


# --- the notebooks as committed ---------------------------------------------------------------

def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:2] == ["00-quickstart.ipynb", "01-corpus.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", []), \
        f"{path.name}: the first code cell must be tagged 'parameters'"
    assert "corpus_path" in first_code.source
    # Only a title may come before it.
    assert nb.cells.index(first_code) <= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_cells_state_no_facts_about_the_seed_corpus(path):
    import csv

    with open(ROOT / "corpus" / "metadata.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = set(SEED_NAMES)
    for row in rows:
        names |= {row[k] for k in ("title", "author", "source") if row.get(k)}
        names.add(Path(row["file"]).stem)
    nb = nbformat.read(path, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    typed = sorted(name for name in names if name.lower() in prose)
    assert not typed, f"{path.name}: markdown types facts about the seed corpus: {typed}"


# --- small, fast pieces ---------------------------------------------------------------------

def test_parse_params_casts_values():
    assert parse_params(["a=1", "b=0.5", "c=true", "d=None", "e=paragraph", "f=[1, 2]",
                         "g=a=b"]) == {"a": 1, "b": 0.5, "c": True, "d": None,
                                        "e": "paragraph", "f": [1, 2], "g": "a=b"}
    assert parse_params({"x": 1}) == {"x": 1}
    assert parse_params(None) == {}


@pytest.mark.parametrize("bad", ["novalue", "=1", "two words=1"])
def test_parse_params_rejects_malformed(bad):
    with pytest.raises(ValueError, match="name=value"):
        parse_params([bad])


def test_strip_external_resources_removes_cdn_references_only():
    page = """<html><head>
<script src="https://cdn.example.org/require.min.js"></script>
<script src='//cdn.example.org/x.js'></script>
<link rel="stylesheet" href="https://fonts.example.org/css">
<script type="module">
  document.addEventListener("x", async () => { await import("https://cdn.example.org/m.mjs"); });
</script>
<script>var local = 1;</script>
<style>.a {}</style></head><body><a href="https://example.org">a link stays</a></body></html>"""
    stripped = strip_external_resources(page)
    tags = _parse(stripped).tags
    assert [t for t, a in tags if t == "script"] == ["script"]
    assert "var local = 1" in stripped
    assert "cdn.example.org" not in stripped
    assert "fonts.example.org" not in stripped
    assert 'href="https://example.org"' in stripped


def test_notebook_problems_finds_errors_and_stderr():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                  text="fine")]),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stderr",
                                                                  text="UserWarning: x")]),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "error", ename="ValueError", evalue="bad", traceback=[])]),
    ])
    problems = notebook_problems(nb)
    assert len(problems) == 2
    assert problems[0].startswith("cell 1: stderr: UserWarning")
    assert problems[1] == "cell 2: error ValueError: bad"


def test_unknown_parameter_is_an_error(tmp_path):
    corpus = write_corpus(tmp_path / "essays")
    with pytest.raises(ValueError, match="No notebook declares parameter.*tyop"):
        render_reports(corpus, tmp_path / "out", ["tyop=1"], progress=False)


DECLARED = {"01-corpus.ipynb": {"corpus_path": "../corpus", "min_words": 10, "report_dir": None},
            "02-themes.ipynb": {"corpus_path": "../corpus", "min_words": 10, "unit": "sentence",
                                "embedding": "minilm", "random_state": 0, "stability_seeds": 3,
                                "alpha": 0.5, "fast": False}}


@pytest.mark.parametrize("params", [
    {}, {"unit": "paragraph", "embedding": "static", "random_state": 7, "stability_seeds": 1},
    {"min_words": 0, "alpha": 1, "fast": True},  # an int where the default is a float is fine
])
def test_check_params_accepts_good_values(params):
    check_params(params, DECLARED)


@pytest.mark.parametrize("params, message", [
    ({"unit": "banana"}, "^Parameter unit='banana' is not accepted: use one of 'sentence', "
                         "'paragraph', 'document'.$"),
    ({"random_state": "abc"}, r"^Parameter random_state='abc' is not accepted: it must be an "
                              r"integer \(the notebooks' default is 0\).$"),
    ({"random_state": True}, "random_state=True is not accepted: it must be an integer"),
    ({"stability_seeds": 0}, "stability_seeds=0 is not accepted: it must be at least 1"),
    ({"min_words": -1}, "min_words=-1 is not accepted: it must be at least 0"),
    ({"alpha": "x"}, "alpha='x' is not accepted: it must be a number"),
    ({"fast": 1}, "fast=1 is not accepted: it must be true or false"),
    ({"report_dir": "/x"}, "report_dir is set from the output folder"),
    ({"tyop": 1}, "No notebook declares parameter 'tyop'"),
])
def test_check_params_names_parameter_value_and_what_is_accepted(params, message):
    with pytest.raises(ValueError, match=message) as caught:
        check_params(params, DECLARED)
    assert "\n" not in str(caught.value)


def test_declared_parameters_reads_defaults(tmp_path):
    notebooks = _tiny_notebook(tmp_path, 'x = 1')
    nb = nbformat.read(notebooks / "00-tiny.ipynb", as_version=4)
    nb.cells[1].source += '\nunit = "sentence"  # a comment\nn = 3\nwhere = Path("x")'
    nbformat.write(nb, notebooks / "00-tiny.ipynb")
    declared = declared_parameters(notebooks / "00-tiny.ipynb")
    assert declared == {"corpus_path": "../corpus", "unit": "sentence", "n": 3,
                        "where": 'Path("x")'}
    check_params({"where": 5}, {"00-tiny.ipynb": declared})  # code, not a literal: unchecked


def test_output_folder(tmp_path):
    assert output_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    assert not output_folder(tmp_path / "c", create=False).exists()
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="it is a file, not a folder"):
        output_folder(tmp_path / "f")
    with pytest.raises(NotADirectoryError, match=f"'{tmp_path / 'f'}' is a file, not a folder"):
        output_folder(tmp_path / "f" / "g" / "h", create=False)


def test_bad_parameters_fail_before_anything_runs(tmp_path, monkeypatch):
    import convolab.report

    def never(*args, **kwargs):
        raise AssertionError("a notebook ran")

    monkeypatch.setattr(convolab.report, "execute", never)
    corpus = write_corpus(tmp_path / "essays")
    for bad in (["unit=banana"], ["random_state=abc"], ["stability_seeds=0"]):
        with pytest.raises(ValueError, match=bad[0].split("=")[0]):
            render_reports(corpus, tmp_path / "out", bad, progress=False)
    assert not (tmp_path / "out").exists()


def test_missing_notebooks_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="No notebooks"):
        find_notebooks(tmp_path)


# --- the slow layer: real kernels --------------------------------------------------------------

def _tiny_notebook(folder: Path, *sources: str, name: str = "00-tiny.ipynb",
                   report_dir: bool = False) -> Path:
    """A notebook of ``sources`` whose parameters cell declares ``corpus_path`` (and
    ``report_dir`` when asked)."""
    folder.mkdir(parents=True, exist_ok=True)
    params = nbformat.v4.new_code_cell('corpus_path = "../corpus"'
                                       + ("\nreport_dir = None" if report_dir else ""))
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Tiny"), params,
                                         *map(nbformat.v4.new_code_cell, sources)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, folder / name)
    return folder


@pytest.mark.slow
def test_kernel_runs_on_this_interpreter_with_a_quiet_environment(tmp_path):
    notebooks = _tiny_notebook(
        tmp_path / "nbs",
        "import os, sys\nprint(sys.executable)\nprint(os.environ.get('TQDM_DISABLE'), "
        "os.environ.get('HF_HUB_OFFLINE'))\nprint(corpus_path)")
    corpus = write_corpus(tmp_path / "essays")
    render_reports(corpus, tmp_path / "out", notebooks_dir=notebooks, progress=False,
                   strict=True)
    nb = nbformat.read(tmp_path / "out" / "executed" / "00-tiny.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    executable, env, path = printed.strip().splitlines()
    assert Path(executable).resolve() == Path(sys.executable).resolve()
    assert env == "1 1"
    assert path == str(corpus.resolve())


@pytest.mark.slow
def test_failing_notebook_names_notebook_cell_and_exception(tmp_path):
    notebooks = _tiny_notebook(tmp_path / "nbs", "x = 1",
                               "values = {'a': 1}\nvalues['missing_key']")
    corpus = write_corpus(tmp_path / "essays")
    with pytest.raises(ReportError) as caught:
        render_reports(corpus, tmp_path / "out", notebooks_dir=notebooks, progress=False)
    message = str(caught.value)
    assert "00-tiny.ipynb" in message
    assert "values['missing_key']" in message
    assert "KeyError" in message and "missing_key" in message
    assert caught.value.notebook == "00-tiny.ipynb"
    assert caught.value.executed.exists()


@pytest.mark.slow
def test_stderr_fails_in_strict_mode(tmp_path):
    notebooks = _tiny_notebook(tmp_path / "nbs",
                               "import sys\nprint('noise', file=sys.stderr)")
    corpus = write_corpus(tmp_path / "essays")
    with pytest.raises(ReportError, match="stderr: noise"):
        render_reports(corpus, tmp_path / "out", notebooks_dir=notebooks, progress=False,
                       strict=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every notebook rendered on the synthetic corpus (not strict: the tests say what is
    wrong, notebook by notebook)."""
    root = tmp_path_factory.mktemp("reports")
    corpus = write_corpus(root / "four-essays")
    out = root / "out"
    pages = render_reports(corpus, out, progress=False)
    return out, pages


@pytest.mark.slow
def test_hostile_text_reaches_the_corpus(tmp_path):
    corpus = convolab.load_corpus(write_corpus(tmp_path / "essays"))
    assert len(corpus.documents) == 4
    assert corpus.sentences["text"].str.contains(HOSTILE, regex=False).any()
    assert corpus.documents["title"].str.contains(HOSTILE, regex=False).any()


@pytest.mark.slow
def test_index_links_every_report(rendered):
    out, pages = rendered
    assert [p.name for p in pages] == [f"{nb.stem}.html" for nb in NOTEBOOKS]
    index = (out / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert page.exists()
        assert f'href="{page.name}"' in index
    assert "four-essays" in index
    assert convolab.__version__ in index
    assert re.search(r"\d{4}-\d{2}-\d{2}", index)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
class TestRenderedReport:
    def page(self, rendered, notebook) -> str:
        out, _ = rendered
        return (out / f"{notebook.stem}.html").read_text(encoding="utf-8")

    def test_embeds_a_figure(self, rendered, notebook):
        assert _figures(self.page(rendered, notebook)) >= 1

    def test_no_error_and_no_stderr(self, rendered, notebook):
        out, _ = rendered
        executed = nbformat.read(out / "executed" / notebook.name, as_version=4)
        assert notebook_problems(executed) == []
        page = self.page(rendered, notebook)
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page
        assert "Traceback" not in page

    def test_loads_nothing_external(self, rendered, notebook):
        page = self.page(rendered, notebook)
        parsed = _parse(page)
        for tag, attrs in parsed.tags:
            url = attrs.get("src") or (attrs.get("href") if tag == "link" else None) or ""
            assert not re.match(r"(https?:)?//", url), f"<{tag}> loads {url}"
        assert not re.search(r"import\(\s*[\"'](https?:)?//", "".join(parsed.script_text))

    def test_hostile_text_is_escaped(self, rendered, notebook):
        page = self.page(rendered, notebook)
        assert HOSTILE not in page
        assert "alert(1)" not in "".join(_parse(page).script_text)
        if notebook.name in ("00-quickstart.ipynb", "01-corpus.ipynb"):
            # Both show corpus text or titles (pandas may truncate long cells): the hostile
            # markup must be there, as text.
            assert "&lt;script&gt;" in page

    def test_says_nothing_about_the_seed_corpus(self, rendered, notebook):
        page = self.page(rendered, notebook)
        found = [name for name in SEED_NAMES if name in page]
        assert not found, f"{notebook.name} mentions the seed corpus: {found}"


@pytest.mark.slow
def test_every_notebook_renders_on_the_seed_corpus_without_noise(seed_reports):
    """`make report` in miniature: the seed corpus, strict (any stderr output fails)."""
    _, pages = seed_reports
    assert len(pages) == len(NOTEBOOKS)
    for page in pages:
        assert _figures(page.read_text(encoding="utf-8")) >= 1, page.name


@pytest.mark.slow
def test_reports_on_the_seed_corpus_are_byte_for_byte_reproducible(seed_reports, tmp_path):
    """Every real notebook on the seed corpus, with the real pipeline, rendered twice (the
    first time by the session's fixture, in another folder)."""
    from test_report_inert import _differences, _pages, _without_timestamp

    render_reports(ROOT / "corpus", tmp_path / "second", progress=False, strict=True)
    runs = [_pages(seed_reports[0]), _pages(tmp_path / "second")]
    for run in runs:
        run["index.html"] = _without_timestamp(run["index.html"])
    assert set(runs[0]) == {f"{nb.stem}.html" for nb in NOTEBOOKS} | {"index.html"}
    assert _differences(*runs) == {}


# --- the figures the corpus reports embed --------------------------------------------------------

def test_corpus_plots_return_axes_and_save(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from convolab.plots.corpus import plot_document_lengths, plot_removed

    documents = pd.DataFrame({"doc_id": ["a", "b"], "n_words": [10, 30]})
    ax = plot_document_lengths(documents, save=tmp_path / "lengths.png")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]  # longest first
    assert (tmp_path / "lengths.png").stat().st_size > 1000
    removed = pd.DataFrame({"doc_id": ["a", "a", "b"], "kind": ["x", "y", "x"], "text": "t"})
    assert plot_removed(removed).get_xlabel() == "pieces of text removed"
    assert plot_removed(removed, hue="doc_id").get_legend() is not None
    _, given = plt.subplots()
    assert plot_removed(removed.iloc[:0], ax=given) is given
    plt.close("all")

"""Execute the curated notebooks on a corpus and render them to self-contained HTML reports.

``render_reports`` runs every notebook in ``notebooks/`` (sorted by name) with papermill,
injecting the corpus path, the output folder (to notebooks that declare ``report_dir``) and any
parameter overrides, then exports each to one HTML file that reads fully offline: figures are
embedded as data URIs and nbconvert's references to CDNs (require.js, MathJax) are removed. An
``index.html`` links the reports.

Mistakes are caught before anything runs, each as one line: an output folder that cannot be
written, a missing corpus, a parameter no notebook declares or with a value the library does
not accept (:func:`convolab.execute.check_params`), and a corpus that is empty or too small to
model with the units asked for (it is loaded once to check). Anything a notebook still writes
to stderr is reported: logged as a warning, or an error with ``strict=True``, so that noise is
fixed at its source rather than shipped.

Reports are reproducible: the same corpus and parameters give byte-identical pages, wherever
they are written (cell ids are stable, see :mod:`convolab.execute`; ``report_dir`` is left out
of the parameters a page shows). Only ``index.html`` says when it was rendered.

A layer on top: :mod:`convolab.execute` runs the notebooks; this module loads the corpus only
to check it and calls no analysis function otherwise; only :mod:`convolab.cli` and the package
root (for ``cl.render_reports``) import it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .execute import (
    ReportError,
    check_params,
    declared_parameters,
    execute,
    notebook_problems,
    parse_params,
)
from .outputs import write_text

logger = logging.getLogger(__name__)

__all__ = [
    "Report",
    "ReportError",
    "find_notebooks",
    "notebook_problems",
    "output_folder",
    "parse_params",
    "render_reports",
    "strip_external_resources",
]

#: Tags of cells whose input is hidden in reports: the notebook's own defaults are replaced by
#: papermill's ``injected-parameters`` cell, which is shown so a reader sees what was run.
HIDDEN_INPUT_TAGS = {"parameters"}

_EXTERNAL = r"""(?:https?:)?//"""
_EXTERNAL_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?""" + _EXTERNAL + r"""[^>]*>\s*</script>""", re.I)
_EXTERNAL_LINK = re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']?""" + _EXTERNAL + r"""[^>]*>""",
                            re.I)
# The lab template's Mermaid loader imports the library from a CDN when a diagram is present.
_REMOTE_IMPORT = re.compile(
    r"""<script\b[^>]*>(?:(?!</script>).)*?\bimport\(\s*["']""" + _EXTERNAL
    + r"""(?:(?!</script>).)*</script>""", re.S | re.I)
# The lab template configures MathJax inline; without MathJax loaded that config is dead code.
_MATHJAX_CONFIG = re.compile(r"""<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->""",
                             re.S)


@dataclass
class Report:
    """One rendered notebook."""

    name: str
    title: str
    html: Path
    executed: Path
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.html.stat().st_size


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def find_notebooks(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The notebooks a report is made of, sorted by name.

    Parameters
    ----------
    notebooks_dir : path, optional
        Defaults to ``notebooks/`` in the working directory, else beside the ``convolab``
        package (a source checkout).

    Raises
    ------
    FileNotFoundError
        If no folder of notebooks is found, or it holds none.
    """
    if notebooks_dir is None:
        candidates = [Path.cwd() / "notebooks", _repo_root() / "notebooks"]
        notebooks_dir = next((c for c in candidates if any(c.glob("*.ipynb"))), candidates[0])
    folder = Path(notebooks_dir)
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"No notebooks (*.ipynb) in '{folder}'. Pass the folder of "
                                "curated notebooks (the project's notebooks/).")
    return notebooks


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return fallback


def strip_external_resources(page: str) -> str:
    """Remove ``<script src>``, ``<link href>`` and script imports that point off the page.

    nbconvert's lab template loads require.js, MathJax and Mermaid from CDNs; a report must
    read offline, and nothing in our notebooks needs them (figures are static images, and
    pandas tables and computed prose are plain HTML).
    """
    page = _MATHJAX_CONFIG.sub("", page)
    page = _REMOTE_IMPORT.sub("", page)
    page = _EXTERNAL_SCRIPT.sub("", page)
    return _EXTERNAL_LINK.sub("", page)


class _DropAltTextNotice(logging.Filter):
    # nbconvert gives every figure a generic alt text and warns about each notebook; the
    # figures' meaning is in the prose around them, so the notice is noise on the console.
    def filter(self, record: logging.LogRecord) -> bool:
        return "Alternative text is missing" not in record.getMessage()


def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "lab"
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = set(HIDDEN_INPUT_TAGS)
    exporter = HTMLExporter(config=config)
    exporter.log = logging.getLogger(f"{__name__}.nbconvert")
    if not any(isinstance(f, _DropAltTextNotice) for f in exporter.log.filters):
        exporter.log.addFilter(_DropAltTextNotice())
    return exporter


def _export(nb, title: str, exporter) -> str:
    page, _ = exporter.from_notebook_node(_as_shown(nb), resources={"metadata": {"name": title}})
    return strip_external_resources(page)


def _as_shown(nb):
    """The notebook as a page shows it: without the injected ``report_dir`` line.

    It says where this copy was written, which is no part of the analysis; leaving it out keeps
    a page byte-identical wherever it is rendered. The executed notebook keeps it.
    """
    import copy

    shown = copy.deepcopy(nb)
    for cell in shown.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = "\n".join(line for line in cell.source.splitlines()
                                    if not line.startswith("report_dir = "))
    return shown


def output_folder(out: str | Path, *, create: bool = True) -> Path:
    """Create the folder ``out`` (and its parents), or say in one line why it cannot be.

    With ``create=False`` only check that it could be: callers check before any work and
    create once the rest of their input is known to be good.

    Raises
    ------
    NotADirectoryError
        ``out``, or a folder it would be created in, is a file.
    PermissionError
        The nearest existing folder cannot be written to.
    """
    out = Path(out)
    existing = next(p for p in (out, *out.parents) if p.exists() or p == Path(p.anchor))
    if existing.exists() and not existing.is_dir():
        where = "it is" if existing == out else f"'{existing}' is"
        raise NotADirectoryError(f"Cannot write to '{out}': {where} a file, not a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"Cannot write to '{out}': no permission to write in "
                              f"'{existing}'.")
    try:
        if create:
            out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PermissionError(f"Cannot write to '{out}': {exc.strerror or exc}.") from exc
    return out


def _check_corpus(corpus_path: Path, params: dict, declared: dict) -> None:
    """Load the corpus as the notebooks will and check it can be modelled, before any runs.

    An empty folder, a corpus whose every file is excluded, or too few units for topics with
    the unit asked for is a one-line ValueError here rather than a failed notebook later.
    """
    import convolab
    from convolab.topics.clustering import check_size

    corpora: dict = {}
    for names in declared.values():
        if "corpus_path" not in names:
            continue
        settings = {**names, **{k: v for k, v in params.items() if k in names}}
        options = {k: settings[k] for k in ("min_words", "follow_links") if k in settings}
        key = tuple(options.items())
        if key not in corpora:
            corpora[key] = convolab.load_corpus(corpus_path, **options)
        if "unit" in settings:  # the notebook fits topics on these units
            check_size(len(corpora[key].units(settings["unit"])), settings["unit"])


def render_reports(
    corpus: str | Path = "corpus",
    out: str | Path = "reports",
    params: Mapping | Iterable[str] | None = None,
    *,
    notebooks_dir: str | Path | None = None,
    kernel_name: str = "python3",
    timeout: int | None = 1800,
    strict: bool = False,
    progress: bool = True,
) -> list[Path]:
    """Execute every notebook on ``corpus`` and write self-contained HTML reports to ``out``.

    Parameters
    ----------
    corpus : path
        Folder (or file) of essays; injected into each notebook as ``corpus_path`` (absolute).
    out : path
        Folder for ``index.html``, one ``<notebook>.html`` per notebook, and the executed
        notebooks under ``executed/``; injected as ``report_dir`` (absolute) into each notebook
        that declares it, so a notebook can write files for its page to link.
    params : dict or iterable of "name=value", optional
        Overrides of the notebooks' ``parameters`` cells; each notebook receives those it
        declares. Checked before anything runs (:func:`convolab.execute.check_params`): a name
        no notebook declares (likely a typo), a value of another type than the declared
        default, or outside the library's choices, is an error.
    notebooks_dir : path, optional
        Where the notebooks are; see :func:`find_notebooks`.
    kernel_name : str
        ``"python3"`` runs on this interpreter; another name uses that kernelspec.
    timeout : int, optional
        Seconds one cell may run.
    strict : bool
        Raise :class:`ReportError` when a notebook writes to stderr (otherwise a warning is
        logged and the report is still written).
    progress : bool
        Show a progress bar over notebooks.

    Returns
    -------
    list of Path
        The HTML reports, in notebook order; ``out / "index.html"`` links them.

    Raises
    ------
    ValueError
        A parameter is not accepted, or the corpus is empty or too small for topics with the
        unit asked for (one line, before any notebook runs).
    FileNotFoundError, NotADirectoryError, PermissionError
        No corpus or notebooks where given; ``out`` cannot be written (checked first).
    ReportError
        Names the failing notebook and cell, quotes the cell and the exception.

    Examples
    --------
    >>> from convolab.report import render_reports
    >>> render_reports("corpus", "reports", {"random_state": 1})   # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    import convolab

    out = output_folder(out, create=False)
    corpus_path = Path(corpus).resolve()
    if not corpus_path.exists():
        raise FileNotFoundError(f"No corpus at '{corpus}': pass a folder of essays.")
    notebooks = find_notebooks(notebooks_dir)
    params = parse_params(params)
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    check_params(params, {nb.name: names for nb, names in declared.items()})
    _check_corpus(corpus_path, params, declared)
    output_folder(out / "executed")
    exporter = _exporter()
    reports: list[Report] = []
    bar = tqdm(notebooks, desc="Rendering reports", unit="notebook", disable=not progress)
    for notebook in bar:
        bar.set_postfix_str(notebook.name)
        given = {"corpus_path": str(corpus_path), "report_dir": str(out.resolve()), **params}
        mine = {k: v for k, v in given.items() if k in declared[notebook] or k == "corpus_path"}
        executed = out / "executed" / notebook.name
        start = time.perf_counter()
        nb = execute(notebook, executed, mine, notebook.parent.resolve(),
                     kernel_name=kernel_name, timeout=timeout)
        seconds = time.perf_counter() - start
        problems = notebook_problems(nb)
        if problems:
            message = f"{notebook.name} wrote to stderr or raised: " + "; ".join(problems)
            if strict:
                raise ReportError(message, notebook=notebook.name, executed=executed)
            logger.warning(message)
        title = _title(nb, notebook.stem)
        page = out / f"{notebook.stem}.html"
        write_text(page, _export(nb, title, exporter))
        reports.append(Report(notebook.name, title, page, executed, seconds, problems))
        logger.info("%s: %.1f s, %.0f kB", page.name, seconds, page.stat().st_size / 1024)
    _write_index(out, reports, corpus_path, params, convolab.__version__)
    return [report.html for report in reports]


def _write_index(out: Path, reports: list[Report], corpus: Path, params: dict,
                 version: str) -> Path:
    # Jinja2 (nbconvert's own template engine) with autoescaping: titles and parameters may
    # hold any text.
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=True, keep_trailing_newline=True)
    page = env.get_template("index.html.j2").render(
        corpus=corpus, reports=reports, version=version, python=sys.version.split()[0],
        rendered=datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        params=[(k, json.dumps(v)) for k, v in params.items()])
    index = out / "index.html"
    return write_text(index, page)

"""Execute the curated notebooks on a corpus and render them to self-contained HTML reports.

``render_reports`` runs every notebook in ``notebooks/`` (sorted by name) with papermill,
injecting the corpus path and any parameter overrides, then exports each to one HTML file
that reads fully offline: figures are embedded as data URIs and nbconvert's references to
CDNs (require.js, MathJax) are removed. An ``index.html`` links the reports.

The kernel always runs on this interpreter (``sys.executable``), whatever kernelspecs are
installed elsewhere, in an environment that keeps progress bars and hub look-ups out of the
reports. Anything a notebook still writes to stderr is reported: logged as a warning, or an
error with ``strict=True``, so that noise is fixed at its source rather than shipped.

A layer on top: it runs notebooks and calls no analysis function itself (it reads only the
package's version); only :mod:`convolab.cli` and the package root (for ``cl.render_reports``)
import it.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

logger = logging.getLogger(__name__)

__all__ = [
    "Report",
    "ReportError",
    "find_notebooks",
    "notebook_problems",
    "parse_params",
    "render_reports",
    "strip_external_resources",
]

#: Environment of the notebook kernel: no progress bars (they go to stderr), no hub look-ups,
#: no tokenizer fork warnings, no debugger notice about frozen modules.
KERNEL_ENV = {
    "TQDM_DISABLE": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

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


class ReportError(RuntimeError):
    """A notebook failed while rendering the reports.

    Attributes
    ----------
    notebook : str
        File name of the failing notebook.
    cell_index : int or None
        Index of the failing cell in the executed notebook.
    executed : Path or None
        The partly executed notebook, with the traceback in its outputs.
    """

    def __init__(self, message: str, *, notebook: str, cell_index: int | None = None,
                 executed: Path | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index
        self.executed = executed


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


def _cast(value: str):
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value


def parse_params(pairs: Iterable[str] | Mapping | None) -> dict:
    """Parse ``k=v`` strings into parameters, casting numbers, booleans, None and literals.

    Examples
    --------
    >>> parse_params(["random_state=1", "unit=sentence", "min_words=5", "fast=true"])
    {'random_state': 1, 'unit': 'sentence', 'min_words': 5, 'fast': True}
    """
    if pairs is None:
        return {}
    if isinstance(pairs, Mapping):
        return dict(pairs)
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ValueError(f"Parameters are given as name=value, not {pair!r}.")
        params[key] = _cast(value)
    return params


def _kernel_manager_class(env: Mapping[str, str]):
    """A kernel manager that runs ``python3`` on this interpreter, with ``env`` added."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ThisInterpreterSpecs(KernelSpecManager):
        # A user-level kernelspec named python3 may point at another Python; reports must run
        # with the convolab that rendered them.
        def get_kernel_spec(self, kernel_name):
            if kernel_name in ("python3", "python"):
                return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())
            return super().get_kernel_spec(kernel_name)

    class ConvolabKernelManager(AsyncKernelManager):
        # IPC sockets: the kernel is local, and over TCP ipykernel warns (on our stderr) that
        # the channel is unencrypted.
        @default("transport")
        def _transport_default(self):
            return "ipc"

        @default("ip")
        def _ip_default(self):
            # IPC socket files are named after `ip`; keep them out of the notebooks folder.
            return os.path.join(tempfile.mkdtemp(prefix="convolab-kernel-"), "kernel-ipc")

        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return ThisInterpreterSpecs(data_dir=self.data_dir)

        async def start_kernel(self, **kw):
            kw["env"] = {**os.environ, **env, **(kw.get("env") or {})}
            return await super().start_kernel(**kw)

    return ConvolabKernelManager


def notebook_problems(nb) -> list[str]:
    """Errors and stderr output in an executed notebook, one line per offending cell output."""
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: error {output.get('ename')}: "
                                f"{output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", "")).strip()
                problems.append(f"cell {index}: stderr: {text[:300]}")
    return problems


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
    page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return strip_external_resources(page)


def _execute(notebook: Path, executed: Path, params: dict, cwd: Path, *, kernel_name: str,
             timeout: int | None):
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            str(notebook), str(executed), parameters=params, kernel_name=kernel_name,
            cwd=str(cwd), progress_bar=False, log_output=False, execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(KERNEL_ENV),
        )
    except PapermillExecutionError as exc:
        source = exc.source.strip()
        excerpt = "\n".join("    " + line for line in source.splitlines()[:12])
        if len(source.splitlines()) > 12:
            excerpt += "\n    ..."
        raise ReportError(
            f"Notebook {notebook.name} failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}):\n{excerpt}\n"
            f"{exc.ename}: {exc.evalue}\n"
            f"The executed notebook, with the full traceback, is at {executed}.",
            notebook=notebook.name, cell_index=exc.cell_index, executed=executed,
        ) from exc
    return nbformat.read(executed, as_version=4)


def _declared_params(notebook: Path) -> set[str]:
    import papermill as pm

    return set(pm.inspect_notebook(str(notebook)))


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
        notebooks under ``executed/``.
    params : dict or iterable of "name=value", optional
        Overrides of the notebooks' ``parameters`` cells; each notebook receives those it
        declares. A name no notebook declares is an error (likely a typo).
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
    ReportError
        Names the failing notebook and cell, quotes the cell and the exception.

    Examples
    --------
    >>> from convolab.report import render_reports
    >>> render_reports("corpus", "reports", {"random_state": 1})   # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    import convolab

    corpus_path = Path(corpus).resolve()
    if not corpus_path.exists():
        raise FileNotFoundError(f"No corpus at '{corpus}': pass a folder of essays.")
    notebooks = find_notebooks(notebooks_dir)
    params = parse_params(params)
    declared = {nb: _declared_params(nb) for nb in notebooks}
    unknown = set(params) - set().union(*declared.values())
    if unknown:
        known = ", ".join(sorted(set().union(*declared.values())))
        raise ValueError(f"No notebook declares parameter(s) {', '.join(sorted(unknown))}; "
                         f"they declare: {known}.")
    out = Path(out)
    (out / "executed").mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    reports: list[Report] = []
    bar = tqdm(notebooks, desc="Rendering reports", unit="notebook", disable=not progress)
    for notebook in bar:
        bar.set_postfix_str(notebook.name)
        mine = {"corpus_path": str(corpus_path),
                **{k: v for k, v in params.items() if k in declared[notebook]}}
        executed = out / "executed" / notebook.name
        start = time.perf_counter()
        nb = _execute(notebook, executed, mine, notebook.parent.resolve(),
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
        page.write_text(_export(nb, title, exporter), encoding="utf-8")
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
    index.write_text(page, encoding="utf-8")
    return index

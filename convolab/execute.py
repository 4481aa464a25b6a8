"""Run one notebook: parameters checked first, papermill on this interpreter, stable output.

The execution half of :mod:`convolab.report`, which renders what this module returns.

- **Parameters** (:func:`parse_params`, :func:`check_params`): ``name=value`` strings are cast
  to Python values, then checked against what the notebooks declare in their ``parameters``
  cells (papermill's :func:`~papermill.inspect_notebook`) before any notebook runs: the type of
  the declared default, the library's own choices (units from :mod:`convolab.corpus`,
  embedding backends from :mod:`convolab.embeddings`), lower bounds, and the shape of the
  topic edits (``merge_topics``, ``topic_labels``, ``seed_topics``, ``stop_words``, checked by
  :mod:`convolab.topics.steering`; whether a topic id exists is known only after fitting,
  so the notebook checks that). A mistake is one
  line naming the parameter, the value and what is accepted, not a traceback two notebooks in.
- **The kernel** always runs on this interpreter (``sys.executable``), whatever kernelspecs are
  installed elsewhere, in an environment (:data:`KERNEL_ENV`) that keeps progress bars and hub
  look-ups out of the reports and fixes Python's string hashing, so that nothing a notebook
  shows depends on the order of a set of strings.
- **Stable output**: papermill gives the cell it injects a random id, and so does nbformat to
  every cell of a notebook saved before cell ids existed (format 4.4). Those ids end up in the
  HTML (``id="cell-id=…"``), so :func:`execute` replaces them with ids derived from the
  notebook's name and the cell's position: the same notebook renders to the same bytes.

May import: the corpus layer and :mod:`convolab.embeddings` for their constants, and
:mod:`convolab.topics.steering` for its checks; it calls no analysis function. Only :mod:`convolab.report` imports it.
"""

from __future__ import annotations

import ast
import hashlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .corpus import UNITS
from .embeddings import BACKENDS
from .outputs import atomic_path
from .topics.steering import check_steering, parse_groups, parse_labels

__all__ = [
    "KERNEL_ENV",
    "PARAMETER_CHECKS",
    "PARAMETER_CHOICES",
    "PARAMETER_MINIMA",
    "ReportError",
    "check_params",
    "declared_parameters",
    "execute",
    "notebook_problems",
    "parse_params",
]

#: Environment of the notebook kernel: no progress bars (they go to stderr), no hub look-ups,
#: no tokenizer fork warnings, no debugger notice about frozen modules, and one string hash
#: seed, so that set and hash orders are the same in every run (reports are reproducible).
KERNEL_ENV = {
    "TQDM_DISABLE": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "PYTHONHASHSEED": "0",
}

#: Parameters whose value must be one of the library's own choices.
PARAMETER_CHOICES = {"unit": tuple(UNITS), "embedding": tuple(BACKENDS),
                     "coarsen": ("auto", True, False)}
#: Lower bounds: numpy seeds are non-negative, a stability estimate needs at least one refit,
#: and a minimum length below zero is a typo.
PARAMETER_MINIMA = {"random_state": 0, "stability_seeds": 1, "min_words": 0}
#: Parameters checked by a function that raises a one-line ValueError (the topic edits).
PARAMETER_CHECKS = {"merge_topics": parse_groups, "topic_labels": parse_labels,
                    "seed_topics": lambda value: check_steering(value or None, None),
                    "stop_words": lambda value: check_steering(None, value or None)}
#: Parameters the renderer sets itself; a user passing them is a mistake.
SET_BY_RENDERER = {"corpus_path": "the corpus argument (--corpus)",
                   "report_dir": "the output folder (--out)"}


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


# --- parameters ---------------------------------------------------------------------------------

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


def declared_parameters(notebook: str | Path) -> dict:
    """The parameters a notebook's ``parameters`` cell declares, with their default values.

    A default that is not a Python literal (e.g. ``Path("x")``) is given as its source text.
    """
    import papermill as pm

    declared = {}
    for name, info in pm.inspect_notebook(str(notebook)).items():
        try:
            declared[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            declared[name] = _Expression(info["default"])
    return declared


class _Expression(str):
    """A default given as code rather than a literal: its type is not known, so not checked."""


def _kind(default) -> tuple[str, tuple[type, ...]] | None:
    """What a value must be, judged by the declared default: a description and the types."""
    if isinstance(default, _Expression) or default is None:
        return None
    if isinstance(default, bool):
        return "true or false", (bool,)
    if isinstance(default, int):
        return "an integer", (int,)
    if isinstance(default, float):
        return "a number", (int, float)
    if isinstance(default, str):
        return "text", (str,)
    return f"a {type(default).__name__}", (type(default),)


def _is_choice(value, choices) -> bool:
    """``value`` is one of ``choices`` and of its type (so 1 is not taken for True)."""
    return any(type(value) is type(c) and value == c for c in choices)


def check_params(params: Mapping, declared: Mapping[str, Mapping]) -> None:
    """Check parameter overrides against the notebooks' declarations, before anything runs.

    Parameters
    ----------
    params : mapping
        The overrides, e.g. from :func:`parse_params`.
    declared : mapping
        Per notebook, its declared parameters and defaults (:func:`declared_parameters`).

    Raises
    ------
    ValueError
        One line naming the parameter, the value given and what is accepted: a name no notebook
        declares (likely a typo), a value of the wrong type for the declared default, a value
        outside the library's choices (:data:`PARAMETER_CHOICES`) or below its minimum
        (:data:`PARAMETER_MINIMA`), a malformed topic edit (:data:`PARAMETER_CHECKS`), or a
        parameter the renderer sets itself.

    Examples
    --------
    >>> check_params({"unit": "banana"}, {"02-themes.ipynb": {"unit": "sentence"}})
    Traceback (most recent call last):
    ...
    ValueError: Parameter unit='banana' is not accepted: use one of 'sentence', 'paragraph', 'document'.
    """
    defaults: dict = {}
    for names in declared.values():
        for name, default in names.items():
            defaults.setdefault(name, default)
    for name, value in params.items():
        if name in SET_BY_RENDERER:
            raise ValueError(f"Parameter {name} is set from {SET_BY_RENDERER[name]}; "
                             "do not pass it as a parameter.")
        if name not in defaults:
            known = ", ".join(sorted(set(defaults) - set(SET_BY_RENDERER)))
            raise ValueError(f"No notebook declares parameter {name!r} (given {name}={value!r}); "
                             f"they declare: {known}.")
        # A parameter with choices is checked against them alone: coarsen mixes "auto" and bools.
        kind = None if name in PARAMETER_CHOICES else _kind(defaults[name])
        bad_type = kind is not None and (not isinstance(value, kind[1]) or (
            isinstance(value, bool) and bool not in kind[1]))
        if bad_type:
            raise ValueError(f"Parameter {name}={value!r} is not accepted: it must be {kind[0]} "
                             f"(the notebooks' default is {defaults[name]!r}).")
        if name in PARAMETER_CHOICES and not _is_choice(value, PARAMETER_CHOICES[name]):
            choices = ", ".join(repr(c) for c in PARAMETER_CHOICES[name])
            raise ValueError(f"Parameter {name}={value!r} is not accepted: use one of {choices}.")
        minimum = PARAMETER_MINIMA.get(name)
        if minimum is not None and isinstance(value, (int, float)) and value < minimum:
            raise ValueError(f"Parameter {name}={value!r} is not accepted: it must be at least "
                             f"{minimum}.")
        if name in PARAMETER_CHECKS:
            try:
                PARAMETER_CHECKS[name](value)
            except ValueError as exc:
                raise ValueError(f"Parameter {name}={value!r} is not accepted: {exc}") from None


# --- the kernel ---------------------------------------------------------------------------------

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


# --- execution ----------------------------------------------------------------------------------

def _cell_id(notebook_name: str, key) -> str:
    # Eight hex digits, the shape Jupyter gives ids, but from the name and the cell's place.
    return hashlib.sha1(f"{notebook_name}/{key}".encode()).hexdigest()[:8]


def stable_cell_ids(nb, source, notebook_name: str):
    """Give ``nb`` (executed from ``source``) cell ids that are the same in every run.

    A cell keeps the id committed in ``source``; a cell without one (a notebook saved before
    cell ids, format 4.4) gets an id derived from the notebook's name and its position, and the
    cell papermill injected one derived from the name alone.
    """
    committed = [cell.get("id") for cell in source.cells]
    own = [cell for cell in nb.cells if "injected-parameters" not in cell.metadata.get("tags", [])]
    if len(own) != len(committed):  # not the source's cells: derive every id from its position
        committed = [None] * len(own)
    for index, (cell, cell_id) in enumerate(zip(own, committed)):
        cell["id"] = cell_id or _cell_id(notebook_name, index)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = _cell_id(notebook_name, "injected-parameters")
    return nb


def execute(notebook: Path, executed: Path, params: dict, cwd: Path, *, kernel_name: str,
            timeout: int | None):
    """Execute ``notebook`` with ``params`` into ``executed`` (papermill) and return it.

    Raises
    ------
    ReportError
        Names the notebook and the failing cell, quotes the cell and the exception, and says
        where the partly executed notebook is.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    # Written under a temporary name: a full disk never leaves a truncated notebook behind.
    with atomic_path(executed) as tmp:
        try:
            pm.execute_notebook(
                str(notebook), str(tmp), parameters=params, kernel_name=kernel_name,
                cwd=str(cwd), progress_bar=False, log_output=False, execution_timeout=timeout,
                kernel_manager_class=_kernel_manager_class(KERNEL_ENV),
            )
        except PapermillExecutionError as exc:
            os.replace(tmp, executed)  # kept on purpose: it holds the full traceback
            raise _failure(notebook, executed, exc) from exc
        nb = stable_cell_ids(nbformat.read(tmp, as_version=4),
                             nbformat.read(notebook, as_version=4), notebook.name)
        nbformat.write(nb, tmp)
    return nb


def _failure(notebook: Path, executed: Path, exc) -> ReportError:
    """The report error for a failed cell: the cell quoted, or one line when the notebook
    could not write its output (a full disk is not a bug in the cell)."""
    if exc.ename == "OutputError":
        return ReportError(f"Notebook {notebook.name}: {exc.evalue}", notebook=notebook.name,
                           cell_index=exc.cell_index, executed=executed)
    source = exc.source.strip()
    excerpt = "\n".join("    " + line for line in source.splitlines()[:12])
    if len(source.splitlines()) > 12:
        excerpt += "\n    ..."
    return ReportError(
        f"Notebook {notebook.name} failed in cell {exc.cell_index} "
        f"(execution count {exc.exec_count}):\n{excerpt}\n"
        f"{exc.ename}: {exc.evalue}\n"
        f"The executed notebook, with the full traceback, is at {executed}.",
        notebook=notebook.name, cell_index=exc.cell_index, executed=executed,
    )

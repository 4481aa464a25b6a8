"""The package shows its architecture: layers in ``ls convolab/``, import walls that hold and
that catch a violation, modules small enough to read, and a public API that does not move.

The walls are import-linter contracts (``[tool.importlinter]`` in pyproject.toml): a maintained
tool that builds the import graph (grimp) and checks layers and forbidden imports, indirect
chains included.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import convolab

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "convolab"
LAYERS = ["corpus", "topics", "sentiment", "compare", "narrative", "plots"]
TOP_MODULES = ["__init__.py", "embeddings.py", "embedding_cache.py", "execute.py", "outputs.py",
               "cluster.py", "report.py", "cli.py"]
DATA = ["templates"]  # the report index page (Jinja2), not code
MAX_LINES = 420  # "no module over ~400 lines"


def _lint(project: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the package under ``project`` (its own pyproject.toml)."""
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(project), "COLUMNS": "200"}
    return subprocess.run([str(lint), "--no-cache", "--config", "pyproject.toml"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=120)


def _lint_with(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """Lint a copy of the package with ``line`` appended to ``module`` (a violation)."""
    shutil.copytree(PACKAGE, tmp_path / "convolab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.npz"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "convolab" / module, "a") as file:
        file.write(f"\n{line}  # a violation, injected by the test\n")
    return _lint(tmp_path)


def test_ls_convolab_shows_the_layers():
    children = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert children == sorted(LAYERS + TOP_MODULES + DATA)
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer


@pytest.mark.parametrize("layer", LAYERS + ["embeddings.py", "embedding_cache.py", "outputs.py",
                                             "cluster.py"])
def test_each_layer_says_what_it_does_and_may_import(layer):
    path = PACKAGE / layer / "__init__.py" if not layer.endswith(".py") else PACKAGE / layer
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    assert docstring and "May import" in docstring, f"{layer}: say what it may import"


def test_import_walls_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    ("topics/model.py", "from convolab.narrative import describe_topics",
     "convolab.topics is not allowed to import convolab.narrative"),
    ("corpus/readers.py", "from convolab.embeddings import embed",
     "convolab.corpus is not allowed to import convolab.embeddings"),
    ("sentiment/aggregate.py", "from convolab.topics import TopicModel",
     "convolab.sentiment is not allowed to import convolab.topics"),
    ("embeddings.py", "from convolab import report",
     "convolab.embeddings is not allowed to import convolab.report"),
    ("narrative/corpus.py", "from convolab.plots import plot_removed",
     "convolab.narrative is not allowed to import convolab.plots"),
    ("report.py", "from convolab.cli import main",
     "convolab.report is not allowed to import convolab.cli"),
    ("narrative/tone.py", "from convolab.narrative.themes import stability_verdict",
     "convolab.narrative.tone is not allowed to import convolab.narrative.themes"),
    ("plots/topics.py", "from sklearn.decomposition import PCA",
     "convolab.plots is not allowed to import sklearn"),
])
def test_import_walls_catch_a_violation(tmp_path, module, line, broken):
    result = _lint_with(tmp_path, module, line)
    assert result.returncode != 0, result.stdout
    assert broken in result.stdout, result.stdout
    importer = "convolab." + module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> " in result.stdout  # the copy was analysed, not the installed tree


@pytest.mark.parametrize("module, line, package, breaker", [
    ("topics/consensus.py", "from convolab.topics.clustering import plan", "convolab.topics",
     ".consensus -> .clustering"),
    ("corpus/tables.py", "from convolab.corpus.load import load_corpus", "convolab.corpus",
     ".tables -> .load"),
])
def test_a_circle_inside_a_package_is_caught(tmp_path, module, line, package, breaker):
    result = _lint_with(tmp_path, module, line)
    assert result.returncode != 0, result.stdout
    assert f"No cycles are allowed in {package}." in result.stdout, result.stdout
    assert breaker in result.stdout, result.stdout


def test_no_module_is_too_long_to_read_in_one_sitting():
    lengths = {str(p.relative_to(ROOT)): len(p.read_text().splitlines())
               for p in PACKAGE.rglob("*.py")}
    assert lengths and max(lengths.values()) <= MAX_LINES, \
        {k: n for k, n in lengths.items() if n > MAX_LINES}


PUBLIC_API = ["Corpus", "load_corpus", "embed", "get_embedder", "TopicModel", "TOPIC_METRICS",
              "shared_topic_model", "shared_evaluation",
              "SentimentModel", "sentiment_by", "topic_sentiment", "sentiment_arc",
              "evaluate_sentiment", "training_report", "compare", "over_time", "render_reports",
              "ReportError", "local_cluster", "narrative", "__version__"]


def test_public_api_is_unchanged_by_the_layout():
    assert sorted(convolab.__all__) == sorted(PUBLIC_API)
    for name in PUBLIC_API:
        assert getattr(convolab, name) is not None, name
    # The deep paths a researcher's analysis may already use still resolve to the same objects.
    from convolab.corpus import Corpus, load_corpus
    from convolab.narrative import describe_corpus, describe_topics, summarize_findings
    from convolab.plots import plot_topic_sizes
    from convolab.report import render_reports
    from convolab.sentiment import SentimentModel, sentiment_by
    from convolab.topics import TopicModel

    assert (Corpus, load_corpus, TopicModel, SentimentModel, sentiment_by, render_reports) == (
        convolab.Corpus, convolab.load_corpus, convolab.TopicModel, convolab.SentimentModel,
        convolab.sentiment_by, convolab.render_reports)
    assert convolab.narrative.describe_corpus is describe_corpus
    assert callable(describe_topics) and callable(summarize_findings)
    assert callable(plot_topic_sizes)

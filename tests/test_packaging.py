"""Packaging promises: environment.yml agrees with pyproject.toml; CI calls the test command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip().strip('"'), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {r.replace(" ", "") for r in project["dependencies"]}
    wanted |= {r.replace(" ", "") for r in project["optional-dependencies"]["dev"]}
    env = (ROOT / "environment.yml").read_text()
    pip_lines = [line.strip()[2:].strip().strip('"') for line in env.splitlines()
                 if line.startswith("      - ")]
    assert pip_lines[0] == "torch==2.13.0", "torch must be installed first"
    assert {p.replace(" ", "") for p in pip_lines[1:-1]} == wanted
    assert pip_lines[-1] == "-e ."
    assert "conda-forge" in env and "python=3.11" in env


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make report" in (ROOT / "README.md").read_text()


def test_makefile_installs_cpu_torch_before_the_package():
    makefile = (ROOT / "Makefile").read_text()
    assert makefile.index("torch==2.13.0") < makefile.index("-e '.[dev]'")


def test_make_test_starts_from_an_empty_cache_of_its_own():
    # Issue 23: a stale or foreign cache (a machine's ~/.cache/convolab) can neither hide a
    # failure nor cause one. The recipe empties .cache/test, then points the suite at it.
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\ntest:"):].split("\n\n")[0]
    assert "TEST_CACHE := .cache/test" in makefile
    assert recipe.index("rm -rf $(TEST_CACHE)") < recipe.index("-m pytest")
    assert "CONVOLAB_CACHE_DIR=$(CURDIR)/$(TEST_CACHE)" in recipe


def test_the_suite_replaces_a_cache_folder_that_holds_anything(tmp_path):
    from conftest import pick_cache

    fresh = tmp_path / "fresh"
    assert pick_cache(None, fresh) == str(fresh)  # never ~/.cache/convolab
    assert pick_cache(str(tmp_path / "new"), fresh) == str(tmp_path / "new")
    (tmp_path / "used").mkdir()
    assert pick_cache(str(tmp_path / "used"), fresh) == str(tmp_path / "used")  # empty
    (tmp_path / "used" / "embeddings").mkdir()
    assert pick_cache(str(tmp_path / "used"), fresh) == str(fresh)  # holds something

"""Reports open in a real headless browser (Debian's ``chromium``) and render.

Skipped only where chromium is missing outside CI (``make browser`` installs it); with
``CI=true`` a missing browser is a failure, so CI cannot pass without having looked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_report import NOTEBOOKS, write_corpus

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("chromium is not installed, and CI must run the browser test: "
                        "run `make browser` (apt-get install chromium) first.")
        pytest.skip("chromium is not installed (run `make browser`); CI fails instead of "
                    "skipping")
    return CHROMIUM


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The quick-start report and index, rendered on the synthetic essays."""
    from convolab.report import render_reports

    root = tmp_path_factory.mktemp("browser")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    shutil.copy(NOTEBOOKS[0], notebooks / NOTEBOOKS[0].name)
    out = root / "out"
    pages = render_reports(write_corpus(root / "essays"), out, notebooks_dir=notebooks,
                           progress=False)
    return out / "index.html", pages[0]


def _screenshot(browser: str, page: Path, shot: Path, profile: Path) -> str:
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--window-size=1280,1600", f"--screenshot={shot}", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stderr


def _console_errors(log: str) -> list[str]:
    # Page console messages are logged as CONSOLE lines; dbus/GPU noise from the sandbox is not
    # the page's doing.
    return [line for line in log.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]


@pytest.mark.parametrize("which", ["index", "report"])
def test_page_renders_in_chromium(which, browser, reports, tmp_path):
    from matplotlib.image import imread

    page = reports[0] if which == "index" else reports[1]
    shot = tmp_path / f"{which}.png"
    log = _screenshot(browser, page, shot, tmp_path / "profile")
    assert shot.exists(), log[-2000:]
    assert _console_errors(log) == []
    pixels = imread(shot)
    assert pixels.shape[:2] == (1600, 1280)
    # A blank or single-colour page compresses to almost nothing and has no variance.
    minimum = 8_000 if which == "index" else 40_000
    assert shot.stat().st_size > minimum, f"{which} screenshot is only {shot.stat().st_size} B"
    assert pixels[..., :3].std() > 0.02

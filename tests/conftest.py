"""Shared fixtures: an isolated embedding cache and a small synthetic corpus of clear themes."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

THEMES = {
    "restaurant": ["The waiter brought the bill before we asked for it.",
                   "Our waiter refilled the water glasses at every table.",
                   "The restaurant host seated us near the kitchen door.",
                   "A good waiter remembers which table ordered the soup.",
                   "The bartender poured drinks while the kitchen prepared the food.",
                   "Restaurant staff split the bill between the bar and the table.",
                   "The kitchen sent the soup back because the waiter forgot the bread.",
                   "Every table in the restaurant had fresh water and bread."],
    "banking": ["The bank charged a fee on every savings account.",
                "Mortgage loans at the bank need a credit check.",
                "A bank teller opened the savings account in minutes.",
                "Checking accounts and savings accounts look the same at every bank.",
                "The bank raised the interest rate on mortgage loans.",
                "Loans and credit cards are the bank's main products.",
                "The teller explained the account fee and the interest rate.",
                "Credit checks slow down every mortgage loan at the bank."],
    "fashion": ["The velvet skirt was tailored by an Italian designer.",
                "Tailored suits fit the body and last for years.",
                "The designer chose velvet and silk for the winter collection.",
                "A well tailored skirt never goes out of fashion.",
                "Italian fashion houses design clothes with great craftsmanship.",
                "The silk dress and the velvet jacket came from one designer.",
                "Craftsmanship in clothes shows in every tailored seam.",
                "Fashion designers cut velvet and silk by hand."],
}


def pick_cache(given: str | None, fresh: Path) -> str:
    """``given`` if it names a folder that is empty or not there yet, else ``fresh``."""
    if given and not (Path(given).exists() and any(Path(given).iterdir())):
        return given
    return str(fresh)


#: The files that take longest (report renders, the largest topic fits), longest first, from
#: ``make test``'s ``--durations`` on 2026-12-01. Only the order of the run depends on it.
LONGEST = ("test_report.py", "test_report_inert.py", "test_report_real.py", "test_steering.py",
           "test_topics_news.py", "test_report_names.py", "test_topics_seed.py")


def pytest_collection_modifyitems(config, items):
    """The longest files run first, then the rest of the slow layer, then the fast tests.

    ``make test`` runs ``pytest -n auto --dist loadfile --no-loadscope-reorder`` (pytest-xdist):
    each file goes whole to one worker, so its module fixtures (a fitted model, a render) are
    built once, and the files are handed out in this order. A long render that started last
    would leave the other workers idle. The tests that read the session's seed render
    (``seed_reports``) are all in ``test_report.py`` for the same reason. (``--dist loadgroup``
    would let groups span files, but with pytest 9.2 it silently stops grouping: pytest-xdist
    issue 1386.)
    """
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}

    def rank(item):
        name = item.path.name
        return (LONGEST.index(name) if name in LONGEST else len(LONGEST), item.path not in slow)

    items.sort(key=rank)  # stable: the order within a file is kept


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    # Tests never read a cache another run wrote (a stale one could hide a failure or cause
    # one) and never touch a researcher's ~/.cache/convolab. `make test` gives a folder it
    # has just emptied (.cache/test); any folder that already holds something is replaced by
    # a fresh one. Session-wide, so module fixtures and subprocesses (notebook kernels) see it.
    # Under pytest-xdist each worker takes a subfolder of its own: whichever worker started
    # second would otherwise find the folder in use and fall back to a fresh one by chance.
    given = os.environ.get("CONVOLAB_CACHE_DIR")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if given and worker:
        given = str(Path(given) / worker)
    folder = pick_cache(given, tmp_path_factory.getbasetemp() / "cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONVOLAB_CACHE_DIR", folder)
        yield folder


@pytest.fixture(scope="session")
def themed_corpus():
    """Three documents, one per theme, eight sentences each, one sentence per paragraph."""
    import convolab as cl

    docs = pd.DataFrame({"doc_id": list(THEMES),
                         "text": ["\n\n".join(sentences) for sentences in THEMES.values()]})
    return cl.load_corpus(docs)


#: Two tiny essays on unrelated subjects, for the command-line tests.
TWO_ESSAYS = {
    "kites.txt": "Kites need steady wind and a long line. Children learn patience on the beach.\n\n"
                 "A torn sail can be patched with tape. The frame matters more than the colour.",
    "tea.txt": "Green tea wants water below boiling. Black tea takes it hotter and longer.\n\n"
               "Leaves unfurl as they steep. A second infusion often tastes the sweetest.",
}


@pytest.fixture
def essays(tmp_path):
    """A folder of :data:`TWO_ESSAYS`."""
    folder = tmp_path / "essays"
    folder.mkdir()
    for name, text in TWO_ESSAYS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def seed_reports(tmp_path_factory):
    """Every notebook rendered strictly on the seed corpus, once per session (the slow layer's
    most expensive step: `make report` in miniature)."""
    from pathlib import Path

    from convolab.report import render_reports

    out = tmp_path_factory.mktemp("seed-reports")
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    return out, render_reports(corpus, out, progress=False, strict=True)

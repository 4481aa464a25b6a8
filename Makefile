# Two commands: `make report` (set up, then render every notebook on the seed corpus into
# reports/) and `make test` (set up with dev extras, lint, then the whole test suite).
# Both create .venv/ on first use and are idempotent afterwards.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
CORPUS ?= corpus
OUT    ?= reports
TEST_CACHE := .cache/test
# Tests run in one process per core (at most 4; pytest-xdist), each file whole in one process
# in the order tests/conftest.py gives (longest first; xdist would otherwise order files by
# their number of tests). XDIST= runs them all in this process.
XDIST  ?= -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

.PHONY: install fonts report test test-fast lint browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first: the CPU build of 2.13.0 that pip finds on this machine, so that nothing
	# later pulls a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) fonts

# A font with CJK glyphs for the figures: Debian's fonts-noto-cjk (57 MB download, 89 MB on
# disk), installed only where apt-get exists, we are root and it is missing. Never required:
# without it the figures draw characters no installed font has as "□" (convolab/plots/_base.py),
# so a failed or impossible apt step only prints a note.
fonts:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
		! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq fonts-noto-cjk >/dev/null; } || \
		echo "note: fonts-noto-cjk not installed; figures draw CJK characters as □"; \
	fi

report: install
	$(VENV)/bin/convolab report --strict --corpus $(CORPUS) --out $(OUT)

# ruff for style; import-linter for the architecture's walls ([tool.importlinter] in pyproject).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# Headless Chromium for the browser test (Debian's package; apt is the only way to get it here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test-fast: install
	rm -rf $(TEST_CACHE)
	CONVOLAB_CACHE_DIR=$(CURDIR)/$(TEST_CACHE) $(PY) -m pytest -m "not slow" -q $(XDIST)

# The whole suite: fast unit tests and the slow layer (notebooks, reports, browser). It runs
# with a cache folder of its own, emptied first: no cache from another run (a stale one, or a
# machine's ~/.cache/convolab) can hide a failure or cause one.
test: install lint browser
	rm -rf $(TEST_CACHE)
	CONVOLAB_CACHE_DIR=$(CURDIR)/$(TEST_CACHE) $(PY) -m pytest -q --durations=30 $(XDIST)

clean:
	rm -rf $(OUT) .cache .pytest_cache .ruff_cache

# engagement-analytics: every target sets up what it needs (.venv with pinned dependencies).
# The first Python on PATH that is 3.11 or newer (override: make PYTHON=/path/to/python3.12 ...).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
REPORT_DIR ?= reports/sample
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install browser java report test test-fast lint notebooks lab sample large benchmark constraints clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/.installed: pyproject.toml requirements/constraints.txt
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is needed on PATH (or make PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed ## Create .venv and install the package with pinned dependencies

browser: install ## A headless Chromium for the browser tests: Debian's (apt-get, root or sudo), else Playwright's
	@if command -v chromium >/dev/null 2>&1; then chromium --version; \
	elif command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	  && chromium --version; \
	else $(BIN)/python -m playwright install chromium; fi

java: ## A Java runtime for the Spark tests: Debian's openjdk-17-jre-headless when `java` is missing
	@if command -v java >/dev/null 2>&1; then java -version 2>&1 | head -1; \
	elif command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; }; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
	  && java -version 2>&1 | head -1; \
	else echo "no java and no apt-get: the Spark tests (-m spark) will be skipped"; fi

report: install ## Validate data/sample and render its HTML reports into reports/sample
	$(BIN)/engagement-analytics validate data/sample
	$(BIN)/engagement-analytics report data/sample --out $(REPORT_DIR)
	@echo "Open $(REPORT_DIR)/index.html"

test: install browser java ## Run every test: unit, CLI, browser, Spark, and nbval over the committed notebooks
	$(BIN)/python -m pytest --doctest-modules --nbval --nbval-sanitize-with notebooks/sanitize.cfg src/engagement_analytics tests notebooks $(PYTEST_ARGS)

test-fast: install ## Unit tests only (no notebooks, no browser)
	$(BIN)/python -m pytest --doctest-modules -m "not browser" src/engagement_analytics tests $(PYTEST_ARGS)

lint: install ## ruff over the package, tests and benchmarks
	$(BIN)/ruff check src tests benchmarks

notebooks: install ## Re-execute the committed notebooks on data/sample (refreshes their outputs)
	$(BIN)/python notebooks/execute.py

lab: install ## Open JupyterLab on the notebooks (package importable)
	$(BIN)/jupyter lab --notebook-dir=notebooks

sample: install ## Regenerate the committed sample bundle (byte-for-byte)
	$(BIN)/engagement-analytics sample --out data/sample --n 300 --seed 7

large: install ## Generate the large benchmark bundle into data/large (never committed)
	$(BIN)/engagement-analytics sample --out data/large --n 20000 --seed 7

benchmark: install ## Load, signals, drivers and adapter benchmarks (needs `make large`)
	$(BIN)/python benchmarks/bench_pipeline.py data/large --repeat 3
	$(BIN)/python benchmarks/bench_adapters.py

constraints: install ## Re-pin requirements/constraints.txt from the current .venv
	{ sed -n '1,2p' requirements/constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^engagement'; } > requirements/constraints.txt.new
	mv requirements/constraints.txt.new requirements/constraints.txt

clean: ## Remove the virtualenv, caches and rendered reports
	rm -rf $(VENV) reports .pytest_cache .ruff_cache

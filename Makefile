# Two commands on a fresh machine: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.accords-installed
DEMO_HOME ?= $(or $(ACCORDS_HOME),$(CURDIR)/.accords-demo)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install browser demo test test-fast bench lint clean corpus screenshots

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "accords needs Python 3.11 or newer (found " + sys.version.split()[0] + ")"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# torch first and pinned: an unpinned torch pulls a multi-gigabyte CUDA build
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# the embedding model's ONNX export, so that searching never needs torch (see extract/onnx_model.py)
	$(BIN)/python -m extract.onnx_model export
	touch $(STAMP)

demo: install
	ACCORDS_HOME=$(DEMO_HOME) $(BIN)/accords ingest corpus/
	@echo
	ACCORDS_HOME=$(DEMO_HOME) $(BIN)/accords search "financing of at least a billion dollars within six months" -k 3
	ACCORDS_HOME=$(DEMO_HOME) $(BIN)/accords search "stopping critical mineral assets from being sold to rivals" -k 3
	@mkdir -p reports
	ACCORDS_HOME=$(DEMO_HOME) $(BIN)/accords compare us-australia-framework us-japan-framework us-malaysia-mou us-thailand-mou --format html -o reports/core-four.html
	ACCORDS_HOME=$(DEMO_HOME) $(BIN)/accords compare us-australia-framework us-japan-framework us-malaysia-mou us-thailand-mou --format md -o reports/core-four.md
	@echo "Comparison report written to reports/core-four.html and reports/core-four.md"
	ACCORDS_HOME=$(DEMO_HOME) $(BIN)/accords deadlines --signed --as-of 2025-12-01

# Debian's Chromium for the browser tests (tests/test_browser.py); Playwright drives it, never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/ruff check ingest extract kb tests bench corpus docs
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The unit tier while you work: everything but process, server and fuzz tests and corpus-wide measurements.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not quality"

# The README's pictures of the workspace (docs/*.png), taken in Chromium from a server over corpus/.
screenshots: install browser
	$(BIN)/python docs/screenshots.py

bench: install
	$(BIN)/python bench/bench_extract.py

lint: install
	$(BIN)/ruff check ingest extract kb tests bench corpus docs
	$(BIN)/mypy

corpus: install
	$(BIN)/python corpus/build.py

clean:
	rm -rf $(VENV) .accords-demo .pytest_cache reports

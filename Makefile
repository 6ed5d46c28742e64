# Two commands on a fresh machine: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.accords-installed
DEMO_HOME ?= $(or $(ACCORDS_HOME),$(CURDIR)/.accords-demo)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test test-fast bench lint clean corpus

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

test: install
	$(BIN)/ruff check ingest extract kb tests bench corpus
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The unit tier while you work: everything but process, server and fuzz tests and corpus-wide measurements.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not quality"

bench: install
	$(BIN)/python bench/bench_extract.py

lint: install
	$(BIN)/ruff check ingest extract kb tests bench corpus
	$(BIN)/mypy

corpus: install
	$(BIN)/python corpus/build.py

clean:
	rm -rf $(VENV) .accords-demo .pytest_cache reports

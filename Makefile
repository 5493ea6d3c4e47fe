# Two entry points, each setting up .venv from pyproject.toml when needed:
#   make figures   validate the bundled review and build every figure
#   make test      run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: figures test lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

figures: $(STAMP)
	$(BIN)/peerlib validate
	$(BIN)/peerlib build

# graphology (npm) reads the exported graphs in the tests, as Gephi Lite would
NODE_MODULES := tests/js/node_modules/.package-lock.json
$(NODE_MODULES): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --silent

test: $(STAMP) $(NODE_MODULES)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

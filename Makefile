# govmig: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
OUT    ?= out/demo

.PHONY: demo test install lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## demo: run everything that exists so far on examples/ and say where the output went
demo: install
	bash scripts/system-deps.sh
	bash scripts/demo.sh "$(PY)" "$(OUT)"

## test: install what the tests need (Python and Debian packages), then lint, type-check and run the tests
test: install
	bash scripts/system-deps.sh
	$(VENV)/bin/ruff check orchestrator tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check orchestrator tests bench
	$(VENV)/bin/ruff format --check orchestrator tests bench
	$(VENV)/bin/mypy

## bench: the benchmarks, printing figures against a baseline measured in the same run
bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

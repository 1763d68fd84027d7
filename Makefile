# govmig: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
OUT    ?= out/demo

.PHONY: demo test install lint bench clean lock frontend

# Installs are pinned by constraints.txt (every package, exact versions), so an upstream release cannot break a
# fresh clone; `make lock` is the one way to move the pins.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

## frontend: the console (Vue 3 + Element Plus, frontend/) built by Vite into orchestrator/web/spa/, which the
## package serves at /app/ and ships; npm installs exactly what package-lock.json pins (the machine's Node.js 20)
SPA_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.js
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@
orchestrator/web/spa/index.html: frontend/node_modules/.installed $(SPA_SOURCES)
	cd frontend && npm run --silent build
frontend: orchestrator/web/spa/index.html

## demo: run everything that exists so far on examples/ and say where the output went
demo: install frontend
	bash scripts/system-deps.sh
	bash scripts/demo.sh "$(PY)" "$(OUT)"

## test: install what the tests need (Python and Debian packages), then lint, type-check and run the tests
test: install frontend
	bash scripts/system-deps.sh
	$(VENV)/bin/ruff check orchestrator tests bench playbooks
	$(VENV)/bin/ruff format --check orchestrator tests bench playbooks
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --config-file playbooks/mypy.ini
	$(VENV)/bin/lint-imports
	$(PY) -m pytest --durations=30

## lint: the static gates alone; playbooks/ (the modules that run on the hosts, the plugins ansible-playbook loads)
## is held to the hosts' Python by playbooks/ruff.toml and playbooks/mypy.ini
lint: install
	$(VENV)/bin/ruff check orchestrator tests bench playbooks
	$(VENV)/bin/ruff format --check orchestrator tests bench playbooks
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --config-file playbooks/mypy.ini
	$(VENV)/bin/lint-imports

## bench: the benchmarks, printing figures against a baseline measured in the same run
bench: install
	bash scripts/system-deps.sh
	$(PY) bench/run.py

## lock: resolve the newest releases pyproject.toml allows into constraints.txt, then run the tests on them
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[test]'
	{ echo "# Every package make test and make demo install, pinned. Refresh with: make lock"; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable | LC_ALL=C sort -f; } > constraints.txt
	rm -rf .venv-lock
	$(MAKE) test

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache frontend/node_modules orchestrator/web/spa

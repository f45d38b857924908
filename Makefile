# Two commands: `make demo` runs the nightly job on the embedded sandbox,
# `make test` runs the whole suite. Each sets up what it needs.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test test-fast lint bench crash system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,rfc]'
	touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

demo: $(STAMP) system-deps
	$(VENV)/bin/arbots demo

test: $(STAMP) system-deps lint
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check bots tests bench
	$(VENV)/bin/mypy bots

# `make bench crash`: only the crash and concurrency trials (CRASH_TRIALS=100 for the long run)
BENCH_ONLY := $(if $(filter crash,$(MAKECMDGOALS)),crash concurrency)

bench: $(STAMP)
	$(PY) -m bench $(BENCH_ONLY)

crash: $(STAMP)
	$(if $(filter bench,$(MAKECMDGOALS)),@:,$(PY) -m bench crash concurrency)

clean:
	rm -rf $(VENV) var .pytest_cache

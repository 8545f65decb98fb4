# Two commands set up a fresh machine: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test bench fuzz clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.base pyproject.toml
	$(PIP) install -q -e ".[test]"
	touch $@

demo: $(VENV)/.base
	$(PY) examples/autograd_tutorial.py

test: $(VENV)/.test
	$(PY) -m pytest -n 2 -q

bench: $(VENV)/.test
	$(PY) benchmarks/overhead.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build src/*.egg-info

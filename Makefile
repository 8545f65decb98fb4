# Two commands set up a fresh machine: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test bench fuzz sysdeps clean docs

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	$(PY) -m compileall -q src >/dev/null  # bytecode up front: imports stay fast even where .pyc writing is off
	touch $@

# mpich from PyPI gives mpi4py an MPI library and mpiexec inside the venv: the MPI tests need no root.
$(VENV)/.test: $(VENV)/.base pyproject.toml
	$(PIP) install -q -e ".[test,viz,distributed,docs]" mpich
	touch $@

$(VENV)/.demo: $(VENV)/.base pyproject.toml
	$(PIP) install -q -e ".[demo,viz]"
	touch $@

# Graphviz's `dot` renders graph pictures; installed where we can (root with apt), skipped quietly elsewhere.
sysdeps:
	@command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get install -y -q graphviz >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q graphviz >/dev/null 2>&1)) ; } || \
	  echo "note: graphviz's dot is not installed; graph pictures are skipped (apt-get install graphviz)"

demo: $(VENV)/.demo sysdeps
	$(PY) examples/autograd_tutorial.py
	$(PY) examples/autograd_graph.py
	$(PY) examples/higher_order.py
	$(PY) examples/train_digits.py

test: $(VENV)/.test sysdeps
	$(PY) -m pytest -n 2 -q

# The documentation site (Sphinx + MyST + autodoc; notebooks executed) into docs/_build/html; warnings are errors.
# make test builds it too (tests/docs/test_docs.py).
docs: $(VENV)/.test sysdeps
	$(PY) -m sphinx -E -W --keep-going -q -b html docs docs/_build/html  # -E: docstring changes re-read

fuzz: $(VENV)/.test
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -n 2 --hypothesis-show-statistics tests/fuzz  # ops and load/safetensors fuzzing

bench: $(VENV)/.test
	$(PY) benchmarks/run.py $(BENCH_ARGS)
	$(PY) benchmarks/scaling.py $(SCALING_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build src/*.egg-info dist docs/_build docs/api docs/jupyter_execute .mypy_cache

# One-command set-up: `make test` and `make demo` build .venv from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

DOCS_STAMP := $(VENV)/.docs-installed

.PHONY: setup setup-gpu test test-all demo lint docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# CPU wheel of torch first where no NVIDIA GPU is present (avoids a multi-GB CUDA build).
	@if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >/dev/null 2>&1; then \
		echo "NVIDIA GPU found: installing torch from the package index"; \
	else \
		echo "no NVIDIA GPU: installing the CPU torch wheel"; \
		$(PY) -m pip install --quiet "torch==2.13.0"; \
	fi
	$(PY) -m pip install --quiet -e ".[test,dev,experiments,bench]"
	touch $(STAMP)

# GPU simulation in Qiskit Aer: qiskit-aer-gpu replaces qiskit-aer (the two must never be
# installed together), so this swaps them in the venv instead of adding an extra beside it.
setup-gpu: setup
	$(PY) -m pip uninstall --yes qiskit-aer
	$(PY) -m pip install --quiet qiskit-aer-gpu

# Tests marked `timing` compare measured wall time with a model: they run after the parallel
# ones, alone, so that another worker's load does not time itself into them.
test: setup
	$(PY) -m pytest -m "not slow and not gpu and not hardware and not timing" -n 2 -q --doctest-modules qml circuits tests
	$(PY) -m pytest -m "timing and not slow and not gpu and not hardware" -q tests

test-all: setup
	$(PY) -m pytest -m "not hardware and not timing" -n 2 -q --doctest-modules qml circuits tests
	$(PY) -m pytest -m "timing and not hardware" -q tests

demo: setup
	$(PY) experiments/two_moons.py

lint: setup
	$(VENV)/bin/ruff check qml circuits experiments tests docs/griffe_docstrings.py
	$(VENV)/bin/ruff format --check qml circuits experiments tests docs/griffe_docstrings.py
	$(VENV)/bin/mypy

# The API reference and the guides (docs/, mkdocs.yml) as a static site in site/; a warning
# (a broken link, a docstring mkdocstrings cannot read) fails the build.
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build site *.egg-info .pytest_cache .mypy_cache .ruff_cache

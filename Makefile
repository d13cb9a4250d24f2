# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test typecheck bench clean-out

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	@mkdir -p out
	$(BIN)/newsclean clean seeds -o out/clean.jsonl --rejects out/rejects.jsonl --report out/report.html

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

typecheck: $(VENV)/.installed
	$(BIN)/python -m mypy

bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/quality.py ../shared/devsets --write-docs docs/benchmarks.md
	$(BIN)/python benchmarks/dedup.py ../shared/devsets --write-docs docs/benchmarks.md
	$(BIN)/python benchmarks/speed.py ../shared/devsets --write-docs docs/benchmarks.md

clean-out:
	rm -rf out

# One command per chore. `make test` is the README Quickstart's test command.
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install test lint bench clean

install:
	python3 -m venv $(VENV) && $(BIN)/pip install -q -U pip && $(BIN)/pip install -q -e '.[dev,bench]'

test:
	$(BIN)/pytest -q

lint:
	$(BIN)/ruff check briefer tests bench scripts
	$(BIN)/ruff format --check briefer tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

bench:
	$(BIN)/python bench/offline_quality.py
	$(BIN)/python -m bench.day_story
	$(BIN)/python -m bench.ledger
	$(BIN)/python -m bench.site_scale

clean:
	rm -rf dist build .pytest_cache .mypy_cache .ruff_cache

# Every target sets up what it needs: a fresh clone runs `make demo` or `make test` directly.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs model fixtures clean bench fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## demo: validate the bundled fixtures and show the report
demo: $(STAMP)
	@echo "== runhistory validate fixtures/valid (every way users save RunDetails output)"
	-$(BIN)/runhistory validate fixtures/valid fixtures/encoding
	@echo
	@echo "== the same captures under the product profile (known departures become warnings)"
	-$(BIN)/runhistory validate --profile product fixtures/encoding fixtures/product
	@echo
	@echo "== fixtures that are broken on purpose, one problem each"
	-$(BIN)/runhistory validate fixtures/invalid
	@echo
	@echo "== a run at a glance, and its errors (runhistory show / errors)"
	$(BIN)/runhistory show fixtures/valid/delta-import-sync.xml
	$(BIN)/runhistory errors fixtures/valid/export-errors.xml
	@echo
	@echo "== documents made on purpose: one conformant, two broken in one known way each (runhistory generate)"
	@tmp=$$(mktemp -d) && \
	  $(BIN)/runhistory generate --out $$tmp/conformant --count 1 --seed 1 && \
	  $(BIN)/runhistory generate --out $$tmp/broken --broken R001,S103 --seed 1 && \
	  ( $(BIN)/runhistory validate $$tmp/conformant $$tmp/broken; true ) && rm -rf $$tmp
	@echo
	@echo "== an archive: 30 consecutive runs of one agent, their trend report, and two sync runs compared"
	@tmp=$$(mktemp -d) && \
	  $(BIN)/runhistory generate --runs 30 --seed 1 --out $$tmp/archive && \
	  $(BIN)/runhistory report $$tmp/archive --output $$tmp/report.html && \
	  $(BIN)/runhistory diff $$tmp/archive/run-000971-delta-sync.xml $$tmp/archive/run-000995-delta-sync.xml && \
	  rm -rf $$tmp

## test: ruff, mypy --strict and the whole test suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools $(wildcard bench)
	$(BIN)/ruff format --check src tests tools $(wildcard bench)

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

## docs: regenerate the generated documents and code (the test suite checks them for drift)
docs: model
	$(BIN)/python tools/gen_examples.py
	$(BIN)/runhistory rules --format markdown > docs/rules.md

## model: regenerate src/runhistory/model/_generated.py from the XSD
model: $(STAMP)
	$(BIN)/python tools/gen_model.py
	$(BIN)/python tools/gen_status.py

## fixtures: regenerate the derived fixtures from fixtures/valid/delta-import-sync.xml
fixtures:
	$(PYTHON) tools/make_fixtures.py

## fuzz: a longer fuzz run: hypothesis with new examples, then atheris if it installs here
FUZZ_EXAMPLES ?= 20000
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	RUNHISTORY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) RUNHISTORY_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/test_fuzz.py
	@if $(BIN)/python -m pip install --quiet -e '.[fuzz]'; then \
		$(BIN)/python tools/fuzz_atheris.py -max_total_time=$(FUZZ_SECONDS); \
	else \
		echo "atheris does not install here: fuzzed with hypothesis only"; \
	fi

## bench: the performance benchmark (several minutes, about 1 GB of scratch files in /tmp);
## writes docs/performance.md.  BENCH_ARGS=--quick tries it on small inputs.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis .fuzz

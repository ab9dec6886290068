# The commands of README.md. `make test` sets everything up from nothing and runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STACK ?= dev
# The local file backend unless the caller chose another (Pulumi Cloud, s3://...).
PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi-state
export PULUMI_BACKEND_URL

.PHONY: test lint typecheck unit preview up check-stacks hooks clean

# Everything installs from requirements.txt, the lock file: exact versions with their hashes,
# every transitive dependency listed, made by pip-compile from requirements.in and
# requirements-dev.in (see README). make, .ci/run, the workflows and Pulumi itself (which installs
# requirements.txt into .venv when .venv is missing) all get the same versions.
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	touch $@

test: lint typecheck unit

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed
	$(BIN)/python -m pytest

check-stacks: $(BIN)/.installed
	$(BIN)/python -m settings Pulumi.*.yaml

hooks: $(BIN)/.installed
	$(BIN)/pre-commit install
	$(BIN)/pre-commit run --all-files

preview: $(BIN)/.installed
	mkdir -p .pulumi-state
	pulumi stack select --create $(STACK)
	pulumi preview --stack $(STACK) --diff

up: $(BIN)/.installed
	mkdir -p .pulumi-state
	pulumi stack select --create $(STACK)
	pulumi up --stack $(STACK)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

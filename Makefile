# The commands of README.md. `make test` sets everything up from nothing and runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STACK ?= dev
# The local file backend unless the caller chose another (Pulumi Cloud, s3://...).
PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi-state
export PULUMI_BACKEND_URL

.PHONY: test lint typecheck unit plan diff preview up pulumi-cli check-stacks hooks clean

# Everything installs from requirements.txt, the lock file: exact versions with their hashes,
# every transitive dependency listed, made by pip-compile from requirements.in and
# requirements-dev.in (see README). make, .ci/run, the workflows and Pulumi itself (which installs
# requirements.txt into .venv when .venv is missing) all get the same versions. --no-compile:
# Python compiles a module when it is first imported; compiling all of them (pulumi-aws has
# thousands) took about 40 of the install's 65 seconds (bench/README.md).
# The set-up writes to stderr only, so that `make plan PLAN_OPTIONS=--json` prints the JSON alone on
# stdout on a fresh clone too.
$(BIN)/.installed: requirements.txt
	@echo "make: setting up $(VENV) from requirements.txt (once; about a minute)" >&2
	@$(PYTHON) -m venv $(VENV) >&2
	@$(BIN)/python -m pip install --quiet --no-compile --require-hashes --no-deps -r requirements.txt >&2
	@touch $@

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

# What a first `pulumi up` of the stack would create, offline: no Pulumi CLI, AWS or Genesys.
# PLAN_OPTIONS=--json for machines (the recipe is silent and the set-up writes to stderr, so stdout is
# the JSON alone); --summary or --full to choose the view (default: per queue up to 20 queues, the
# summary above); --organization <org> for a Pulumi Cloud stack's rule names.
plan: $(BIN)/.installed
	@$(BIN)/python -m operations plan Pulumi.$(STACK).yaml $(PLAN_OPTIONS)

# What the stack file's change since BASE (a git ref: main, HEAD~1, a tag) does, per queue and per
# resource, offline. DIFF_OPTIONS=--json for machines.
diff: $(BIN)/.installed
	@test -n "$(BASE)" || { echo "make: diff compares Pulumi.$(STACK).yaml with its version at a git ref: make diff STACK=$(STACK) BASE=main" >&2; exit 1; }
	@git cat-file -e "$(BASE):./Pulumi.$(STACK).yaml" 2>/dev/null || { echo "make: Pulumi.$(STACK).yaml is not in git at '$(BASE)' (a stack file not committed there, or no such ref), so there is nothing to compare: 'make plan STACK=$(STACK)' shows everything it would create" >&2; exit 1; }
	@base="$$(mktemp -d)"; trap 'rm -rf "$$base"' EXIT; \
	git show "$(BASE):./Pulumi.$(STACK).yaml" > "$$base/Pulumi.$(STACK).yaml" && \
	$(BIN)/python -m operations diff "$$base/Pulumi.$(STACK).yaml" Pulumi.$(STACK).yaml --base-name "$(BASE):Pulumi.$(STACK).yaml" $(DIFF_OPTIONS)

# The Pulumi CLI is not a Python package: check for it before installing anything, and say what
# it is and where to get it.
pulumi-cli:
	@command -v pulumi >/dev/null 2>&1 || { echo "make: this needs the Pulumi CLI ('pulumi', the command that previews and deploys the stack), which is not on PATH: install it from https://www.pulumi.com/docs/iac/download-install/ (without it, 'make plan STACK=$(STACK)' shows what the stack would create)" >&2; exit 1; }
	@echo "Pulumi state backend: $(PULUMI_BACKEND_URL)"

# The check comes first, then the install, even under `make -j`.
preview: pulumi-cli
	@$(MAKE) --no-print-directory $(BIN)/.installed
	mkdir -p .pulumi-state
	pulumi stack select --create $(STACK)
	pulumi preview --stack $(STACK) --diff

up: pulumi-cli
	@$(MAKE) --no-print-directory $(BIN)/.installed
	mkdir -p .pulumi-state
	pulumi stack select --create $(STACK)
	pulumi up --stack $(STACK)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

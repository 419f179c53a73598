# Two commands on a fresh Debian machine with Python 3.11:
#   make run    install, migrate, load demo data on first run, serve on http://127.0.0.1:5000
#   make test   install test dependencies (and Debian's chromium for browser tests), run the suite
# While working: make test-fast PYTEST_ARGS=tests/matching   (no chromium check, no lint)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := matcher

.PHONY: install run test test-fast lint format translations browser-deps bench security clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools  # venv seeds an old setuptools with advisories

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@if ls matcher/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d matcher/translations; fi

# The mail worker runs beside the server and stops with it; with no MATCHER_MAIL_URL it writes
# each email (sign-ups, introductions…) as an .eml file into instance/outbox/; links in them
# point at this server unless MATCHER_BASE_URL says otherwise.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	export MATCHER_BASE_URL="$${MATCHER_BASE_URL:-http://$(HOST):$(PORT)}"; \
		$(BIN)/flask mail worker --idle-seconds 2 & worker=$$!; trap 'kill $$worker' EXIT; \
		$(BIN)/flask run --host $(HOST) --port $(PORT)

# Debian's chromium (Playwright cannot download its own browser here) and a Korean font, so
# screenshots of the Korean forms show Hangul rather than empty boxes.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-nanum >/dev/null 2>&1; then \
		echo "Installing Debian's chromium and fonts-nanum for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium fonts-nanum >/dev/null; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install browser-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Only pytest (after an install if pyproject.toml changed): for one folder or file while working.
test-fast: install
	$(BIN)/pytest $(PYTEST_ARGS)

# Security gates (SECURITY.md, "Security gates in CI"): bandit fails on any medium- or
# high-severity finding in matcher/. The dependency audit fails on a known vulnerability in an
# installed dependency and on a dependency it could not audit; the only way past either is a
# reviewed entry in .ci/audit-allowlist.txt. Where PyPI's per-release JSON pages answer,
# pip-audit --strict runs (with the allowlist's ids as --ignore-vuln). Where they do not (this
# machine and its CI), .ci/audit_dependencies.py checks each installed distribution against its
# PyPI project page, which lists advisories for the latest release only: a version older than
# that cannot be audited there and fails unless allowlisted as NOT-AUDITABLE.
AUDIT_PROBE := import urllib.request; urllib.request.urlopen("https://pypi.org/pypi/pip/24.0/json", timeout=15)
AUDIT_DEPS := $(BIN)/python .ci/audit_dependencies.py
security: $(STAMP)
	$(BIN)/bandit -q -r matcher -ll
	@if $(BIN)/python -c '$(AUDIT_PROBE)' 2>/dev/null; then \
		ignore="$$($(AUDIT_DEPS) --pip-audit-ignore-args)" || exit 1; \
		echo "$(BIN)/pip-audit --strict --skip-editable --local $$ignore"; \
		$(BIN)/pip-audit --strict --skip-editable --local $$ignore; \
	else \
		echo "PyPI's per-release pages are unreachable, so pip-audit cannot run here:"; \
		echo "$(AUDIT_DEPS)"; \
		$(AUDIT_DEPS); \
	fi

bench: install
	$(BIN)/python -m bench.matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts

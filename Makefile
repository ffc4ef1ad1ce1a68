# Two commands set everything up on a fresh Debian machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" != "0" ] && command -v sudo)

.PHONY: demo test bench soak lint install browser postgresql clean

install: $(STAMP) browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's chromium and a CJK font, each when missing (a machine may have chromium but no
# CJK font: pages would render Chinese as boxes); else Playwright's own browser if installed.
browser:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-wqy-microhei"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	else echo "missing $$missing and no apt-get: falling back to Playwright's own browser if installed"; fi

# Debian's PostgreSQL server when missing (the national sweep's tests start a throwaway
# cluster with it; `make demo` needs none). Without apt-get those tests are skipped.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian postgresql"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; \
	else echo "no PostgreSQL and no apt-get: the tests of tests/scale will be skipped"; fi

demo: install
	$(BIN)/newmedia-audit demo --out outputs/demo

test: install postgresql
	$(BIN)/python -m pytest

bench: install postgresql
	$(BIN)/python -m newmedia_audit.bench

soak: install
	$(BIN)/python -m newmedia_audit.bench.soak

lint: $(STAMP)
	$(BIN)/ruff check newmedia_audit tests
	$(BIN)/ruff format --check newmedia_audit tests

clean:
	rm -rf $(VENV) outputs/demo outputs/bench

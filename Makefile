# The two commands of the README: `make run` starts the site, `make test` plays every lesson and
# runs every test.
# Each sets up what it needs from a fresh clone; running them again only redoes what changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup messages browser-deps bench

$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,scale-out]'
	touch $@

messages: $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d locale -D django

setup: $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput -v 0

run: setup
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

browser-deps:
	scripts/ensure-browser.sh

test: setup browser-deps
	$(PY) manage.py lessons check
	$(PY) -m pytest

bench: setup
	$(PY) benchmarks/terminal_latency.py

# Parley — the two commands of the README, and a few more.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the links that seed_demo prints and the invitation emails point: the server that
# `make run` starts, unless PARLEY_BASE_URL is set (e.g. behind a proxy).
PARLEY_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run demo test lint bench bench-scale install install-dev migrate worker beat clean \
	messages messages-extract i18n-report

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Parley needs Python 3.11 or newer (found %s). Set PYTHON=python3.11." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility test (axe-core) will skip."; fi

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev node_modules/.installed

## make messages: compile the translations (locale/*/LC_MESSAGES/django.po -> .mo, never committed)
# Needs gettext's msgfmt (Debian: apt-get install gettext). Without it, outside CI, Parley
# runs in English and says so; in CI (CI=true) a missing msgfmt fails the build.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore '.venv' --ignore 'node_modules' -v 0; \
	elif [ "$$CI" = "true" ]; then echo "CI=true but msgfmt is missing: apt-get install gettext"; exit 1; \
	else echo "msgfmt not found (apt-get install gettext): translations are not compiled, pages stay in English."; fi

## make messages-extract: bring every language's catalog up to date with the source (translators' step)
messages-extract: install
	$(PY) manage.py makemessages -l de -l fr -l es -l ja --no-obsolete --no-location \
		--ignore 'tests/*' --ignore 'bench/*' --ignore 'node_modules/*' --ignore 'static/*' \
		--ignore 'staticfiles/*' --ignore 'media*'

## make i18n-report: each language's share of interface strings translated
i18n-report: install
	$(PY) manage.py i18n_status

migrate: install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_question_bank

## make run: install, migrate, load the question bank and demo data, serve on $(HOST):$(PORT)
run: migrate
	PARLEY_BASE_URL='$(PARLEY_BASE_URL)' $(PY) manage.py seed_demo
	@echo "Serving Parley on $(PARLEY_BASE_URL)/ (Ctrl-C to stop)"
	PARLEY_BASE_URL='$(PARLEY_BASE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

## make demo: delete the demo organisations' rounds and create fresh ones (then `make run`)
demo: migrate
	PARLEY_BASE_URL='$(PARLEY_BASE_URL)' $(PY) manage.py seed_demo --reset

## make test: install, lint, run the whole suite
test: install-dev messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treating as a failure"; exit 1; fi; \
	exit $$rc

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -q -ll -c pyproject.toml -r config organizations assessments alignment reports workspace api

## make bench: print the benchmark figures (each bench/bench_*.py says what it measures)
bench: install-dev
	$(PY) bench/run.py

## make bench-scale: the consultant's pages with 5,000 organisations (minutes; see docs/scale.md)
bench-scale: install-dev
	$(PY) bench/bench_scale.py $(BENCH_SCALE_ARGS)

worker: install
	$(VENV)/bin/celery -A config worker -Q default,reports -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media media-test staticfiles

# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export FLASK_APP := wsgi.py

.PHONY: run test audit bench install install-dev lock translations migrate seed lint format extract-messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs only what the locks name, each file checked against its hash.
$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile -d app/translations

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo --if-empty

## Serve the site on http://127.0.0.1:$(PORT) (SQLite in instance/, demo content on first run).
## Links in mails and feeds point at this address (SITE_URL), never at a Host header.
run: translations seed
	SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

## Install the dev tools, then lint and run the whole suite.
test: install-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive app --severity-level high
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Load report (not a test): SQLite, then PostgreSQL + Redis when TEST_DATABASE_URL and
## TEST_REDIS_URL are set. Needs Debian's wrk.
bench: install-dev translations
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python bench/run.py
	if [ -n "$$TEST_DATABASE_URL" ] && [ -n "$$TEST_REDIS_URL" ]; then \
	  $(BIN)/python bench/run.py --database-url "$$TEST_DATABASE_URL" --redis-url "$$TEST_REDIS_URL"; fi

## Known vulnerabilities in the pinned requirements (needs PyPI's JSON API; a report only).
audit: install-dev
	-$(BIN)/pip-audit --requirement requirements.txt --progress-spinner off

## Re-lock requirements*.txt from requirements*.in (hashes included); UPGRADE=1 takes the newest
## versions the .in files allow. Then `make test`.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools==7.6.2
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url $(if $(UPGRADE),--upgrade) --output-file requirements.txt requirements.in
	.venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url $(if $(UPGRADE),--upgrade) --output-file requirements-dev.txt requirements-dev.in

lint: install-dev
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-extract translatable strings and merge them into the th and en catalogues.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output --no-wrap --project "mascot-naming" .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete --no-wrap --ignore-pot-creation-date

clean:
	rm -rf $(VENV) .venv-lock .pytest_cache .ruff_cache

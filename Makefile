# Séances — the two set-up commands of the README are `make run` and `make test`.
VENV ?= .venv
# The interpreter of a new .venv: the system's optimised Python 3.11 when there is one (scripts/python-for-venv),
# else python3; `make run PYTHON=python3.11` chooses another (after `make clean`).
PYTHON ?= $(shell scripts/python-for-venv)
FLASK = $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Stamps: a step runs again only when what it installs from changed (a second `make run` starts at once).
INSTALLED = $(VENV)/.seances-installed
INSTALLED_DEV = $(VENV)/.seances-installed-dev
DSFR_COPIED = app/static/dsfr/.seances-copied

.PHONY: run test install install-dev assets system-packages db demo serve clean

## make run: install (only what changed), create/migrate the SQLite database, load the demo data if empty,
## serve on http://$(HOST):$(PORT) (`make run PORT=8000`), and run the e-mail worker when REDIS_URL is set
run: install assets db demo serve

## make test: install (Python packages, assets, system tools) and run the whole test suite
test: install-dev assets system-packages
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip

install: $(INSTALLED)
$(INSTALLED): requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	@touch $@

install-dev: $(INSTALLED_DEV)
$(INSTALLED_DEV): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

## DSFR (the French State design system) and axe-core (the browser tests' accessibility checks) from npm;
## the DSFR is served from app/static/dsfr (not committed). The new copy replaces the old in one move, so
## a `make test` beside a running app never leaves it without its styles.
assets: $(DSFR_COPIED)
$(DSFR_COPIED): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
		rm -rf app/static/dsfr.new app/static/dsfr.old && mkdir -p app/static/dsfr.new && \
		cp -r node_modules/@gouvfr/dsfr/dist/. app/static/dsfr.new/ && touch app/static/dsfr.new/.seances-copied && \
		{ [ ! -d app/static/dsfr ] || mv app/static/dsfr app/static/dsfr.old; } && \
		mv app/static/dsfr.new app/static/dsfr && rm -rf app/static/dsfr.old; \
	else echo "npm absent : les pages s'afficheront sans le style DSFR."; fi

## System tools the tests use when present (LibreOffice, Chromium); installed with apt when root.
system-packages:
	@scripts/install-system-packages

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo

## The worker of background jobs (e-mails) runs beside the web server when REDIS_URL is set;
## without it, `flask worker` says so and stops, and e-mails leave during the request.
# Links in e-mails and calendar files follow the port unless BASE_URL says otherwise (behind a proxy).
serve: export BASE_URL ?= http://$(HOST):$(PORT)
serve:
	@echo "Séances : http://$(HOST):$(PORT)/ (liens des courriels : $(BASE_URL)) — arrêt : Ctrl+C"
	@$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) node_modules app/static/dsfr app/static/dsfr.new app/static/dsfr.old

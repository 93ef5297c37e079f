# Séances — the two set-up commands of the README are `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
FLASK = $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev assets system-packages db demo serve clean

## make run: install, create/migrate the SQLite database, load the demo data if empty, serve on 127.0.0.1:5000
## (and run the e-mail worker when REDIS_URL is set)
run: install assets db demo serve

## make test: install (Python packages, assets, system tools) and run the whole test suite
test: install-dev assets system-packages
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip

install: $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt

install-dev: $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet -r requirements-dev.txt

## DSFR (the French State design system) from npm, served from app/static/dsfr (not committed).
assets:
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
		rm -rf app/static/dsfr && mkdir -p app/static/dsfr && \
		cp -r node_modules/@gouvfr/dsfr/dist/. app/static/dsfr/; \
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
serve:
	@$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) node_modules app/static/dsfr

# Two commands for a fresh machine (python3, venv and make):
#   make run    set up and serve the app on http://127.0.0.1:8000 (SQLite)
#   make test   run the test suite (SQLite, or PostgreSQL with DATABASE_URL)

VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements

# Local development defaults; any of these can be overridden from the environment.
export DEBUG ?= true

.PHONY: run test lint format clean

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PYTHON) manage.py compile_catalogues
	$(PYTHON) manage.py migrate --no-input
	$(PYTHON) manage.py setup_local_site
	$(PYTHON) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	DEBUG=false $(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles

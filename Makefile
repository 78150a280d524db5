# Set-up and everyday tasks. Needs only Python >= 3.11 and make (PYTHON=... picks the interpreter: docs/development.md).
#   make run    create the virtualenv, install, migrate, load the Palmyra fixtures, make the demo curator account
#               (password from HERITAGE_CURATOR_PASSWORD, or printed once), serve on http://127.0.0.1:8000/admin/
#   make test   lint, Django's system checks, the migrations check and the whole test suite (DATABASE_URL picks the
#               database; default SQLite), in TEST_WORKERS processes (TEST_WORKERS=0: in this process; PYTEST_ARGS
#               adds pytest options)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
FIXTURES := fixtures/eamena-vocabularies.json fixtures/vocabularies.json fixtures/palmyra.json
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist), on two cores: on SQLite the suite is all CPU, and two ran it faster than three (4:17
# against 4:35; on a slower machine 7:26 and 7:27); on PostgreSQL three keep the cores busy while the server answers
# (two took 6:14, four 7:03 against three's 5:35: the server then has too little of the cores).
TEST_WORKERS ?= $(if $(findstring postgres,$(DATABASE_URL)),3,2)

.PHONY: run test install lint format migrate fixtures demo-curator lock clean

run: migrate fixtures demo-curator
	$(PY) manage.py runserver $(HOST):$(PORT)

demo-curator: migrate
	$(PY) manage.py ensure_demo_curator

# Python's bytecode caches on, even where the environment turns them off (PYTHONDONTWRITEBYTECODE): without them
# pytest rewrites the asserts of every test module and plugin package again in each worker (375 modules, 4 of the 9
# seconds a worker takes to collect). The caches are git-ignored.
test: export PYTHONDONTWRITEBYTECODE :=
# makemigrations runs every system check before it compares models and migrations, and stops on an error, as
# `manage.py check` would (tests/test_settings.py runs that too).
test: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "heritage needs Python >= 3.11; set PYTHON=python3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(PY) manage.py migrate --noinput

# loaddata is idempotent with natural keys: loading twice changes nothing.
fixtures: migrate
	$(PY) manage.py loaddata $(FIXTURES)

# Re-resolve the newest versions allowed by pyproject.toml and pin them.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions for every install (make install uses: pip install -c constraints.txt)."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis db.sqlite3

# The run contract (ARCHITECTURE.md): make venv | demo | test. Each works on a fresh machine
# with Python 3.11, make and the package registries.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
JAMLIK := $(BIN)/jamlik
PYTEST_WORKERS ?= 2

.PHONY: venv demo test test-sqlite test-postgres lint format messages compile-messages worker clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it or set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

venv: $(VENV)/.installed compile-messages

# Message catalogues are compiled with polib (pure Python), so no gettext tools are needed.
compile-messages: $(VENV)/.installed
	$(BIN)/python -m jamlik.core.catalogs compile

# Extracting messages needs GNU gettext (xgettext); run after changing UI text.
messages: venv
	cd src/jamlik && for app in core orgs notifications events assessments reviews; do \
	  [ -d $$app ] && (cd $$app && ../../../$(JAMLIK) makemessages -l sv -l en --no-obsolete --add-location file) || true; \
	done

demo: venv
	mkdir -p var
	$(JAMLIK) migrate --no-input
	$(JAMLIK) demo
	$(JAMLIK) runserver 127.0.0.1:8000

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: venv
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

test-sqlite: venv
	DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres: venv
	.ci/with-postgres $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test: lint test-sqlite test-postgres

worker: venv
	TASKS_BACKEND=database $(JAMLIK) db_worker

clean:
	rm -rf $(VENV) var

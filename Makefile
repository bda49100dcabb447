# The run contract (docs/architecture.md#run-contract): make venv | demo | test. Each works on a fresh machine
# with Python 3.11, make and the package registries.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
JAMLIK := $(BIN)/jamlik
PYTEST_WORKERS ?= 2
# Where `make demo` serves; the links it prints use the same address.
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000
DEMO_URL := http://$(DEMO_HOST):$(DEMO_PORT)
FUZZ_EXAMPLES ?= 30
# `make demo-sso`: the demo's directory (an OpenID Connect provider) listens here.
DEMO_SSO_PORT ?= 9400

.PHONY: venv demo demo-sso test test-sqlite test-postgres lint typecheck format messages compile-messages worker clean system-packages fuzz

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
	cd src/jamlik && for app in core orgs notifications events assessments reviews identity; do \
	  [ -d $$app ] && (cd $$app && ../../../$(JAMLIK) makemessages -l sv -l en --no-obsolete --add-location file) || true; \
	done

demo: venv
	mkdir -p var
	$(JAMLIK) migrate --no-input
	BASE_URL=$(DEMO_URL) $(JAMLIK) demo
	BASE_URL=$(DEMO_URL) $(JAMLIK) runserver $(DEMO_HOST):$(DEMO_PORT)

# The demo with sign-in through a local directory (demo/sso.py): staff and employees sign in
# as the demo identities; passwords stay on for the demo users.
demo-sso: venv
	mkdir -p var
	$(JAMLIK) migrate --no-input
	BASE_URL=$(DEMO_URL) $(JAMLIK) demo
	$(JAMLIK) demo_sso_provider --port $(DEMO_SSO_PORT) & provider=$$!; \
	trap 'kill $$provider' EXIT INT TERM; \
	OIDC_ISSUER=http://127.0.0.1:$(DEMO_SSO_PORT) OIDC_CLIENT_ID=jamlik-demo \
	OIDC_CLIENT_SECRET=jamlik-demo-secret \
	DIRECTORY_ROLE_MAP="administrator=Jamlik.Admin;city_coordinator=Jamlik.City;org_coordinator=Jamlik.Org" \
	BASE_URL=$(DEMO_URL) $(JAMLIK) runserver $(DEMO_HOST):$(DEMO_PORT)

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# mypy with django-stubs over src/ (settings in pyproject.toml, [tool.mypy]).
typecheck: venv
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# Debian packages the tests need: installed as root or through sudo, else the exact line.
system-packages:
	.ci/system-packages

test-sqlite: venv
	DATABASE_URL= $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres: venv
	.ci/with-postgres $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test: system-packages lint typecheck test-sqlite test-postgres

# A long schema-driven fuzz run of the whole API (both databases); see the README.
fuzz: system-packages venv
	DATABASE_URL= FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:xdist tests/api/test_fuzz.py
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) .ci/with-postgres $(BIN)/pytest -q -p no:xdist tests/api/test_fuzz.py

worker: venv
	TASKS_BACKEND=database $(JAMLIK) db_worker

clean:
	rm -rf $(VENV) var

# Two commands for a newcomer:  make run  (the app on http://127.0.0.1:8000)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
WORKERS ?= 2
export FLASK_APP := wsgi

.PHONY: run test translations extract bench bench-card install install-dev loadtest loadtest-tools

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d app/translations

extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l --no-location --sort-output --no-wrap -o app/translations/messages.pot .
	$(BIN)/pybabel -q update -N --no-wrap --ignore-obsolete -i app/translations/messages.pot -d app/translations  # no locations: the .pot has none

instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "wrote $@ with a random SECRET_KEY"

run: install translations instance/config.py
	$(BIN)/flask init-db
	$(BIN)/flask seed-demo --if-empty
	@echo "Anju on http://127.0.0.1:$(PORT)  (Ctrl-C stops it)"
	JOBS_RUNNER=embedded BIND=127.0.0.1:$(PORT) WORKERS=$(WORKERS) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set.
test: install-dev translations
	@echo "== tests on SQLite"
	TEST_DATABASE_URL= $(BIN)/python -m pytest -q $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== tests on PostgreSQL"; $(BIN)/python -m pytest -q $(PYTEST_ARGS); fi

bench: install-dev
	$(BIN)/python bench/worklist.py

bench-card: install-dev
	$(BIN)/python bench/card_page.py

# Locust in an environment of its own (it brings gevent): make loadtest HOST=http://127.0.0.1:8000
.venv-load/bin/locust: requirements-load.txt
	$(PYTHON) -m venv .venv-load
	.venv-load/bin/pip install -q -r requirements-load.txt
	touch $@

loadtest-tools: .venv-load/bin/locust

HOST ?= http://127.0.0.1:$(PORT)
USERS ?= 100
DURATION ?= 10m
# The county scenario (bench/locustfile.py) against a running server; bench/loadtest.py runs the
# measured version (its own gunicorn, worker memory) for docs/performance.md.
loadtest: loadtest-tools
	.venv-load/bin/locust -f bench/locustfile.py --headless -u $(USERS) -r 2 -t $(DURATION) --host $(HOST) --only-summary

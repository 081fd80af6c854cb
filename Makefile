# The front door. `make run` and `make test` set up everything they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# Waits for another apt-get (an unattended upgrade, a second make) instead of failing.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
APT := $(APT_GET) install -y -q --no-install-recommends
LANGUAGES := nl en ar tr pl uk

.PHONY: run test serve bench translations lint setup system-deps browser-deps compile-translations migrate demo clean

run: setup migrate demo  ## Set up, migrate, load the demo gemeente and serve on 127.0.0.1:5000
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup browser-deps  ## Set up and run the whole suite (unit, functional, browser, load)
	$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	exit $$status

serve: setup migrate  ## Production mode under gunicorn (configure with environment variables)
	PORTAL_ENV=$${PORTAL_ENV:-production} $(BIN)/gunicorn \
	  --bind $${BIND:-$(HOST):$(PORT)} --workers $${WEB_CONCURRENCY:-2} --threads $${THREADS:-4} \
	  --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" 'portal:create_app()'

bench: setup browser-deps  ## Resident pages, the staff side at 100,000 submissions, paper, scans, the outbox, reports
	@command -v wrk >/dev/null || { $(APT_GET) update -q && $(APT) wrk; }
	status=0; \
	$(BIN)/python -m tests.bench.run || status=1; \
	$(BIN)/python -m tests.bench.staff || status=1; \
	$(BIN)/python -m tests.bench.scanning || status=1; \
	$(BIN)/python -m tests.bench.paper || status=1; \
	$(BIN)/python -m tests.bench.outbox || status=1; \
	$(BIN)/python -m tests.bench.reports || status=1; \
	exit $$status

translations: setup  ## Extract messages, update every catalog and compile them
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --sort-by-file --no-location \
	  -c Translators: -o translations/messages.pot .
	for lang in $(LANGUAGES); do \
	  if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i translations/messages.pot -d translations -l $$lang --no-fuzzy-matching --ignore-obsolete; \
	  else \
	    $(BIN)/pybabel init -i translations/messages.pot -d translations -l $$lang; \
	  fi; \
	done
	$(BIN)/python -m portal.catalogs fill-source nl
	$(MAKE) compile-translations

lint: setup
	$(BIN)/ruff check portal tests migrations
	$(BIN)/ruff format --check portal tests migrations

# --- the steps behind the front door -------------------------------------------------

setup: system-deps $(VENV)/.installed compile-translations

system-deps:
	@missing=""; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ldconfig -p | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	[ -d /usr/share/fonts/truetype/noto ] || missing="$$missing fonts-noto-core"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(APT_GET) update -q && $(APT) $$missing; \
	fi

browser-deps:
	@command -v chromium >/dev/null || { $(APT_GET) update -q && $(APT) chromium fonts-noto-core; }
	@command -v zbarimg >/dev/null || { $(APT_GET) update -q && $(APT) zbar-tools; }

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

compile-translations: $(VENV)/.installed
	@if compgen -G 'translations/*/LC_MESSAGES/messages.po' >/dev/null; then \
	  $(BIN)/pybabel -q compile -d translations; fi

migrate: setup
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

clean:
	rm -rf $(VENV) instance .pytest_cache

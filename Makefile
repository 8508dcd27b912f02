# Two commands on a fresh machine: `make build`, then `make test`. Everything installs from this repo's files.
# Another Python (3.11-3.13): PYTHON_BASE=python3.13 VENV=.venv-313 make build test-fast
VENV        ?= .venv
BIN         := $(VENV)/bin
INSTALLED   := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev
CLI         := $(BIN)/security-ties
PUBLISHED   := warehouse/security_ties.duckdb
PYTHON_BASE ?= python3
PIP         := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: install install-dev lock build test test-fast lint docs dbt-docs gx-docs report superset browser java spark clean

# runtime: what `security-ties build`, the readers and the report need (requirements.lock)
$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON_BASE) -m venv $(VENV)
	$(PIP) -r requirements.lock
	$(PIP) --no-deps -e .
	touch $(INSTALLED)

# dev: the runtime set plus pytest, sqlfluff, dbt-bouncer, pillow and the reference-seed tools (requirements-dev.lock)
$(DEV_INSTALLED): $(INSTALLED) requirements-dev.lock
	$(PIP) -r requirements-dev.lock
	touch $(DEV_INSTALLED)

install: $(INSTALLED)

install-dev: $(DEV_INSTALLED)

## lock: re-resolve pyproject.toml into requirements.lock and requirements-dev.lock for Python 3.11, 3.12 and 3.13
lock:
	$(PYTHON_BASE) scripts/lock.py

$(PUBLISHED): | $(INSTALLED)
	$(CLI) build

## build: validate seeds and evidence, dbt build + tests + expectations into a new file, publish atomically
build: install
	$(CLI) build

## test: a fresh write-audit-publish build (every dbt data test and expectation), then pytest (with the dbt unit tests), lint and
## the Spark build with its parity test (make spark)
test: install-dev browser superset
	$(CLI) build
	$(BIN)/python -m pytest -m "not spark"
	$(MAKE) lint
	$(MAKE) spark

## test-fast: the edit loop - pytest without the tests marked slow (builds, GX runs, Superset, browser, dbt compile)
## on the published warehouse; it never builds one: without it, it stops with a one-line hint
test-fast: install-dev
	@test -f $(PUBLISHED) || { echo "make test-fast: no warehouse at $(PUBLISHED): run \`make build\` first" >&2; exit 1; }
	$(BIN)/python -m pytest -m "not slow"

## lint: sqlfluff over the SQL, then dbt-bouncer's conventions over a fresh manifest (dbt-bouncer.yml)
lint: install-dev
	$(BIN)/sqlfluff lint models macros tests analyses
	$(BIN)/dbt --warn-error parse --quiet
	$(BIN)/dbt-bouncer --config-file dbt-bouncer.yml

## docs: static dbt docs (target/static_index.html) and GX Data Docs, both open offline
docs: dbt-docs gx-docs

# the catalog reads a copy of the published warehouse, so the docs build never locks the published file
dbt-docs: install $(PUBLISHED)
	mkdir -p warehouse/docs
	cp $(PUBLISHED) warehouse/docs/security_ties.duckdb
	SECURITY_TIES_DB=$(CURDIR)/warehouse/docs/security_ties.duckdb $(BIN)/dbt docs generate --static
	@echo "dbt docs: $(CURDIR)/target/static_index.html"

gx-docs: install
	$(CLI) audit

## report: static offline HTML report (reports/index.html) with the dbt catalogue copied beside it
report: install dbt-docs
	$(CLI) report

## browser: Debian's headless Chromium and ChromeDriver for the screenshot tests (installed only if missing)
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update && apt-get install -y chromium chromium-driver; fi

# Superset 6.1.0 pins SQLAlchemy 1.4, so it gets its own venv, installed from superset/requirements.lock
SUPERSET_VENV      := .venv-superset
SUPERSET_INSTALLED := $(SUPERSET_VENV)/.installed

$(SUPERSET_INSTALLED): superset/requirements.lock
	rm -rf $(SUPERSET_VENV)
	$(PYTHON_BASE) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/pip install --quiet --disable-pip-version-check -r superset/requirements.lock
	touch $(SUPERSET_INSTALLED)

SUPERSET_BOOTSTRAPPED := superset/var/.bootstrapped

$(SUPERSET_BOOTSTRAPPED): $(SUPERSET_INSTALLED) superset/bootstrap.sh superset/superset_config.py
	bash superset/bootstrap.sh
	touch $(SUPERSET_BOOTSTRAPPED)

## superset: Superset in .venv-superset, metadata in superset/var/, admin and the warehouse (read-only) registered;
## serve it on 127.0.0.1:8088 with superset/serve.sh
superset: $(SUPERSET_BOOTSTRAPPED)

# dbt-spark and pyspark get their own venv (they pin apart from the DuckDB stack), from requirements-spark.lock
SPARK_VENV      := .venv-spark
SPARK_INSTALLED := $(SPARK_VENV)/.installed

$(SPARK_INSTALLED): requirements-spark.lock pyproject.toml
	rm -rf $(SPARK_VENV)
	$(PYTHON_BASE) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-spark.lock
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(SPARK_INSTALLED)

## java: Debian's Java 17 runtime for PySpark 4 (installed only if no Java 17+ is on the PATH)
java:
	@if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then \
		apt-get update && apt-get install -y openjdk-17-jre-headless; fi

## spark: the same project on a local Spark session (dbt build --target spark: seeds, models, every data test and
## unit test), then every mart and membership_as_of compared with a DuckDB build (pytests/test_spark_parity.py)
spark: install java $(SPARK_INSTALLED)
	$(SPARK_VENV)/bin/python -m pytest -m spark -rP pytests/test_spark_parity.py

clean:
	rm -rf target logs warehouse reports

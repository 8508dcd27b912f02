# Two commands on a fresh machine: `make build`, then `make test`. Everything installs from this repo's files.
VENV        := .venv
BIN         := $(VENV)/bin
INSTALLED   := $(VENV)/.installed
CLI         := $(BIN)/security-ties
PUBLISHED   := warehouse/security_ties.duckdb
PYTHON_BASE ?= python3

.PHONY: install build test lint docs dbt-docs gx-docs report superset clean

$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON_BASE) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(INSTALLED)

install: $(INSTALLED)

$(PUBLISHED): | $(INSTALLED)
	$(CLI) build

## build: validate seeds and evidence, dbt build + tests + expectations into a new file, publish atomically
build: install
	$(CLI) build

## test: a fresh write-audit-publish build (every dbt test, unit test and expectation), then pytest and lint
test: install
	$(CLI) build
	$(BIN)/python -m pytest
	$(MAKE) lint

lint: install
	$(BIN)/sqlfluff lint models macros tests analyses

## docs: static dbt docs (target/static_index.html) and GX Data Docs, both open offline
docs: dbt-docs gx-docs

# the catalog reads a copy of the published warehouse (same file name, so the same catalog name)
dbt-docs: install $(PUBLISHED)
	mkdir -p warehouse/docs
	cp $(PUBLISHED) warehouse/docs/security_ties.duckdb
	SECURITY_TIES_DB=$(CURDIR)/warehouse/docs/security_ties.duckdb $(BIN)/dbt docs generate --static
	@echo "dbt docs: $(CURDIR)/target/static_index.html"

gx-docs: install
	$(CLI) validate

report: install
	$(CLI) report

clean:
	rm -rf target logs warehouse reports

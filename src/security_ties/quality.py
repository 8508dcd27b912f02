"""Great Expectations: a second, independent line of data-quality defence on every mart.

dbt's tests and contracts check the models while dbt builds them. This module checks the finished
DuckDB file from the outside with Great Expectations (GX 1.24): the build runs it on every candidate
before publishing (`audit`), and `security-ties validate` (`make gx-docs`) runs it on demand.

What the suites check - one suite per table of the `marts` schema, named after the table:
- structure, derived from the dbt contract (models/marts/*.yml) so that a new mart or column cannot be
  forgotten: the exact column set, every column's type, the not-null columns, the primary key, the
  unique columns and the declared unique combinations (grains);
- conventions shared by every mart, keyed by column name (`_convention_rules`): ISO3 and organisation
  codes, document ids, evidence quotes of 1-200 characters, ISO date strings, precisions, date bases,
  qualifiers and shares of 0-100 %;
- domain rules written out per table (`domain_rules`): code lists, ranges, row counts (`ROW_COUNTS`),
  pair rules (an end never precedes its start) and derived cross-row checks (`derived_checks`, e.g. no
  two membership spells overlap, which core GX cannot express row by row).
Most value sets and ranges restate a dbt test on purpose: they are stated here independently (widening
a dbt test does not widen them) and the Data Docs show them to a business reader as plain rules. Rules
without a dbt counterpart are marked "(no dbt test)".

How a run works:
1. Every mart is read from the DuckDB file, opened read-only, into a DataFrame (`con.sql(...).df()`) and
   the derived check columns are added. A mart larger than the row limit (SECURITY_TIES_AUDIT_ROW_LIMIT,
   default 200,000 rows; the real marts hold at most ~15,000) is read as a repeatable reservoir sample: its
   row count is then checked in DuckDB, and uniqueness and cross-row checks hold for the sample only (dbt's
   tests cover the full table). This bounds the audit's time and memory at scale.
2. Each mart's frame is validated against its suite by one validation definition (the frame is the batch
   parameter, so no Parquet round trip). `security-ties validate` does this in the file-backed GX project
   gx/ with result format SUMMARY and builds the static Data Docs site once, at
   gx/uncommitted/data_docs/local_site/index.html (it shows the latest run only; older results are
   removed). Its suites and definitions are output, git-ignored: this module is the source.
3. The build's audit (`audit`) runs the same suites in an in-memory context with result format
   BOOLEAN_ONLY and no Data Docs, then validates only the failing marts again with SUMMARY so that the
   error names the unexpected values: the same expectations, a fraction of the time.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import fcntl
import html
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import numpy as np
import pandas as pd
import yaml
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import AbstractDataContext, FileDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.datasource.fluent import PandasDatasource
from great_expectations.expectations import Expectation
from great_expectations.expectations.row_conditions import Column

from security_ties import vocabulary
from security_ties.project import Project

SCHEMA = "marts"
CONTRACTS = Path("models") / "marts"  # the dbt contract YAML of the marts, relative to the project root
GX_FOLDER = "gx"
SOURCE = "marts_frames"
GENERATED = ("expectations", "validation_definitions", "checkpoints")  # re-created by every run
BATCHES = Path("uncommitted") / "batches"  # Parquet batches of earlier versions, removed by every run
RESULTS = Path("uncommitted") / "validations"
DOCS = Path("uncommitted") / "data_docs"
DOCS_INDEX = DOCS / "local_site" / "index.html"
LOCK = Path("uncommitted") / ".run.lock"

# The pandas dtype DuckDB's `.df()` gives each contract type (with NULLs, Int32/boolean, which GX
# accepts for int32/bool). Strings are pandas 3's `str`; DATE arrives as datetime64[us].
PANDAS_TYPES: Mapping[str, str] = MappingProxyType({
    "varchar": "str", "integer": "int32", "bigint": "int64", "double": "float64",
    "boolean": "bool", "date": "datetime64[us]",
})

# Rows each mart must hold: (at least, at most), None for no upper bound. Every mart needs an entry.
ROW_COUNTS: Mapping[str, tuple[int, int | None]] = MappingProxyType({
    # reference dimensions, complete by construction
    "dim_country": (249, None),  # the 249 ISO 3166-1 codes plus dissolved states
    "dim_organization": (15, None),
    "dim_document": (5, None),  # at least the five source texts; `security-ties add-document` adds more
    "dim_date": (14_610, 14_610),  # every day from 1991-01-01 to 2030-12-31
    "dim_qualifier": (8, None),  # the qualifier vocabulary: exact, approx, almost, more/less than, at least, up to, range
    # built from the extracted facts: empty means the extraction or a model broke
    "dim_treaty": (1, None),
    "dim_weapon_system": (1, None),
    "fct_arms_deal": (1, None),
    "fct_arms_deal_stage": (1, None),
    "fct_arms_supplier_share": (1, None),
    "fct_arms_transfer": (1, None),
    "fct_event": (1, None),
    "fct_event_actor": (1, None),
    "fct_fact_provenance": (1, None),
    "fct_indicator": (1, None),
    "fct_membership_event": (1, None),
    "fct_membership_spell": (1, None),
    "fct_membership_spell_by_knowledge": (1, None),
    "fct_trade_flow": (1, None),
    "fct_treaty_event": (1, None),
    "mart_alignment_timeline": (1, None),
    "mart_arms_supplier_shift": (1, None),
    "mart_trade_partners": (1, None),
    # may rightly be empty
    "mart_source_conflicts": (0, None),  # a corpus need not disagree; pytests/test_conflicts.py checks the real rows
    "mart_membership_on_publication_dates": (0, None),
})

PRECISIONS = ("day", "month", "year")
DATE_BASES = ("stated", "relative_to_publication", "inferred_from_context", "publication_date")
# Membership event types and statuses come from seeds/vocabulary/membership_event_types.csv, treaty event types and
# lifecycle stages from seeds/vocabulary/treaty_event_types.csv (vocabulary.py).
PROJECT_SEEDS = Path(__file__).resolve().parents[2] / "seeds"  # the seeds of the checkout this package runs from
START_BASES = ("stated_event", "succession", "first_attested")  # how a membership spell's start is known
TIMELINE_STATES = ("not_stated_yet", "no_record")  # mart_alignment_timeline's states besides the statuses
LEGAL_BASES = ("legal_act", "political_declaration", "status_assertion")
FIRST_YEAR, LAST_YEAR = 1991, 2030  # the calendar dim_date spans; every dated fact falls inside it
FIRST_DAY, LAST_DAY = dt.datetime(FIRST_YEAR, 1, 1), dt.datetime(LAST_YEAR, 12, 31)
# Marts that repeat the fact ids of another mart's fact table (the fact_tables vocabulary names one mart per table).
MARTS_REPEATING_FACT_IDS: Mapping[str, str] = MappingProxyType({"mart_trade_partners": "trade_figures"})
# What differs in a value or date conflict; status and claim attributes come from the vocabularies.
COMPARED_ATTRIBUTES = ("value_usd", "share_pct", "partner_rank", "date", "amount", "status")


def read_vocabulary(name: str, seeds_dir: Path = PROJECT_SEEDS) -> list[dict[str, str]]:
    """The rows of one vocabulary seed: GX reads the same CSV files dbt seeds, so a new fact table or conflict
    kind is one row there and nothing here."""
    return vocabulary.rows(seeds_dir, name)


def fact_id_prefixes(seeds_dir: Path = PROJECT_SEEDS) -> dict[str, str]:
    """Fact table -> the prefix of its ids (trade_figures -> TRD), from the fact_tables vocabulary."""
    return {row["fact_table"]: row["fact_id_prefix"] for row in read_vocabulary("fact_tables", seeds_dir)
            if row["fact_id_prefix"]}


def fact_id_marts(seeds_dir: Path = PROJECT_SEEDS) -> dict[str, str]:
    """Mart -> the id prefix of the facts it holds one row per (fct_trade_flow -> TRD), from the fact_tables
    vocabulary plus the marts that repeat another table's ids."""
    prefixes = fact_id_prefixes(seeds_dir)
    marts = {row["fact_mart"]: prefixes[row["fact_table"]] for row in read_vocabulary("fact_tables", seeds_dir)
             if row["fact_mart"] and row["fact_table"] in prefixes}
    return {**marts, **{mart: prefixes[table] for mart, table in MARTS_REPEATING_FACT_IDS.items()}}


@dataclass(frozen=True)
class TableResult:
    """One mart's outcome: how many expectations passed and failed, and which failed (with evidence)."""

    table: str
    success: bool
    passed: int
    failed: int
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Contract:
    """What models/marts/*.yml declares about one mart."""

    table: str
    description: str
    columns: Mapping[str, str]  # column -> dbt data_type, in contract order
    not_null: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]  # primary key, unique columns, unique combinations


# --- the contract -------------------------------------------------------------------------------

def _test_name_and_arguments(test: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(test, str):
        return test, {}
    name, body = next(iter(test.items()))
    body = body or {}
    return name, dict(body.get("arguments", body))


def load_contracts(root: Path) -> dict[str, Contract]:
    """Every mart the dbt YAML declares, with its columns, types, not-null columns and keys."""
    contracts: dict[str, Contract] = {}
    for path in sorted((root / CONTRACTS).glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            table, columns = model["name"], model.get("columns", [])
            types: dict[str, str] = {}
            not_null: list[str] = []
            keys: list[tuple[str, ...]] = []
            for constraint in model.get("constraints", []):
                if constraint["type"] == "primary_key":
                    keys.append(tuple(constraint["columns"]))
                    not_null.extend(constraint["columns"])
            for column in columns:
                name, data_type = column["name"], str(column.get("data_type", "")).lower()
                if data_type not in PANDAS_TYPES:
                    raise ValueError(f"{path}: {table}.{name} has data_type {data_type!r}; quality.PANDAS_TYPES "
                                     f"knows {', '.join(PANDAS_TYPES)}")
                types[name] = data_type
                constraint_types = {c["type"] for c in column.get("constraints", [])}
                tests = {_test_name_and_arguments(t)[0] for t in column.get("data_tests", [])}
                if "not_null" in constraint_types | tests or "primary_key" in constraint_types:
                    not_null.append(name)
                if "unique" in tests or "primary_key" in constraint_types:
                    keys.append((name,))
            for test in model.get("data_tests", []):
                test_name, arguments = _test_name_and_arguments(test)
                if test_name == "unique_combination":
                    keys.append(tuple(arguments["combination_of_columns"]))
            contracts[table] = Contract(table, model.get("description", ""), MappingProxyType(types),
                                        tuple(dict.fromkeys(not_null)), tuple(dict.fromkeys(keys)))
    return contracts


def suite_tables(project: Project) -> list[str]:
    """The marts that get a suite: exactly those the dbt contract declares."""
    return sorted(load_contracts(project.root))


# --- expectation helpers ------------------------------------------------------------------------

def in_set(column: str, values: Sequence[object], why: str) -> Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), description=why)


def between(column: str, low: Any = None, high: Any = None, why: str = "", strict_min: bool = False) -> Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high, strict_min=strict_min,
                                             description=why)


def matches(column: str, regex: str, why: str) -> Expectation:
    return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex, description=why)


def not_before(later: str, earlier: str, why: str, strictly: bool = False) -> Expectation:
    """Pair rule: `later` >= `earlier` (or >) wherever both are set."""
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later, column_B=earlier, or_equal=not strictly, ignore_row_if="either_value_is_missing",
        description=why)


def unique_together(columns: Sequence[str], why: str = "") -> Expectation:
    return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns), description=why or None)


def years(column: str) -> Expectation:
    return between(column, FIRST_YEAR, LAST_YEAR, f"A year of the calendar, {FIRST_YEAR}-{LAST_YEAR}")


def fact_ids(column: str, prefixes: str) -> Expectation:
    return matches(column, rf"^(?:{prefixes})-[0-9]{{3}}-[0-9]{{2,}}$",
                   f"Fact ids read {prefixes.replace('|', '/')}-<document number>-<sequence> (no dbt test)")


SNAKE_CASE = r"^[a-z][a-z0-9_]*$"
ISO_DATE = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"


# --- rules keyed by column name, shared by every mart --------------------------------------------

def qualifier_codes(seeds_dir: Path = PROJECT_SEEDS) -> tuple[str, ...]:
    """The qualifier codes of the vocabulary seed (seeds/vocabulary/qualifiers.csv), in its display order."""
    return vocabulary.codes(seeds_dir, "qualifiers", "qualifier")


def _convention_rules(column: str, qualifiers: Sequence[str]) -> list[Expectation]:
    rules: list[Expectation] = []
    if column.endswith("_iso3"):
        rules.append(matches(column, r"^[A-Z]{3}$", "Countries are ISO 3166-1 alpha-3 codes (no dbt test)"))
    if column == "org_code" or column.endswith("_org_code"):
        rules.append(matches(column, r"^[A-Z][A-Z0-9_]*$", "Organisation codes are upper-case acronyms (no dbt test)"))
    if column == "doc_id" or column.endswith("_doc_id"):
        rules.append(matches(column, r"^doc_[0-9]{3}$", "Document ids read doc_<three digits> (no dbt test)"))
    if column.endswith("evidence"):
        rules.append(gxe.ExpectColumnValueLengthsToBeBetween(
            column=column, min_value=1, max_value=200,
            description="Every fact is backed by a verbatim quote of 1 to 200 characters (no dbt test)"))
    if column.endswith("_date_iso"):
        rules.append(matches(column, ISO_DATE, "Dates as written are ISO strings at their precision (no dbt test)"))
    if column.endswith("_precision"):
        rules.append(in_set(column, PRECISIONS, "A date is precise to the day, month or year"))
    if column.endswith("date_basis"):
        rules.append(in_set(column, DATE_BASES, "How the date was found"))
    if column.endswith("qualifier"):
        rules.append(in_set(column, qualifiers, "How exact a stated figure is (codes of seeds/vocabulary/qualifiers.csv)"))
    if "share_pct" in column:
        rules.append(between(column, 0, 100, "Shares are percentages from 0 to 100"))
    return rules


# --- derived checks: cross-row rules core GX cannot express, computed in pandas ------------------

def overlaps_previous_spell(spells: pd.DataFrame) -> pd.Series:
    """True where a spell starts on or before the end of the previous spell of the same country and
    organisation (and knowledge cut-off, where the table has one), sorted by start; an open previous spell
    (valid_to null) overlaps anything after it. A spell starts at valid_from or, when only attested, at
    first_attested_on."""
    keys = [key for key in ("knowledge_from", "country_iso3", "org_code") if key in spells.columns]
    start = spells["valid_from"]
    if "first_attested_on" in spells.columns:
        start = start.fillna(spells["first_attested_on"])
    ordered = spells.assign(_start=start).sort_values([*keys, "_start"])
    groups = ordered.groupby(keys, sort=False)
    previous_end = groups["valid_to"].shift(1)
    has_previous = groups.cumcount() > 0
    overlaps = has_previous & (previous_end.isna() | (previous_end >= ordered["_start"]))
    return overlaps.reindex(spells.index).astype(bool)


def exact_growth_from_bounded_figure(trade: pd.DataFrame) -> pd.Series:
    """True where a growth is marked exact although the figure or the previous figure it is computed from is
    not exact (bounded or approximate)."""
    marked_exact = trade["growth_is_exact"].fillna(False).astype(bool)
    inputs_exact = trade["is_exact"].fillna(False).astype(bool) & trade["previous_is_exact"].fillna(False).astype(bool)
    return marked_exact & ~inputs_exact


def fact_id_names_another_document(facts: pd.DataFrame) -> pd.Series:
    """True where the document number inside fact_id (TRD-001-01) is not the row's doc_id (doc_001)."""
    from_id = facts["fact_id"].str.extract(r"^[A-Z]{3}-([0-9]{3})-", expand=False)
    from_doc = facts["doc_id"].str.extract(r"^doc_([0-9]{3})$", expand=False)
    return ~(from_id.eq(from_doc).fillna(False).astype(bool))


DerivedCheck = Callable[[pd.DataFrame], pd.Series]


def derived_checks(table: str) -> dict[str, tuple[DerivedCheck, str]]:
    """The derived columns added to a mart's batch: name -> (function, description). Each flags a problem
    (True), and the suite expects it False on every row."""
    checks: dict[str, tuple[DerivedCheck, str]] = {}
    if table in ("fct_membership_spell", "fct_membership_spell_by_knowledge"):
        checks["overlaps_previous_spell"] = (
            overlaps_previous_spell,
            ("Derived check: no two spells of one country in one organisation overlap (each spell starts after "
             "the previous one ended; an open spell is the last one)"))
    if table == "mart_trade_partners":
        checks["exact_growth_from_bounded_figure"] = (
            exact_growth_from_bounded_figure,
            "Derived check: a growth is exact only when both figures it is computed from are exact")
    if table in fact_id_marts():
        checks["fact_id_names_another_document"] = (
            fact_id_names_another_document,
            "Derived check: the document number in fact_id is the fact's own doc_id (no dbt test)")
    return checks


def with_derived_columns(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame plus its derived check columns; a check whose input columns are gone is left out (the
    column-set expectation then reports it missing)."""
    derived = {}
    for name, (check, _) in derived_checks(table).items():
        try:
            derived[name] = check(frame)
        except KeyError:
            continue
    return frame.assign(**derived) if derived else frame


# --- the suites ---------------------------------------------------------------------------------

def structure_rules(contract: Contract) -> list[Expectation]:
    derived = list(derived_checks(contract.table))
    note = f" plus the derived check column(s) {', '.join(derived)}" if derived else ""
    rules: list[Expectation] = [gxe.ExpectTableColumnsToMatchSet(
        column_set=[*contract.columns, *derived], exact_match=True,
        description=f"Exactly the columns of the dbt contract{note}")]
    rules += [gxe.ExpectColumnValuesToBeOfType(column=name, type_=PANDAS_TYPES[data_type])
              for name, data_type in contract.columns.items()]
    rules += [gxe.ExpectColumnValuesToNotBeNull(column=name) for name in contract.not_null]
    for key in contract.keys:
        rules.append(gxe.ExpectColumnValuesToBeUnique(column=key[0]) if len(key) == 1
                     else unique_together(key, "One row per " + ", ".join(key)))
    return rules


def row_count_rules(table: str) -> list[Expectation]:
    low, high = ROW_COUNTS[table]
    if low == high:
        return [gxe.ExpectTableRowCountToEqual(value=low, description=f"Exactly {low} rows (no dbt test)")]
    if low == 0 and high is None:
        return []
    bounds = f"{low} to {high}" if high is not None else f"at least {low}"
    return [gxe.ExpectTableRowCountToBeBetween(min_value=low, max_value=high, description=f"Rows: {bounds} (no dbt test)")]


def spell_rules(statuses: Sequence[str]) -> list[Expectation]:
    """The rules every table of membership spells shares (fct_membership_spell and its per-knowledge form)."""
    attested, not_attested = Column("start_basis") == "first_attested", Column("start_basis") != "first_attested"
    return [
        in_set("status", statuses, "Membership statuses (seeds/vocabulary/membership_event_types.csv)"),
        in_set("start_basis", START_BASES, "How a spell's start is known"),
        in_set("legal_basis", LEGAL_BASES, "What the spell rests on"),
        gxe.ExpectColumnValuesToBeNull(column="valid_from", row_condition=attested,
                                       description="An attested-only spell has no start day"),
        gxe.ExpectColumnValuesToNotBeNull(column="valid_from", row_condition=not_attested,
                                          description="A stated or derived spell has a start day"),
        gxe.ExpectColumnValuesToNotBeNull(column="first_attested_on", row_condition=attested,
                                          description="An attested-only spell has its first attestation day"),
        gxe.ExpectColumnValuesToBeNull(column="first_attested_on", row_condition=not_attested,
                                       description="Only an attested-only spell has a first attestation day"),
        not_before("valid_to", "valid_from", "A spell ends on or after it starts"),
        not_before("valid_to", "first_attested_on", "An attested spell ends on or after its first attestation"),
        not_before("valid_from_latest", "valid_from", "The uncertain start of a spell ends on or after it begins"),
        not_before("first_attested_latest", "first_attested_on",
                   "An attestation's last possible day is not before its first (no dbt test)"),
        fact_ids("start_fact_id", "MEM"),
        gxe.ExpectColumnValuesToBeBetween(
            column="supporting_fact_count", min_value=1, row_condition=Column("start_basis") != "succession",
            description="Every spell not derived from a succession rests on at least one fact (no dbt test)"),
    ]


def domain_rules(seeds_dir: Path = PROJECT_SEEDS) -> dict[str, list[Expectation]]:
    """The business rules of each mart, written out by hand. A rule without "(no dbt test)" restates a
    dbt test; it is kept because the Data Docs show it to a business reader as a plain rule. Coded
    vocabularies are read from their mapping seeds in `seeds_dir`."""
    prefix = fact_id_prefixes(seeds_dir)
    any_fact = "|".join(sorted(prefix.values()))  # mart_source_conflicts may pair facts of any fact table
    fact_tables = [row["fact_table"] for row in read_vocabulary("fact_tables", seeds_dir)]
    conflict_kinds = [row["conflict_kind"] for row in read_vocabulary("conflict_kinds", seeds_dir)]
    claim_attributes = [row["claim_attribute"] for row in read_vocabulary("claim_attributes", seeds_dir)]
    statuses = vocabulary.membership_statuses(seeds_dir)
    stages = read_vocabulary("arms_deal_stages", seeds_dir)
    deal_stages = [row["stage"] for row in stages]
    stage_orders = [int(row["stage_order"]) for row in stages]
    return {
        "dim_country": [
            gxe.ExpectColumnValuesToMatchRegex(
                column="iso3", regex=r"^[A-Z]{3}$", row_condition=Column("is_historical") == False,
                description="Existing states have ISO 3166-1 alpha-3 codes; dissolved ones may carry other codes "
                            "(no dbt test)"),
            in_set("continent", ["Africa", "America", "Antarctica", "Asia", "Europe", "Oceania"], "Continents"),
            matches("iso_numeric", r"^[0-9]{3}$", "ISO numeric codes are three digits (no dbt test)"),
        ],
        "dim_organization": [
            in_set("org_type", ["military_alliance", "economic_union", "customs_union", "regional_organization",
                                "partnership_forum", "partnership_programme", "military_training_network",
                                "political_economic_union", "civilian_mission", "funding_instrument",
                                "international_organization", "international_organ", "mediation_group", "court"],
                   "Kinds of body"),
        ],
        "dim_document": [
            matches("file_name", r"^[0-9]{3}_[0-9a-f]{16}\.txt$", "Corpus file names (no dbt test)"),
            matches("sha256", r"^[0-9a-f]{64}$", "A sha256 is 64 hex digits (no dbt test)"),
            between("published_on", FIRST_DAY, LAST_DAY, "Published within the calendar (no dbt test)"),
            not_before("published_on_latest", "published_on", "A publication period ends on or after it begins"),
            not_before("known_from", "published_on_latest",
                       "A document is known no earlier than its latest possible publication day"),
            in_set("known_from_basis", ["publication_period_end", "latest_reported_fact"], "What sets known_from"),
        ],
        "dim_date": [
            between("date_day", FIRST_DAY, LAST_DAY, f"Every day from {FIRST_YEAR} to {LAST_YEAR} (no dbt test)"),
            years("year_number"),
            between("month_number", 1, 12, "Months 1-12 (no dbt test)"),
            between("day_of_month", 1, 31, "Days 1-31 (no dbt test)"),
            between("quarter_number", 1, 4, "Quarters 1-4 (no dbt test)"),
            matches("month_iso", r"^[0-9]{4}-[0-9]{2}$", "Months as YYYY-MM (no dbt test)"),
        ],
        "dim_treaty": [
            matches("treaty_id", SNAKE_CASE, "Treaty ids are snake_case (no dbt test)"),
            in_set("treaty_type", ["treaty", "charter", "protocol", "agreement", "action_plan", "programme",
                                   "declaration", "memorandum", "statute"], "Kinds of instrument (no dbt test)"),
            in_set("lifecycle_stage", vocabulary.treaty_lifecycle_stages(seeds_dir),
                   "Lifecycle stages (seeds/vocabulary/treaty_event_types.csv)"),
            not_before("in_force_on", "signed_on", "A treaty enters into force on or after its signing"),
            between("valid_until_year", FIRST_YEAR, None, "Runs to a year after 1991 (no dbt test)"),
            between("step_count", 0, None, "Counts are not negative (no dbt test)"),
        ],
        "dim_weapon_system": [
            matches("weapon_system_id", SNAKE_CASE, "Weapon system ids are snake_case (no dbt test)"),
            matches("category", SNAKE_CASE, "Categories are snake_case (no dbt test)"),
            between("category_count", 1, 1, "The texts give a system one category"),
            between("deal_count", 1, None, "Named in at least one deal (no dbt test)"),
            gxe.ExpectColumnValuesToBeBetween(
                column="supplier_count", min_value=1, max_value=1, row_condition=Column("is_generic") == True,  # noqa: E712
                description="A generic item (armaments, drone parts) belongs to one supplier: generic items never "
                            "merge across suppliers"),
        ],
        "fct_arms_deal": [
            matches("deal_key", r"^[a-z]{3}_[a-z]{3}_[a-z0-9_]+$", "Deal keys read supplier_recipient_system (no dbt test)"),
            matches("weapon_system_id", SNAKE_CASE, "Weapon system ids are snake_case (no dbt test)"),
            in_set("furthest_stage", deal_stages, "Stages of an arms deal (seeds/vocabulary/arms_deal_stages)"),
            in_set("furthest_stage_order", stage_orders, "Stage orders (seeds/vocabulary/arms_deal_stages)"),
            between("quantity_low", 1, None, "A stated quantity is at least one unit"),
            not_before("quantity_high", "quantity_low", "The highest quantity is not below the lowest"),
            years("supply_start_year"),
            years("supply_end_year"),
            not_before("supply_end_year", "supply_start_year", "A supply period ends in or after the year it starts"),
            not_before("furthest_stage_date_latest", "furthest_stage_date_earliest",
                       "A date's last possible day is not before its first"),
            between("doc_count", 1, None, "Every deal rests on at least one document"),
            not_before("stage_fact_count", "doc_count", "A deal has at least one fact per document (no dbt test)"),
        ],
        "fct_arms_deal_stage": [
            in_set("deal_stage", deal_stages, "Stages of an arms deal (seeds/vocabulary/arms_deal_stages)"),
            in_set("stage_order", stage_orders, "Stage orders (seeds/vocabulary/arms_deal_stages)"),
            unique_together(["deal_key", "deal_stage"], "One row per deal and stage"),
            years("stage_year"),
            not_before("stage_date_latest", "stage_date_earliest", "A date's last possible day is not before its first"),
            between("doc_count", 1, None, "Every stage rests on at least one document"),
        ],
        "fct_arms_supplier_share": [
            fact_ids("fact_id", prefix["arms_supplier_shares"]),
            matches("measure", r"^share_of_[a-z_]+$", "Measures read share_of_<what> (no dbt test)"),
            years("period_start_year"),
            years("period_end_year"),
            not_before("period_end_year", "period_start_year", "A period ends in or after the year it starts"),
            not_before("share_pct_upper", "share_pct", "A range's upper bound is not below its lower"),
            between("supplier_rank", 1, None, "Ranks start at 1"),
            not_before("supplier_rank_upper", "supplier_rank", "A rank range's upper end is not above its lower"),
            between("supplier_rank_best", 1, None, "Ranks start at 1"),
            not_before("supplier_rank_worst", "supplier_rank_best", "The worst rank allowed is not above the best"),
        ],
        "fct_arms_transfer": [
            fact_ids("fact_id", prefix["arms_transfers"]),
            in_set("status", deal_stages, "Stages of an arms deal (seeds/vocabulary/arms_deal_stages)"),
            in_set("stage_order", stage_orders, "Stage orders (seeds/vocabulary/arms_deal_stages)"),
            matches("deal_key", r"^[a-z]{3}_[a-z]{3}_[a-z0-9_]+$", "Deal keys read supplier_recipient_system (no dbt test)"),
            matches("category", SNAKE_CASE, "Categories are snake_case (no dbt test)"),
            between("quantity", 1, None, "A stated quantity is at least one unit"),
            not_before("quantity_upper", "quantity", "A range's upper bound is not below its lower"),
            between("value_usd", 0, None, "A stated deal value is positive", strict_min=True),
            not_before("status_date_latest", "status_date_earliest", "A date's last possible day is not before its first"),
            years("supply_start_year"),
            years("supply_end_year"),
            not_before("supply_end_year", "supply_start_year", "A supply period ends in or after the year it starts"),
        ],
        "fct_event": [
            fact_ids("fact_id", prefix["events"]),
            in_set("event_type", ["attack", "war", "incursion", "offensive", "ceasefire", "summit", "meeting", "exercise",
                                  "freeze", "recall", "deployment", "withdrawal", "statement", "agreement", "election",
                                  "protest", "visit", "mission", "vote", "relation", "other"], "Kinds of event"),
            not_before("event_date_latest", "event_date_earliest", "A date's last possible day is not before its first"),
            not_before("end_date_latest", "event_date_earliest", "An event ends on or after it starts"),
            between("killed", 0, None, "People killed are not negative"),
            between("displaced", 0, None, "People displaced are not negative"),
            between("troops", 0, None, "Troops are not negative"),
            between("area_km2", 0, None, "An area is positive", strict_min=True),
            *[rule for figure in ("killed", "displaced", "troops", "area_km2") for rule in (
                not_before(figure, f"{figure}_lower", "A figure is not below its lower bound"),
                not_before(f"{figure}_upper", figure, "A figure is not above its upper bound"))],
        ],
        "fct_event_actor": [
            fact_ids("fact_id", prefix["events"]),
            matches("actor_code", r"^[A-Z][A-Z0-9_]*$", "Actors are ISO3 or organisation codes (no dbt test)"),
            in_set("actor_kind", ["country", "organization"], "An actor is a country or an organisation"),
            in_set("actor_role", ["initiator", "target", "participant", "host", "mediator", "absent"], "Actor roles"),
        ],
        "fct_fact_provenance": [
            in_set("fact_table", fact_tables, "The fact seeds (vocabulary fact_tables)"),
            between("evidence_length", 1, 200, "Quotes are 1 to 200 characters long"),
            between("doc_published_on", FIRST_DAY, LAST_DAY, "Published within the calendar (no dbt test)"),
            not_before("fact_date_latest", "fact_date_earliest", "A date's last possible day is not before its first"),
        ],
        "fct_indicator": [
            fact_ids("fact_id", prefix["indicators"]),
            in_set("subject_kind", ["country", "organization"], "A subject is a country or an organisation"),
            matches("indicator", SNAKE_CASE, "Indicator names are snake_case (no dbt test)"),
            in_set("unit", ["usd", "pct", "persons", "km2", "count", "years", "months", "days", "km"], "Units"),
            between("value", 0, None, "Stated quantities are not negative (no dbt test)"),
            not_before("value", "value_lower", "A figure is not below its lower bound"),
            not_before("value_upper", "value", "A figure is not above its upper bound"),
            gxe.ExpectColumnValuesToBeInSet(
                column="is_exact", value_set=[False], row_condition=Column("qualifier") != "exact",
                description="A hedged figure (any qualifier but exact) is never marked exact"),
            years("ref_year"),
        ],
        "fct_membership_event": [
            fact_ids("fact_id", prefix["membership_events"]),
            in_set("event_type", vocabulary.membership_event_types(seeds_dir),
                   "Kinds of membership event (seeds/vocabulary/membership_event_types.csv)"),
            in_set("resulting_status", statuses, "Membership statuses"),
            in_set("act_kind", LEGAL_BASES, "What the event rests on"),
            not_before("event_date_latest", "event_date_earliest", "A date's last possible day is not before its first"),
        ],
        "fct_membership_spell": spell_rules(statuses),
        "fct_membership_spell_by_knowledge": [
            *spell_rules(statuses),
            not_before("knowledge_to", "knowledge_from", "A knowledge cut-off ends on or after it begins"),
            unique_together(["knowledge_from", "spell_id"], "One row per cut-off and spell"),
        ],
        "fct_trade_flow": [
            fact_ids("fact_id", prefix["trade_figures"]),
            in_set("flow", ["total", "exports", "imports"], "Trade flows, from the reporter's side"),
            years("trade_year"),
            between("value_usd", 0, None, "A stated trade value is positive", strict_min=True),
            not_before("value_usd", "value_usd_lower", "A figure is not below its lower bound"),
            not_before("value_usd_upper", "value_usd", "A figure is not above its upper bound"),
            not_before("share_pct", "share_pct_lower", "A share is not below its lower bound"),
            not_before("share_pct_upper", "share_pct", "A share is not above its upper bound"),
            gxe.ExpectColumnValuesToBeInSet(
                column="is_exact", value_set=[False], row_condition=Column("qualifier") != "exact",
                description="A hedged figure (any qualifier but exact) is never marked exact"),
            between("partner_rank", 1, None, "Ranks start at 1"),
        ],
        "fct_treaty_event": [
            fact_ids("fact_id", prefix["treaty_events"]),
            matches("treaty_id", SNAKE_CASE, "Treaty ids are snake_case (no dbt test)"),
            in_set("event_type", vocabulary.treaty_event_types(seeds_dir),
                   "Treaty lifecycle steps (seeds/vocabulary/treaty_event_types.csv)"),
            not_before("event_date_latest", "event_date_earliest", "A date's last possible day is not before its first"),
            between("valid_until_year", FIRST_YEAR, None, "Runs to a year after 1991 (no dbt test)"),
        ],
        "mart_alignment_timeline": [
            years("year_number"),
            in_set("status_at_year_end", [*statuses, *TIMELINE_STATES],
                   "Membership statuses, not_stated_yet before a first attestation, or no_record"),
            in_set("start_basis_at_year_end", START_BASES, "How the start of the year-end spell is known"),
        ],
        "mart_arms_supplier_shift": [
            years("year_number"),
            unique_together(["supplier_iso3", "recipient_iso3", "year_number"],
                            "One row per supplier, recipient and year (no dbt test)"),
            not_before("max_arms_share_pct", "min_arms_share_pct", "The highest share is not below the lowest (no dbt test)"),
            between("deal_stage_count", 0, None, "Counts are not negative (no dbt test)"),
            between("system_count", 0, None, "Counts are not negative (no dbt test)"),
            not_before("deal_stage_count", "system_count", "Every counted system has at least one stage (no dbt test)"),
            between("supplying_deal_count", 0, None, "Counts are not negative (no dbt test)"),
            between("best_arms_supplier_rank", 1, None, "Ranks start at 1"),
            not_before("worst_arms_supplier_rank", "best_arms_supplier_rank", "The worst rank allowed is not above the best"),
        ],
        "mart_membership_on_publication_dates": [
            in_set("status", statuses, "Membership statuses"),
            in_set("start_basis", START_BASES, "How a spell's start is known"),
            unique_together(["doc_id", "country_iso3", "org_code"],
                            "On a publication day a country holds one status per organisation"),
            not_before("known_from", "valid_from", "The spell had started by the day the document is known (no dbt test)"),
            not_before("known_from", "first_attested_on",
                       "An attested spell had been attested by the day the document is known (no dbt test)"),
            not_before("valid_to", "known_from", "The spell had not ended by the day the document is known (no dbt test)"),
        ],
        "mart_source_conflicts": [
            in_set("conflict_kind", conflict_kinds, "Kinds of disagreement (vocabulary conflict_kinds)"),
            in_set("fact_table", fact_tables, "Fact tables compared (vocabulary fact_tables)"),
            in_set("differing_attribute", [*COMPARED_ATTRIBUTES, *claim_attributes],
                   "What differs between the two facts: a value, a date, a status or a claim attribute "
                   "(vocabulary claim_attributes)"),
            fact_ids("left_fact_id", any_fact),
            fact_ids("right_fact_id", any_fact),
            not_before("right_doc_id", "left_doc_id", "The two facts come from different documents, the lower doc_id "
                       "on the left (no dbt test)", strictly=True),
            unique_together(["left_fact_id", "right_fact_id", "differing_attribute"],
                            "One row per pair of facts and attribute (no dbt test)"),
            matches("resolution", r"^(?:uses .+: .+|unresolved: .+)$",
                    "Every conflict says which reading the warehouse uses and why, or that it is unresolved "
                    "(no dbt test)"),
            gxe.ExpectColumnValuesToMatchRegex(
                column="resolution", regex=r"^uses ", row_condition=Column("is_resolved") == True,
                description="A resolved conflict names the reading used (no dbt test)"),
        ],
        "mart_trade_partners": [
            fact_ids("fact_id", prefix["trade_figures"]),
            in_set("flow", ["total", "exports", "imports"], "Trade flows, from the reporter's side"),
            years("trade_year"),
            years("growth_from_year"),
            not_before("trade_year", "growth_from_year", "The growth's first year is earlier (no dbt test)", strictly=True),
            between("value_usd", 0, None, "A stated trade value is positive", strict_min=True),
            between("previous_value_usd", 0, None, "A stated trade value is positive (no dbt test)", strict_min=True),
            between("partner_rank", 1, None, "Ranks start at 1"),
            not_before("value_usd", "value_usd_lower", "A figure is not below its lower bound"),
            not_before("value_usd_upper", "value_usd", "A figure is not above its upper bound"),
            not_before("growth_pct", "growth_pct_lower", "A growth is not below its lower bound"),
            not_before("growth_pct_upper", "growth_pct", "A growth is not above its upper bound"),
            gxe.ExpectColumnValuesToBeInSet(
                column="is_exact", value_set=[False], row_condition=Column("qualifier") != "exact",
                description="A hedged figure (any qualifier but exact) is never marked exact"),
        ],
    }


def _fingerprint(expectation: Expectation) -> str:
    return type(expectation).__name__ + repr(sorted(expectation.configuration.kwargs.items()))


def _columns(expectation: Expectation) -> set[str]:
    kwargs = expectation.configuration.kwargs
    return {kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs} | set(kwargs.get("column_list") or [])


Suites = dict[str, list[Expectation]]
Problems = dict[str, list[str]]


def plan(contracts: Mapping[str, Contract], warehouse_tables: Sequence[str],
         seeds_dir: Path = PROJECT_SEEDS) -> tuple[Suites, Problems]:
    """The suite of every mart that can be validated, and the problems that stop or weaken a validation:
    a mart without a suite, a suite without a table, no row-count entry, a hand-written rule for a table
    or column the contract no longer declares (such a rule is left out and reported instead)."""
    declared = f"declared in {CONTRACTS}/*.yml"
    domain = domain_rules(seeds_dir)
    qualifiers = qualifier_codes(seeds_dir)
    problems: Problems = {}
    for table in sorted(set(warehouse_tables) - set(contracts)):
        problems.setdefault(table, []).append(f"no expectation suite: the table is not {declared}")
    for table in sorted(set(contracts) - set(warehouse_tables)):
        problems.setdefault(table, []).append(f"{declared} but missing from the warehouse's {SCHEMA} schema")
    for table in sorted(set(contracts) - set(ROW_COUNTS)):
        problems.setdefault(table, []).append("no row-count entry in quality.ROW_COUNTS")
    for table in sorted((set(ROW_COUNTS) | set(domain)) - set(contracts)):
        problems.setdefault(table, []).append(f"quality.py has rules for this table, which is not {declared}")
    suites: Suites = {}
    for table in sorted(set(contracts) & set(warehouse_tables) & set(ROW_COUNTS)):
        contract = contracts[table]
        known = set(contract.columns) | set(derived_checks(table))
        rules = [*structure_rules(contract), *row_count_rules(table)]
        for column in contract.columns:
            rules += _convention_rules(column, qualifiers)
        for rule in domain.get(table, []):
            if _columns(rule) <= known:
                rules.append(rule)
            else:
                missing = ", ".join(sorted(_columns(rule) - known))
                problems.setdefault(table, []).append(
                    f"quality.py rule {type(rule).__name__} names column(s) {missing}, which the contract no longer declares")
        rules += [in_set(name, [False], description) for name, (_, description) in derived_checks(table).items()]
        unique: dict[str, Expectation] = {}
        for rule in rules:
            unique.setdefault(_fingerprint(rule), rule)
        suites[table] = list(unique.values())
    return suites, problems


# --- running ------------------------------------------------------------------------------------

ROW_LIMIT_VARIABLE = "SECURITY_TIES_AUDIT_ROW_LIMIT"
DEFAULT_ROW_LIMIT = 200_000  # rows read per mart; the real marts hold at most ~15,000, so they are read whole
SAMPLE_SEED = 42
ROW_COUNT_RULES = (gxe.ExpectTableRowCountToEqual, gxe.ExpectTableRowCountToBeBetween)
Progress = Callable[[int, int, str], None]  # (suites done, suites in all, table just validated)


def row_limit_from_environment() -> int | None:
    """The audit's bound on rows read per mart: SECURITY_TIES_AUDIT_ROW_LIMIT (0 = no bound)."""
    value = int(os.environ.get(ROW_LIMIT_VARIABLE, str(DEFAULT_ROW_LIMIT)))
    return value or None


@dataclass(frozen=True)
class Batches:
    """What the audit read from one DuckDB file: every table of the marts schema, the frames to validate,
    the marts read as a sample (table -> its full row count) and a name for the run."""

    present: list[str]
    frames: dict[str, pd.DataFrame]
    sampled: dict[str, int]
    run_name: str


@contextmanager
def _exclusive(gx_dir: Path) -> Iterator[None]:
    """One run at a time per GX project: runs share the stores and the Data Docs."""
    lock = gx_dir / LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _reset(gx_dir: Path) -> None:
    """Remove what the previous run generated: definitions, batches of older versions, results and Data Docs."""
    for path in [*(gx_dir / name for name in GENERATED), gx_dir / BATCHES, gx_dir / RESULTS, gx_dir / DOCS]:
        shutil.rmtree(path, ignore_errors=True)
    # GX's empty template for config variables: GX re-reads it on every store access (seconds per run)
    (gx_dir / "uncommitted" / "config_variables.yml").unlink(missing_ok=True)


def read_marts(database: Path, tables: Sequence[str], row_limit: int | None = None) -> Batches:
    """Read the marts from the DuckDB file (read-only) as DataFrames with their derived check columns. A mart
    holding more than `row_limit` rows is read as a repeatable reservoir sample of that many rows (its row count
    is then checked in DuckDB, see `_row_count_problems`); the real marts are far below the default limit."""
    frames: dict[str, pd.DataFrame] = {}
    sampled: dict[str, int] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        present = [name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name", [SCHEMA]
        ).fetchall()]
        for table in sorted(set(tables) & set(present)):
            relation = f'{SCHEMA}."{table}"'
            query = f"select * from {relation}"
            if row_limit is not None:
                (rows,) = connection.execute(f"select count(*) from {relation}").fetchone() or (0,)
                if rows > row_limit:
                    sampled[table] = int(rows)
                    query += f" using sample reservoir({int(row_limit)} rows) repeatable ({SAMPLE_SEED})"
            frames[table] = with_derived_columns(table, connection.sql(query).df())
        try:
            row = connection.execute("select build_id from meta.build_info").fetchone()
        except duckdb.Error:
            row = None
    return Batches(present, frames, sampled, str(row[0]) if row else database.parent.name)


def _row_count_problems(table: str, rows: int) -> list[str]:
    """The row-count rule of a sampled mart, checked on its full count (the sample has `row_limit` rows)."""
    low, high = ROW_COUNTS.get(table, (0, None))
    if rows < low or (high is not None and rows > high):
        return [f"row count {rows} outside {low}..{high if high is not None else 'any'} (checked in DuckDB; "
                f"the mart was audited on a sample)"]
    return []


def _file_context(gx_dir: Path) -> FileDataContext:
    """The file-backed GX project (for Data Docs), with usage statistics, progress bars and how-to buttons off."""
    context = gx.get_context(mode="file", context_root_dir=str(gx_dir))
    assert isinstance(context, FileDataContext)
    variables = context.variables
    sites = dict(variables.data_docs_sites or {})
    site = dict(sites.get("local_site") or {})
    progress = variables.progress_bars  # a ProgressBarsConfig when set in this process, a dict when read back
    bars = progress.get("globally") if isinstance(progress, dict) else getattr(progress, "globally", True)
    if variables.analytics_enabled is not False or bars is not False or site.get("show_how_to_buttons", True):
        variables.analytics_enabled = False
        variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        variables.data_docs_sites = {**sites, "local_site": {**site, "show_how_to_buttons": False}}
        variables.save()
    return context


def _memory_context() -> AbstractDataContext:
    """An in-memory GX context for the build's audit: nothing is written to disk, so no store round trips."""
    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
                               progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False))
    return gx.get_context(project_config=config, mode="ephemeral")


@contextmanager
def _frame_source(context: AbstractDataContext) -> Iterator[PandasDatasource]:
    """The data source that hands each mart's DataFrame to its validation. GX saves every data source into a
    file project's great_expectations.yml, so the file is put back as it was once the run is over."""
    root = getattr(context, "root_directory", None)
    config = Path(str(root)) / "great_expectations.yml" if root else None
    saved = config.read_bytes() if config and config.is_file() else None
    try:
        yield context.data_sources.add_or_update_pandas(name=SOURCE)
    finally:
        if config and saved is not None:
            config.write_bytes(saved)


def _validate(context: AbstractDataContext, contracts: Mapping[str, Contract], suites: Suites, batches: Batches,
              result_format: str, run_name: str, progress: Progress | None = None,
              ) -> dict[str, ExpectationSuiteValidationResult]:
    """Validate each mart's frame against its suite, one validation definition per mart (results go to the
    context's store, from which Data Docs are built). `progress` hears after each suite."""
    outcomes: dict[str, ExpectationSuiteValidationResult] = {}
    run_id = RunIdentifier(run_name=run_name)
    with _frame_source(context) as source:
        for done, (table, expectations) in enumerate(sorted(suites.items()), start=1):
            if table in batches.sampled:
                expectations = [e for e in expectations if not isinstance(e, ROW_COUNT_RULES)]
            batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe(name=table)
            suite = context.suites.add(gx.ExpectationSuite(
                name=table, expectations=[copy.copy(e) for e in expectations],  # an expectation joins one suite only
                notes=f"{contracts[table].description}\n\nGenerated by src/security_ties/quality.py from the dbt "
                      f"contract ({CONTRACTS}/*.yml) and the rules written there; edit those, not this suite."))
            definition = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
            outcomes[table] = definition.run(batch_parameters={"dataframe": batches.frames[table]},
                                             result_format=result_format, run_id=run_id)
            if progress:
                progress(done, len(suites), table)
    return outcomes


def run_checkpoint(project: Project, database: Path, *, gx_dir: Path | None = None, tables: Sequence[str] | None = None,
                   docs: bool = True, progress: Progress | None = None,
                   row_limit: int | None = DEFAULT_ROW_LIMIT) -> list[TableResult]:
    """Validate the marts of the DuckDB file (opened read-only), one suite per mart, and build the Data Docs.
    `gx_dir` defaults to the project's gx/ (tests pass a scratch one). One result per mart, sorted by table; a
    mart without a suite or a suite without a table comes back as a failure.

    `tables` limits the run to some marts (`build --changed` audits only the marts it rebuilt). With
    `docs=False` (the build's audit) the run happens in an in-memory GX context with result format
    BOOLEAN_ONLY, and only failing marts are validated again with SUMMARY for the evidence in the message:
    the same expectations at about half the cost, with nothing written to gx/."""
    if not database.is_file():
        raise FileNotFoundError(f"warehouse file {database} not found: run `security-ties build` first")
    contracts = load_contracts(project.root)
    wanted = sorted(contracts) if tables is None else sorted(set(tables) & set(contracts))
    batches = read_marts(database, wanted, row_limit)
    suites, problems = plan(contracts, batches.present, project.seeds_dir)
    if tables is not None:  # plan over every mart (its coverage checks need them all), then keep those asked for
        suites = {t: suite for t, suite in suites.items() if t in wanted}
        problems = {t: listed for t, listed in problems.items() if t in wanted}
    for table, rows in batches.sampled.items():
        problems.setdefault(table, []).extend(_row_count_problems(table, rows))
    if docs:
        gx_dir = (gx_dir or project.root / GX_FOLDER).resolve()
        with _exclusive(gx_dir):
            _reset(gx_dir)
            context = _file_context(gx_dir)
            outcomes = _validate(context, contracts, suites, batches, "SUMMARY", batches.run_name, progress)
            context.build_data_docs()
            results = _results(outcomes, problems)
            _add_plain_index(gx_dir / DOCS_INDEX, batches.run_name, results)
        return results
    outcomes = _validate(_memory_context(), contracts, suites, batches, "BOOLEAN_ONLY", batches.run_name, progress)
    failing = {t: suites[t] for t, outcome in outcomes.items() if not outcome.success}
    if failing:  # the evidence (unexpected values, observed counts) for the message
        outcomes.update(_validate(_memory_context(), contracts, failing, batches, "SUMMARY", batches.run_name))
    return _results(outcomes, problems)


def _results(outcomes: Mapping[str, ExpectationSuiteValidationResult], problems: Problems) -> list[TableResult]:
    results = []
    for table in sorted(set(outcomes) | set(problems)):
        checked = outcomes[table].results if table in outcomes else []
        failures = [describe(r) for r in checked if not r.success] + problems.get(table, [])
        results.append(TableResult(table, not failures, sum(bool(r.success) for r in checked), len(failures), failures))
    return results


def _add_plain_index(index: Path, run_name: str, results: Sequence[TableResult]) -> None:
    """Put a plain-HTML list of the marts at the top of the Data Docs index. GX fills its own index tables
    with JavaScript from CDNs, so offline they stay empty; this list does not need them."""
    site = index.parent
    rows = []
    for r in results:
        pages = sorted(site.glob(f"validations/{r.table}/**/*.html"))
        name = (f'<a href="{pages[0].relative_to(site).as_posix()}">{html.escape(r.table)}</a>' if pages
                else html.escape(r.table))
        rules = f'<a href="expectations/{r.table}.html">rules</a>' if (site / "expectations" / f"{r.table}.html").exists() else ""
        failures = "".join(f"<li>{html.escape(f)}</li>" for f in r.failures)
        rows.append(f"<tr><td>{name}</td><td>{'passed' if r.success else '<b>FAILED</b>'}</td><td>{r.passed}</td>"
                    f"<td>{r.failed}</td><td>{rules}</td><td><ul>{failures}</ul></td></tr>")
    passed, failed = sum(r.passed for r in results), sum(r.failed for r in results)
    section = (
        f'<section id="marts-validated" style="margin:1em 3em"><h3>Marts validated in run {html.escape(run_name)}</h3>'
        f"<p>{len(results)} marts, {passed} expectations passed, {failed} failed.</p>"
        '<table class="table table-sm"><thead><tr><th>mart (validation result)</th><th>result</th><th>passed</th>'
        f'<th>failed</th><th>suite</th><th>failed expectations</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>")
    page = index.read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>", page)
    at = body.end() if body else 0
    index.write_text(page[:at] + section + page[at:], encoding="utf-8")


# --- reporting ----------------------------------------------------------------------------------

def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, (np.datetime64, pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    return repr(value.item() if isinstance(value, np.generic) else value)


def _evidence(result: ExpectationValidationResult) -> str:
    info = result.exception_info or {}
    errors = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    messages = [e.get("exception_message") for e in errors if e.get("raised_exception")]
    if messages:
        return f"error: {messages[0]}"
    outcome = result.result or {}
    mismatched = (outcome.get("details") or {}).get("mismatched")
    if mismatched:
        return "; ".join(f"{k} columns {sorted(v)}" for k, v in mismatched.items() if v)
    if outcome.get("unexpected_count"):
        examples = ", ".join(_show(v) for v in (outcome.get("partial_unexpected_list") or [])[:3])
        return f"{outcome['unexpected_count']} unexpected, e.g. {examples}"
    if "observed_value" in outcome:
        return f"observed {_show(outcome['observed_value'])}"
    return "failed"


def describe(result: ExpectationValidationResult) -> str:
    """A failed expectation as one line: name(columns): rule [what was found]."""
    config = result.expectation_config
    if config is None:
        return f"an expectation without configuration [{_evidence(result)}]"
    kwargs = config.kwargs
    if "column_A" in kwargs:
        target = f"{kwargs['column_A']} {'>=' if kwargs.get('or_equal') else '>'} {kwargs['column_B']}"
    else:
        target = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    name = f"{config.type}({target})" if target else config.type
    rule = f": {config.description}" if config.description else ""
    return f"{name}{rule} [{_evidence(result)}]"


def summary_table(results: Sequence[TableResult]) -> str:
    """Per mart: expectations passed and failed, then each failed expectation on its own line."""
    width = max([len("table"), *(len(r.table) for r in results)])
    lines = [f"{'table':<{width}}  {'passed':>6}  {'failed':>6}", "-" * (width + 16)]
    for r in results:
        lines.append(f"{r.table:<{width}}  {r.passed:>6}  {r.failed:>6}{'' if r.success else '  FAILED'}")
        lines += [f"    - {failure}" for failure in r.failures]
    passed, failed = sum(r.passed for r in results), sum(r.failed for r in results)
    failing = sum(not r.success for r in results)
    lines.append("-" * (width + 16))
    lines.append(f"{len(results)} marts, {passed} expectations passed, {failed} failed"
                 + (f" in {failing} mart(s)" if failing else "") + f"; Data Docs: {GX_FOLDER}/{DOCS_INDEX}")
    return "\n".join(lines)


def audit(candidate: Path, project: Project | None = None, *, gx_dir: Path | None = None,
          tables: Sequence[str] | None = None, progress: Progress | None = None) -> dict[str, int]:
    """The build's audit step: validate the candidate file's marts (all, or `tables`) in memory, without Data
    Docs (`security-ties validate` builds them). Returns the expectation counts; raises BuildError naming every
    failing mart and expectation, so nothing is published."""
    from security_ties.build import BuildError

    results = run_checkpoint(project or Project.from_environment(), candidate, gx_dir=gx_dir, tables=tables,
                             docs=False, progress=progress, row_limit=row_limit_from_environment())
    counts = {"passed": sum(r.passed for r in results), "failed": sum(r.failed for r in results)}
    failing = [r for r in results if not r.success]
    if failing:
        listed = "\n".join(f"  - marts.{r.table}: {failure}" for r in failing for failure in r.failures)
        raise BuildError(f"Great Expectations: {counts['failed']} expectation(s) failed in {len(failing)} mart(s); "
                         f"nothing was published:\n{listed}")
    return counts

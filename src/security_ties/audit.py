"""Great Expectations: the checks of the finished marts that no dbt test makes.

dbt's contracts (columns, types, NOT NULL, primary keys) and data tests (keys, relationships to the
vocabulary seeds, ranges, pair rules) check the models while dbt builds them; GX does not restate them.
This module checks the finished DuckDB file from the outside with Great Expectations (GX 1.24): the
build runs it on every candidate before publishing (`audit`), and `security-ties validate`
(`make gx-docs`) runs it on demand. What each suite holds, and why it is here rather than in dbt:
- row counts (`row_counts`): the volume of each mart, from a lower bound (an emptied fact mart means
  a broken extraction or model) to the exact size of the calendar (vars in dbt_project.yml);
- conventions keyed by column name across every mart (`_convention_rules`): ISO3 and organisation
  codes, document ids, evidence quotes of 1-200 characters, ISO date strings and shares of 0-100 %. A
  new mart column named like one gets the rule without any YAML;
- rules no dbt test states (`domain_rules`, each marked "(no dbt test)"): id shapes, ranges and pair
  rules of derived columns;
- a derived cross-row check (`derived_checks`): the document number inside a fact id is the fact's own
  document.
Every suite's notes say which of these it holds.

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

# Rows each mart must hold: (at least, at most), None for no upper bound. Every mart needs an entry.
ROW_COUNTS: Mapping[str, tuple[int, int | None]] = MappingProxyType({
    # reference dimensions, complete by construction
    "dim_country": (249, None),  # the 249 ISO 3166-1 codes plus dissolved states
    "dim_organization": (15, None),
    "dim_document": (5, None),  # at least the five source texts; `security-ties add-document` adds more
    "dim_date": (0, None),  # exactly every day of the calendar: row_counts() sets it from dbt_project.yml vars
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

# Marts that repeat the fact ids of another mart's fact table (the fact_tables vocabulary names one mart per table).
MARTS_REPEATING_FACT_IDS: Mapping[str, str] = MappingProxyType({"mart_trade_partners": "trade_figures"})


def row_counts(project_root: Path) -> dict[str, tuple[int, int | None]]:
    """ROW_COUNTS with dim_date's exact size: every day of the calendar of dbt_project.yml's vars."""
    first, last = vocabulary.calendar_years(project_root)
    days = (dt.date(last, 12, 31) - dt.date(first, 1, 1)).days + 1
    return {**ROW_COUNTS, "dim_date": (days, days)}


def calendar_days(seeds_dir: Path) -> tuple[dt.datetime, dt.datetime]:
    """The first and last day of the calendar (vars in the dbt_project.yml beside the seeds folder)."""
    first, last = vocabulary.calendar_years(seeds_dir.parent)
    return dt.datetime(first, 1, 1), dt.datetime(last, 12, 31)


def read_vocabulary(name: str, seeds_dir: Path) -> list[dict[str, str]]:
    """The rows of one vocabulary seed: GX reads the same CSV files dbt seeds, so a new fact table or conflict
    kind is one row there and nothing here."""
    return vocabulary.rows(seeds_dir, name)


def fact_id_prefixes(seeds_dir: Path) -> dict[str, str]:
    """Fact table -> the prefix of its ids (trade_figures -> TRD), from the fact_tables vocabulary."""
    return {row["fact_table"]: row["fact_id_prefix"] for row in read_vocabulary("fact_tables", seeds_dir)
            if row["fact_id_prefix"]}


def fact_id_marts(seeds_dir: Path) -> dict[str, str]:
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
    columns: tuple[str, ...]  # in contract order


# --- the contract -------------------------------------------------------------------------------

def load_contracts(root: Path) -> dict[str, Contract]:
    """Every mart the dbt YAML declares, with its description and columns."""
    contracts: dict[str, Contract] = {}
    for path in sorted((root / CONTRACTS).glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            table = model["name"]
            contracts[table] = Contract(table, model.get("description", ""),
                                        tuple(column["name"] for column in model.get("columns", [])))
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


def fact_ids(column: str, prefixes: str) -> Expectation:
    return matches(column, rf"^(?:{prefixes})-[0-9]{{3}}-[0-9]{{2,}}$",
                   f"Fact ids read {prefixes.replace('|', '/')}-<document number>-<sequence> (no dbt test)")


SNAKE_CASE = r"^[a-z][a-z0-9_]*$"
ISO_DATE = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"


# --- rules keyed by column name, shared by every mart --------------------------------------------

def _convention_rules(column: str) -> list[Expectation]:
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
    if "share_pct" in column:
        rules.append(between(column, 0, 100, "Shares are percentages from 0 to 100 (dbt tests the seeds' shares; "
                                              "this holds for every derived share column too)"))
    return rules


# --- derived checks: cross-row rules core GX cannot express, computed in pandas ------------------

def fact_id_names_another_document(facts: pd.DataFrame) -> pd.Series:
    """True where the document number inside fact_id (TRD-001-01) is not the row's doc_id (doc_001)."""
    from_id = facts["fact_id"].str.extract(r"^[A-Z]{3}-([0-9]{3})-", expand=False)
    from_doc = facts["doc_id"].str.extract(r"^doc_([0-9]{3})$", expand=False)
    return ~(from_id.eq(from_doc).fillna(False).astype(bool))


DerivedCheck = Callable[[pd.DataFrame], pd.Series]


def derived_checks(table: str, seeds_dir: Path) -> dict[str, tuple[DerivedCheck, str]]:
    """The derived columns added to a mart's batch: name -> (function, description). Each flags a problem
    (True), and the suite expects it False on every row. (Spell overlaps and exact growths are dbt tests:
    non_overlapping_spells, not_exact_from_bounded_input.)"""
    checks: dict[str, tuple[DerivedCheck, str]] = {}
    if table in fact_id_marts(seeds_dir):
        checks["fact_id_names_another_document"] = (
            fact_id_names_another_document,
            "Derived check: the document number in fact_id is the fact's own doc_id (no dbt test)")
    return checks


def with_derived_columns(table: str, frame: pd.DataFrame, seeds_dir: Path) -> pd.DataFrame:
    """The frame plus its derived check columns; a check whose input columns are gone is left out (the
    column-set expectation then reports it missing)."""
    derived = {}
    for name, (check, _) in derived_checks(table, seeds_dir).items():
        try:
            derived[name] = check(frame)
        except KeyError:
            continue
    return frame.assign(**derived) if derived else frame


# --- the suites ---------------------------------------------------------------------------------

def row_count_rules(table: str, counts: Mapping[str, tuple[int, int | None]]) -> list[Expectation]:
    low, high = counts[table]
    if low == high:
        return [gxe.ExpectTableRowCountToEqual(value=low, description=f"Exactly {low} rows (no dbt test)")]
    if low == 0 and high is None:
        return []
    bounds = f"{low} to {high}" if high is not None else f"at least {low}"
    return [gxe.ExpectTableRowCountToBeBetween(min_value=low, max_value=high, description=f"Rows: {bounds} (no dbt test)")]


def spell_rules() -> list[Expectation]:
    """The rules every table of membership spells shares (fct_membership_spell and its per-knowledge form)."""
    return [
        not_before("first_attested_latest", "first_attested_on",
                   "An attestation's last possible day is not before its first (no dbt test)"),
        fact_ids("started_by_fact_id", "MEM"),
        gxe.ExpectColumnValuesToBeBetween(
            column="supporting_fact_count", min_value=1, row_condition=Column("start_basis") != "succession",
            description="Every spell not derived from a succession rests on at least one fact (no dbt test)"),
    ]


def domain_rules(seeds_dir: Path) -> dict[str, list[Expectation]]:
    """The rules of each mart that no dbt test states (each says "(no dbt test)"); the code lists are dbt
    relationships tests to the vocabulary seeds, so none is repeated here."""
    prefix = fact_id_prefixes(seeds_dir)
    any_fact = "|".join(sorted(prefix.values()))  # mart_source_conflicts may pair facts of any fact table
    first_day, last_day = calendar_days(seeds_dir)
    return {
        "dim_country": [
            gxe.ExpectColumnValuesToMatchRegex(
                column="iso3", regex=r"^[A-Z]{3}$", row_condition=Column("is_historical") == False,
                description="Existing states have ISO 3166-1 alpha-3 codes; dissolved ones may carry other codes "
                            "(no dbt test)"),
            matches("iso_numeric", r"^[0-9]{3}$", "ISO numeric codes are three digits (no dbt test)"),
        ],
        "dim_document": [
            matches("file_name", r"^[0-9]{3}_[0-9a-f]{16}\.txt$", "Corpus file names (no dbt test)"),
            matches("sha256", r"^[0-9a-f]{64}$", "A sha256 is 64 hex digits (no dbt test)"),
            between("published_on", first_day, last_day, "Published within the calendar (no dbt test)"),
        ],
        "dim_date": [
            between("date_day", first_day, last_day, f"Every day from {first_day:%Y} to {last_day:%Y} (no dbt test)"),
            between("month_number", 1, 12, "Months 1-12 (no dbt test)"),
            between("day_of_month", 1, 31, "Days 1-31 (no dbt test)"),
            between("quarter_number", 1, 4, "Quarters 1-4 (no dbt test)"),
            matches("month_iso", r"^[0-9]{4}-[0-9]{2}$", "Months as YYYY-MM (no dbt test)"),
        ],
        "dim_treaty": [
            matches("treaty_id", SNAKE_CASE, "Treaty ids are snake_case (no dbt test)"),
            between("valid_until_year", first_day.year, None, "Runs to a year of the calendar or later (no dbt test)"),
            between("step_count", 0, None, "Counts are not negative (no dbt test)"),
        ],
        "dim_weapon_system": [
            matches("weapon_system_id", SNAKE_CASE, "Weapon system ids are snake_case (no dbt test)"),
            matches("category", SNAKE_CASE, "Categories are snake_case (no dbt test)"),
            between("deal_count", 1, None, "Named in at least one deal (no dbt test)"),
        ],
        "fct_arms_deal": [
            matches("deal_key", r"^[a-z]{3}_[a-z]{3}_[a-z0-9_]+$", "Deal keys read supplier_recipient_system (no dbt test)"),
            matches("weapon_system_id", SNAKE_CASE, "Weapon system ids are snake_case (no dbt test)"),
            not_before("stage_fact_count", "doc_count", "A deal has at least one fact per document (no dbt test)"),
        ],
        "fct_arms_supplier_share": [
            fact_ids("fact_id", prefix["arms_supplier_shares"]),
            matches("measure", r"^share_of_[a-z_]+$", "Measures read share_of_<what> (no dbt test)"),
        ],
        "fct_arms_transfer": [
            fact_ids("fact_id", prefix["arms_transfers"]),
            matches("deal_key", r"^[a-z]{3}_[a-z]{3}_[a-z0-9_]+$", "Deal keys read supplier_recipient_system (no dbt test)"),
            matches("category", SNAKE_CASE, "Categories are snake_case (no dbt test)"),
        ],
        "fct_event": [
            fact_ids("fact_id", prefix["events"]),
        ],
        "fct_event_actor": [
            fact_ids("fact_id", prefix["events"]),
            matches("actor_code", r"^[A-Z][A-Z0-9_]*$", "Actors are ISO3 or organisation codes (no dbt test)"),
        ],
        "fct_fact_provenance": [
            between("doc_published_on", first_day, last_day, "Published within the calendar (no dbt test)"),
        ],
        "fct_indicator": [
            fact_ids("fact_id", prefix["indicators"]),
            matches("indicator", SNAKE_CASE, "Indicator names are snake_case (no dbt test)"),
            between("value", 0, None, "Stated quantities are not negative (no dbt test)"),
        ],
        "fct_membership_event": [
            fact_ids("fact_id", prefix["membership_events"]),
        ],
        "fct_membership_spell": spell_rules(),
        "fct_membership_spell_by_knowledge": spell_rules(),
        "fct_trade_flow": [
            fact_ids("fact_id", prefix["trade_figures"]),
        ],
        "fct_treaty_event": [
            fact_ids("fact_id", prefix["treaty_events"]),
            matches("treaty_id", SNAKE_CASE, "Treaty ids are snake_case (no dbt test)"),
            between("valid_until_year", first_day.year, None, "Runs to a year of the calendar or later (no dbt test)"),
        ],
        "mart_arms_supplier_shift": [
            unique_together(["supplier_iso3", "recipient_iso3", "year_number"],
                            "One row per supplier, recipient and year (no dbt test)"),
            not_before("max_arms_share_pct", "min_arms_share_pct", "The highest share is not below the lowest (no dbt test)"),
            between("deal_stage_count", 0, None, "Counts are not negative (no dbt test)"),
            between("system_count", 0, None, "Counts are not negative (no dbt test)"),
            not_before("deal_stage_count", "system_count", "Every counted system has at least one stage (no dbt test)"),
            between("supplying_deal_count", 0, None, "Counts are not negative (no dbt test)"),
        ],
        "mart_membership_on_publication_dates": [
            not_before("known_from", "valid_from", "The spell had started by the day the document is known (no dbt test)"),
            not_before("known_from", "first_attested_on",
                       "An attested spell had been attested by the day the document is known (no dbt test)"),
            not_before("valid_to", "known_from", "The spell had not ended by the day the document is known (no dbt test)"),
        ],
        "mart_source_conflicts": [
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
            not_before("trade_year", "previous_year", "The previous stated year is earlier (no dbt test)", strictly=True),
            between("previous_value_usd", 0, None, "A stated trade value is positive (no dbt test)", strict_min=True),
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
         seeds_dir: Path) -> tuple[Suites, Problems]:
    """The suite of every mart that can be validated, and the problems that stop or weaken a validation:
    a mart without a suite, a suite without a table, no row-count entry, a hand-written rule for a table
    or column the contract no longer declares (such a rule is left out and reported instead)."""
    declared = f"declared in {CONTRACTS}/*.yml"
    domain = domain_rules(seeds_dir)
    counts = row_counts(seeds_dir.parent)
    problems: Problems = {}
    for table in sorted(set(warehouse_tables) - set(contracts)):
        problems.setdefault(table, []).append(f"no expectation suite: the table is not {declared}")
    for table in sorted(set(contracts) - set(warehouse_tables)):
        problems.setdefault(table, []).append(f"{declared} but missing from the warehouse's {SCHEMA} schema")
    for table in sorted(set(contracts) - set(ROW_COUNTS)):
        problems.setdefault(table, []).append("no row-count entry in audit.ROW_COUNTS")
    for table in sorted((set(ROW_COUNTS) | set(domain)) - set(contracts)):
        problems.setdefault(table, []).append(f"audit.py has rules for this table, which is not {declared}")
    suites: Suites = {}
    for table in sorted(set(contracts) & set(warehouse_tables) & set(ROW_COUNTS)):
        contract = contracts[table]
        derived = derived_checks(table, seeds_dir)
        known = set(contract.columns) | set(derived)
        rules = row_count_rules(table, counts)
        for column in contract.columns:
            rules += _convention_rules(column)
        for rule in domain.get(table, []):
            if _columns(rule) <= known:
                rules.append(rule)
            else:
                missing = ", ".join(sorted(_columns(rule) - known))
                problems.setdefault(table, []).append(
                    f"audit.py rule {type(rule).__name__} names column(s) {missing}, which the contract no longer declares")
        rules += [in_set(name, [False], description) for name, (_, description) in derived.items()]
        unique: dict[str, Expectation] = {}
        for rule in rules:
            unique.setdefault(_fingerprint(rule), rule)
        suites[table] = list(unique.values())
        if not suites[table]:
            problems.setdefault(table, []).append("its suite holds no expectation: give it a row count or a rule")
    return suites, problems


def suite_purpose(expectations: Sequence[Expectation]) -> str:
    """Why a suite exists: which kinds of check it holds that no dbt test makes."""
    descriptions = [e.description or "" for e in expectations]
    kinds = []
    if any(isinstance(e, ROW_COUNT_RULES) for e in expectations):
        kinds.append("the mart's volume (row count)")
    if any(d.startswith("Derived check") for d in descriptions):
        kinds.append("a derived cross-row check")
    if any("(no dbt test)" in d for d in descriptions):
        kinds.append("rules no dbt test states, marked (no dbt test), some shared by every mart keyed by column name")
    return "This suite holds only checks dbt does not make: " + "; ".join(kinds or ["none"]) + "."


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


def read_marts(database: Path, tables: Sequence[str], seeds_dir: Path, row_limit: int | None = None) -> Batches:
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
            frames[table] = with_derived_columns(table, connection.sql(query).df(), seeds_dir)
        try:
            row = connection.execute("select build_id from meta.build_info").fetchone()
        except duckdb.Error:
            row = None
    return Batches(present, frames, sampled, str(row[0]) if row else database.parent.name)


def _row_count_problems(table: str, rows: int, counts: Mapping[str, tuple[int, int | None]]) -> list[str]:
    """The row-count rule of a sampled mart, checked on its full count (the sample has `row_limit` rows)."""
    low, high = counts.get(table, (0, None))
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
                notes=f"{contracts[table].description}\n\n{suite_purpose(expectations)} The contract and the data "
                      f"tests of {CONTRACTS}/*.yml are checked by dbt. Generated by src/security_ties/audit.py; "
                      f"edit it, not this suite."))
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
    batches = read_marts(database, wanted, project.seeds_dir, row_limit)
    suites, problems = plan(contracts, batches.present, project.seeds_dir)
    if tables is not None:  # plan over every mart (its coverage checks need them all), then keep those asked for
        suites = {t: suite for t, suite in suites.items() if t in wanted}
        problems = {t: listed for t, listed in problems.items() if t in wanted}
    counts = row_counts(project.root)
    for table, rows in batches.sampled.items():
        problems.setdefault(table, []).extend(_row_count_problems(table, rows, counts))
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

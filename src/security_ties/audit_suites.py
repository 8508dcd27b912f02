"""What the Great Expectations audit checks, and why dbt does not: the suites, one per mart.

Every rule dbt can state is a dbt test, on the layer where the value is born (seed YAML for inputs, the model
that derives a column for derived ones): keys, codes, ranges, patterns, pair orders, the fact-id shape. GX
keeps the one kind of check that belongs to the finished file rather than to a model: the volume of each
mart, from a lower bound (an emptied fact mart means a broken extraction or model) to the exact size of the
calendar. dbt would state a row count as a test of the model that builds the table; the audit states it on
the published candidate, after every model ran, and the suite says so in its notes.

A mart that may rightly be empty and has no other GX rule gets no suite: its entry in ROW_COUNTS records that
the decision was made, so a new mart without an entry is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import great_expectations.expectations as gxe
import yaml
from great_expectations.expectations import Expectation

from security_ties import vocabulary
from security_ties.project import Project

SCHEMA = "marts"
CONTRACTS = Path("models") / "marts"  # the dbt contract YAML of the marts, relative to the project root

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
    "mart_security_ties": (1, None),
    "mart_arms_supplier_shift": (1, None),
    "mart_trade_partners": (1, None),
    # may rightly be empty, so no suite: every rule of these marts is a dbt test
    "mart_source_conflicts": (0, None),  # a corpus need not disagree; pytests/test_conflicts.py checks the real rows
    "mart_membership_on_publication_dates": (0, None),
})

ROW_COUNT_RULES = (gxe.ExpectTableRowCountToEqual, gxe.ExpectTableRowCountToBeBetween)

Suites = dict[str, list[Expectation]]
Problems = dict[str, list[str]]


@dataclass(frozen=True)
class Contract:
    """What models/marts/*.yml declares about one mart."""

    table: str
    description: str
    columns: tuple[str, ...]  # in contract order


def load_contracts(root: Path) -> dict[str, Contract]:
    """Every mart the dbt YAML declares, with its description and columns."""
    contracts: dict[str, Contract] = {}
    for path in sorted((root / CONTRACTS).glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            table = model["name"]
            contracts[table] = Contract(table, model.get("description", ""),
                                        tuple(column["name"] for column in model.get("columns", [])))
    return contracts


def row_counts(project_root: Path) -> dict[str, tuple[int, int | None]]:
    """ROW_COUNTS with dim_date's exact size: every day of the calendar of dbt_project.yml's vars."""
    first, last = vocabulary.calendar_years(project_root)
    days = (dt.date(last, 12, 31) - dt.date(first, 1, 1)).days + 1
    return {**ROW_COUNTS, "dim_date": (days, days)}


def row_count_rules(table: str, counts: Mapping[str, tuple[int, int | None]]) -> list[Expectation]:
    """The volume rule of one mart; none when the mart may hold any number of rows."""
    low, high = counts[table]
    if low == high:
        return [gxe.ExpectTableRowCountToEqual(value=low, description=f"Exactly {low} rows")]
    if low == 0 and high is None:
        return []
    bounds = f"{low} to {high}" if high is not None else f"at least {low}"
    return [gxe.ExpectTableRowCountToBeBetween(min_value=low, max_value=high, description=f"Rows: {bounds}")]


def suite_tables(project: Project) -> list[str]:
    """The marts that get a suite: those the dbt contract declares whose row-count entry sets a bound."""
    counts = row_counts(project.root)
    return sorted(table for table in load_contracts(project.root)
                  if table in counts and row_count_rules(table, counts))


def _coverage_problems(contracts: Mapping[str, Contract], warehouse_tables: Sequence[str]) -> Problems:
    """A mart without a contract, a contract without a mart, a mart without a row-count entry, an entry
    for a table the contract does not declare."""
    declared = f"declared in {CONTRACTS}/*.yml"
    problems: Problems = {}
    for table in sorted(set(warehouse_tables) - set(contracts)):
        problems.setdefault(table, []).append(f"no expectation suite: the table is not {declared}")
    for table in sorted(set(contracts) - set(warehouse_tables)):
        problems.setdefault(table, []).append(f"{declared} but missing from the warehouse's {SCHEMA} schema")
    for table in sorted(set(contracts) - set(ROW_COUNTS)):
        problems.setdefault(table, []).append("no row-count entry in audit_suites.ROW_COUNTS")
    for table in sorted(set(ROW_COUNTS) - set(contracts)):
        problems.setdefault(table, []).append(f"audit_suites.ROW_COUNTS has an entry for this table, which is not "
                                              f"{declared}")
    return problems


def plan(contracts: Mapping[str, Contract], warehouse_tables: Sequence[str],
         seeds_dir: Path) -> tuple[Suites, Problems]:
    """The suite of every mart that can be validated and has a GX rule, and the problems that stop a
    validation (see `_coverage_problems`). The calendar is read from the dbt_project.yml beside `seeds_dir`."""
    counts = row_counts(seeds_dir.parent)
    suites: Suites = {}
    for table in sorted(set(contracts) & set(warehouse_tables) & set(ROW_COUNTS)):
        rules = row_count_rules(table, counts)
        if rules:
            suites[table] = rules
    return suites, _coverage_problems(contracts, warehouse_tables)


def suite_purpose(expectations: Sequence[Expectation]) -> str:
    """Why a suite exists: which kinds of check it holds that no dbt test makes."""
    kinds = []
    if any(isinstance(e, ROW_COUNT_RULES) for e in expectations):
        kinds.append("the mart's volume (row count) in the finished candidate file, checked after every model ran")
    return "This suite holds only checks dbt does not make: " + "; ".join(kinds or ["none"]) + "."

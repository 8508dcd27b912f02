"""Great Expectations: a second, independent line of defence on every table in the `marts` schema.

Suites are defined here, as code, and re-created on every run in the file-backed GX project under
`gx/` (results and Data Docs under `gx/uncommitted/`, git-ignored). GX's SQL data source over
duckdb-engine does not work with this stack, so each table is read from DuckDB (read-only) into a
pandas DataFrame and validated with GX's pandas data source, one checkpoint per table.

Three kinds of expectation:
- structural ones derived from models/marts/_marts__models.yml (exact column set, types, primary
  key, not-null constraints), so a new mart column cannot be forgotten;
- code sets read from the warehouse's own dimensions (a country code must exist in dim_country);
- domain rules written out below: value sets, ranges, row-count floors, pair rules, evidence.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

from security_ties.project import Project

MARTS_YAML = Path("models") / "marts" / "_marts__models.yml"

# contract data_type -> the type GX reports for the column DuckDB hands to pandas 3
PANDAS_TYPES = {"varchar": "str", "integer": "int32", "bigint": "int64", "double": "float64", "date": "datetime64",
                "boolean": "bool"}

# Minimum rows a business reader can rely on; a fact table that comes out empty is a broken build.
ROW_FLOORS = {
    "dim_country": 249, "dim_organization": 15, "dim_document": 5, "dim_date": 14_000, "dim_treaty": 10,
    "dim_weapon_system": 5, "fct_trade_flow": 9, "fct_arms_transfer": 10, "fct_arms_supplier_share": 2,
    "fct_membership_event": 50, "fct_membership_spell": 30, "fct_treaty_event": 15, "fct_event": 50,
    "fct_event_actor": 50, "fct_indicator": 20, "fct_fact_provenance": 300, "mart_alignment_timeline": 300,
    "mart_trade_partners": 9, "mart_arms_supplier_shift": 3, "mart_source_conflicts": 0,
    "mart_membership_on_publication_dates": 10,
}

QUALIFIERS = ["exact", "approx", "more_than", "less_than", "at_least", "up_to", "range"]
PRECISIONS = ["day", "month", "year"]
DATE_BASES = ["stated", "relative_to_publication", "inferred_from_context", "publication_date"]
SPELL_STATUSES = ["member", "partner", "observer", "suspended", "participation_frozen", "former"]
COUNTRY_COLUMNS = {"iso3", "reporter_iso3", "partner_iso3", "supplier_iso3", "recipient_iso3", "country_iso3",
                   "location_iso3", "actor_iso3", "subject_iso3"}
# columns prepare() adds to a table before validation
DERIVED_COLUMNS = {"fct_membership_spell": ["overlaps_previous_spell"]}
ORGANIZATION_COLUMNS = {"partner_org_code", "actor_org_code", "subject_org_code", "parent_org_code",
                        "predecessor_org_code", "successor_org_code"}


class QualityError(Exception):
    """The GX project or a table could not be validated at all."""


@dataclass
class TableResult:
    table: str
    success: bool
    passed: int
    failed: int
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MartSpec:
    name: str
    columns: dict[str, str]  # column -> contract data_type
    primary_key: list[str]
    not_null: list[str]
    grains: list[list[str]]


def load_mart_specs(root: Path) -> dict[str, MartSpec]:
    document = yaml.safe_load((root / MARTS_YAML).read_text(encoding="utf-8"))
    specs = {}
    for model in document["models"]:
        key = next((c["columns"] for c in model.get("constraints", []) if c["type"] == "primary_key"), [])
        not_null = [c["name"] for c in model["columns"]
                    if any(k.get("type") == "not_null" for k in c.get("constraints", []))]
        grains = [t["unique_combination"]["arguments"]["combination_of_columns"]
                  for t in model.get("data_tests", []) if isinstance(t, dict) and "unique_combination" in t]
        specs[model["name"]] = MartSpec(model["name"], {c["name"]: c["data_type"] for c in model["columns"]},
                                        key, not_null, grains)
    return specs


def _range(column: str, low: Any = None, high: Any = None) -> dict[str, Any]:
    return {"type": "ExpectColumnValuesToBeBetween", "column": column, "min_value": low, "max_value": high}


def _in_set(column: str, values: list[Any]) -> dict[str, Any]:
    return {"type": "ExpectColumnValuesToBeInSet", "column": column, "value_set": values}


def _ordered(lower: str, upper: str) -> dict[str, Any]:
    return {"type": "ExpectColumnPairValuesAToBeGreaterThanB", "column_A": upper, "column_B": lower,
            "or_equal": True, "ignore_row_if": "either_value_is_missing"}


def domain_rules(table: str, columns: set[str]) -> list[dict[str, Any]]:
    """The business rules a reader of each table should be able to see, written out per column."""
    rules: list[dict[str, Any]] = []
    for column in columns & {"share_pct", "share_pct_upper", "min_arms_share_pct", "max_arms_share_pct", "max_other_share_pct"}:
        rules.append(_range(column, 0, 100))
    for column in columns & {"trade_year", "period_start_year", "period_end_year", "year_number"}:
        rules.append(_range(column, 1991, 2030))
    for column in columns & {"value_usd", "killed", "displaced", "troops", "area_km2", "previous_value_usd"}:
        rules.append(_range(column, 0))
    for column in columns & {"quantity", "partner_rank"}:
        rules.append(_range(column, 1))
    for column in columns & {"qualifier", "figure_qualifier"}:
        rules.append(_in_set(column, QUALIFIERS))
    for column in columns & {"event_date_precision", "status_date_precision", "valid_from_precision",
                             "valid_to_precision", "ref_date_precision", "fact_date_precision",
                             "published_on_precision", "founded_on_precision"}:
        rules.append(_in_set(column, PRECISIONS))
    for column in columns & {"event_date_basis", "status_date_basis", "fact_date_basis"}:
        rules.append(_in_set(column, DATE_BASES))
    if "flow" in columns:
        rules.append(_in_set("flow", ["total", "exports", "imports"]))
    if "evidence" in columns:
        rules.append({"type": "ExpectColumnValueLengthsToBeBetween", "column": "evidence", "min_value": 1, "max_value": 200})
        rules.append({"type": "ExpectColumnValuesToNotBeNull", "column": "evidence"})
        rules.append({"type": "ExpectColumnValuesToNotBeNull", "column": "doc_id"})
    for lower, upper in [("valid_from", "valid_to"), ("valid_from", "valid_from_latest"),
                         ("event_date_earliest", "event_date_latest"), ("status_date_earliest", "status_date_latest"),
                         ("period_start_year", "period_end_year"), ("signed_on", "in_force_on"),
                         ("fact_date_earliest", "fact_date_latest")]:
        if {lower, upper} <= columns:
            rules.append(_ordered(lower, upper))
    statuses = {"fct_membership_spell": "status", "mart_membership_on_publication_dates": "status",
                "fct_membership_event": "resulting_status"}
    if table in statuses:
        rules.append(_in_set(statuses[table], SPELL_STATUSES))
    if table == "mart_alignment_timeline":
        rules.append(_in_set("status_at_year_end", [*SPELL_STATUSES, "no_record"]))
    if table == "fct_arms_transfer":
        rules.append(_in_set("status", ["discussed", "announced", "ordered", "signed", "delivered", "cancelled", "not_delivered"]))
    if table == "fct_membership_spell":
        # derived: no two spells of one country and organisation overlap (computed in pandas, see prepare)
        rules.append(_in_set("overlaps_previous_spell", [False]))
    return rules


def structural_rules(spec: MartSpec) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = [
        {"type": "ExpectTableColumnsToMatchSet", "column_set": [*spec.columns, *DERIVED_COLUMNS.get(spec.name, [])],
         "exact_match": True},
        {"type": "ExpectTableRowCountToBeBetween", "min_value": ROW_FLOORS.get(spec.name, 1)},
    ]
    for column, data_type in spec.columns.items():
        rules.append({"type": "ExpectColumnValuesToBeOfType", "column": column, "type_": PANDAS_TYPES[data_type]})
    for column in spec.not_null:
        rules.append({"type": "ExpectColumnValuesToNotBeNull", "column": column})
    if len(spec.primary_key) == 1:
        rules.append({"type": "ExpectColumnValuesToBeUnique", "column": spec.primary_key[0]})
    elif spec.primary_key:
        rules.append({"type": "ExpectCompoundColumnsToBeUnique", "column_list": spec.primary_key})
    for grain in spec.grains:
        rules.append({"type": "ExpectCompoundColumnsToBeUnique", "column_list": grain})
    return rules


def code_rules(spec: MartSpec, country_codes: list[str], org_codes: list[str], doc_ids: list[str]) -> list[dict[str, Any]]:
    rules = []
    for column in spec.columns:
        if column in COUNTRY_COLUMNS and spec.name != "dim_country":
            rules.append(_in_set(column, country_codes))
        elif column == "org_code" and spec.name != "dim_organization" or column in ORGANIZATION_COLUMNS:
            rules.append(_in_set(column, org_codes))
        elif column in ("doc_id", "left_doc_id", "right_doc_id", "named_in_doc_id") and spec.name != "dim_document":
            rules.append(_in_set(column, doc_ids))
    return rules


def prepare(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns some expectations check (GX core has no cross-row interval rule)."""
    if table != "fct_membership_spell":
        return frame
    ordered = frame.sort_values(["country_iso3", "org_code", "valid_from"])
    previous_end = ordered.groupby(["country_iso3", "org_code"])["valid_to"].shift(1)
    has_previous = ordered.groupby(["country_iso3", "org_code"]).cumcount() > 0
    open_before = has_previous & previous_end.isna()
    overlaps = open_before | (previous_end.notna() & (ordered["valid_from"] <= previous_end))
    return frame.assign(overlaps_previous_spell=overlaps.reindex(frame.index).astype(bool))


def expectation(rule: dict[str, Any]) -> Any:
    import great_expectations.expectations as gxe

    arguments = {k: v for k, v in rule.items() if k != "type"}
    return getattr(gxe, rule["type"])(**arguments)


def read_marts(database: Path) -> Iterator[tuple[str, pd.DataFrame]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name").fetchall()]
        for table in tables:
            yield table, connection.execute(f"select * from marts.{table}").df()


def run_checkpoint(project: Project, database: Path, only: set[str] | None = None) -> list[TableResult]:
    """Validate every marts table of the warehouse file (or only some); builds the Data Docs site."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    if not database.exists():
        raise QualityError(f"warehouse {database} not found: run `make build` first")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    specs = load_mart_specs(project.root)
    frames = dict(read_marts(database))
    missing = sorted(set(specs) - set(frames))
    if missing:
        raise QualityError(f"marts declared in {MARTS_YAML} but missing from {database}: {', '.join(missing)}")
    unknown = sorted(set(frames) - set(specs))
    if unknown:
        raise QualityError(f"marts in {database} without a suite (not declared in {MARTS_YAML}): {', '.join(unknown)}")
    if only is not None:
        unknown_tables = only - set(frames)
        if unknown_tables:
            raise QualityError(f"no such marts table: {', '.join(sorted(unknown_tables))}")
    countries = frames["dim_country"]["iso3"].tolist()
    organizations = frames["dim_organization"]["org_code"].tolist()
    documents = frames["dim_document"]["doc_id"].tolist()

    context = gx.get_context(mode="file", project_root_dir=str(project.root))
    source = context.data_sources.add_or_update_pandas(name="warehouse_marts")
    results = []
    for table, frame in frames.items():
        if only is not None and table not in only:
            continue
        spec = specs[table]
        rules = structural_rules(spec) + code_rules(spec, countries, organizations, documents) + domain_rules(table, set(spec.columns))
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=f"marts.{table}", expectations=[expectation(rule) for rule in rules]))
        try:
            asset = source.get_asset(table)
        except LookupError:
            asset = source.add_dataframe_asset(name=table)
        batch = next((b for b in asset.batch_definitions if b.name == "whole_table"), None) \
            or asset.add_batch_definition_whole_dataframe("whole_table")
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"validate_marts.{table}", data=batch, suite=suite))
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(name=f"marts.{table}", validation_definitions=[definition],
                          actions=[UpdateDataDocsAction(name="update_data_docs")], result_format="SUMMARY"))
        outcome = checkpoint.run(batch_parameters={"dataframe": prepare(table, frame)})
        validation = next(iter(outcome.run_results.values()))
        failures = [
            f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column') or r.expectation_config.kwargs.get('column_list') or ''})"
            for r in validation.results if not r.success
        ]
        results.append(TableResult(table, validation.success, len(validation.results) - len(failures), len(failures), failures))
    return results


def data_docs_index(project: Project) -> Path:
    return project.root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def summary_table(results: list[TableResult]) -> str:
    width = max(len(r.table) for r in results)
    lines = [f"{'table':{width}}  passed  failed  failing expectations"]
    for r in results:
        lines.append(f"{r.table:{width}}  {r.passed:6}  {r.failed:6}  {'; '.join(r.failures)}")
    passed, failed = sum(r.passed for r in results), sum(r.failed for r in results)
    lines.append(f"{len(results)} tables, {passed} expectations passed, {failed} failed")
    return "\n".join(lines)


def audit(candidate: Path) -> dict[str, int]:
    """Build step: run the checkpoint on the candidate file; any failing expectation blocks publishing."""
    from security_ties.build import BuildError

    project = Project.from_environment()
    try:
        results = run_checkpoint(project, candidate)
    except QualityError as error:
        raise BuildError(f"Great Expectations could not validate the build: {error}") from error
    failing = [r for r in results if not r.success]
    if failing:
        listed = "\n".join(f"  - marts.{r.table}: {'; '.join(r.failures)}" for r in failing)
        raise BuildError(f"Great Expectations checkpoint failed; the published warehouse was not changed:\n{listed}")
    return {"passed": sum(r.passed for r in results), "failed": 0}

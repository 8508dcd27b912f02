"""Great Expectations on every mart: full coverage, the published warehouse passes, and every class of
fault injected into a copy is caught, naming the table and the expectation.

The faults are injected as whole new rows (INSERT), never by editing existing ones, so the tests hold
whatever the fact seeds contain. All faults go into one copy, each into a table of its own, and one
checkpoint run validates them all (a run takes some 20-40 seconds).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from security_ties import quality
from security_ties.build import BuildError
from security_ties.project import Project
from security_ties.quality import TableResult


@dataclass(frozen=True)
class Fault:
    name: str
    table: str
    expectation: str  # the start of the failure line the checkpoint must report for the table
    statements: tuple[str, ...]


FAULTS = (
    Fault("share_out_of_range", "fct_arms_supplier_share", "expect_column_values_to_be_between(share_pct)", (
        """insert into marts.fct_arms_supplier_share by name
           select 'SHR-001-98' as fact_id, 'doc_001' as doc_id, 'RUS' as supplier_iso3, 'ARM' as recipient_iso3,
                  2020 as period_start_year, 2020 as period_end_year, 140.0 as share_pct,
                  'share_of_arms_imports' as measure, 'exact' as qualifier, 'an injected quote' as evidence""",
    )),
    Fault("duplicated_compound_key", "mart_alignment_timeline",
          "expect_compound_columns_to_be_unique(country_iso3, org_code, year_number)", tuple(
        f"""insert into marts.mart_alignment_timeline by name
            select 'ARM:EU:1999:{copy}' as timeline_id, 'ARM' as country_iso3, 'Armenia' as country_name,
                   'EU' as org_code, 'European Union' as org_name, 'political_economic_union' as org_type,
                   1999 as year_number, 'member' as status_at_year_end, 'member' as statuses_during_year,
                   false as status_changed_during_year"""
        for copy in ("a", "b")
    )),
    # DuckDB enforces the primary key, so the table is first rebuilt without it, as a careless CTAS would
    Fault("duplicated_primary_key", "fct_treaty_event", "expect_column_values_to_be_unique(fact_id)", (
        "create or replace table marts.fct_treaty_event as select * from marts.fct_treaty_event",
        *(f"""insert into marts.fct_treaty_event by name
              select 'TRE-001-98' as fact_id, 'doc_001' as doc_id, 'csto_charter' as treaty_id,
                     'signed' as event_type, 'injected quote {copy}' as evidence""" for copy in ("a", "b")),
    )),
    Fault("overlapping_spell", "fct_membership_spell", "expect_column_values_to_be_in_set(overlaps_previous_spell)", (
        """insert into marts.fct_membership_spell by name
           select * from (values
             ('ATA:UN:2000-01-01', 'ATA', 'UN', 'member', date '2000-01-01', date '2000-01-01', 'day',
              date '2010-12-31', 'day', 'legal_act', 'MEM-001-98', 1, 'stated_event', false),
             ('ATA:UN:2005-01-01', 'ATA', 'UN', 'former', date '2005-01-01', date '2005-01-01', 'day',
              null, null, 'legal_act', 'MEM-001-99', 1, 'stated_event', true)
           ) as spells(spell_id, country_iso3, org_code, status, valid_from, valid_from_latest, valid_from_precision,
                       valid_to, valid_to_precision, legal_basis, start_fact_id, supporting_fact_count,
                       start_basis, is_open)""",
    )),
    Fault("unknown_code", "fct_trade_flow", "expect_column_values_to_be_in_set(flow)", (
        """insert into marts.fct_trade_flow by name
           select 'TRD-001-98' as fact_id, 'doc_001' as doc_id, 'ARM' as reporter_iso3, 'RUS' as partner_iso3,
                  'barter' as flow, 2023 as trade_year, 1000000.0 as value_usd, 1000000.0 as value_usd_lower,
                  1000000.0 as value_usd_upper, 'exact' as qualifier, true as is_exact,
                  'an injected quote' as evidence""",
    )),
    Fault("missing_evidence", "fct_event", "expect_column_value_lengths_to_be_between(evidence)", (
        """insert into marts.fct_event by name
           select 'EVT-001-98' as fact_id, 'doc_001' as doc_id, 'summit' as event_type, '' as evidence""",
    )),
    Fault("fact_in_another_document", "fct_membership_event",
          "expect_column_values_to_be_in_set(fact_id_names_another_document)", (
        """insert into marts.fct_membership_event by name
           select 'MEM-003-98' as fact_id, 'doc_001' as doc_id, 'ARM' as country_iso3, 'CSTO' as org_code,
                  'is_member' as event_type, 'an injected quote' as evidence""",
    )),
    Fault("end_before_start", "dim_treaty", "expect_column_pair_values_a_to_be_greater_than_b(in_force_on >= signed_on)", (
        """insert into marts.dim_treaty by name
           select 'injected_treaty' as treaty_id, 'doc_001' as named_in_doc_id, date '2010-05-01' as signed_on,
                  date '2009-01-01' as in_force_on, 'in_force' as lifecycle_stage""",
    )),
    Fault("date_outside_calendar", "dim_document", "expect_column_values_to_be_between(published_on)", (
        """insert into marts.dim_document by name
           select 'doc_005' as doc_id, '005_0123456789abcdef.txt' as file_name, date '1985-06-01' as published_on,
                  date '1985-06-01' as published_on_latest, date '1985-06-01' as known_from,
                  'day' as published_on_precision, repeat('0', 64) as sha256""",
    )),
    Fault("empty_fact_mart", "fct_arms_transfer", "expect_table_row_count_to_be_between", (
        "delete from marts.fct_arms_transfer",
    )),
    Fault("extra_column", "dim_weapon_system", "expect_table_columns_to_match_set", (
        "alter table marts.dim_weapon_system add column unit_price_usd double",
    )),
    Fault("changed_type", "fct_indicator", "expect_column_values_to_be_of_type(ref_year)", (
        "alter table marts.fct_indicator alter ref_year type varchar",
    )),
    Fault("mart_without_suite", "mart_unplanned", "no expectation suite", (
        "create table marts.mart_unplanned as select 1 as id",
    )),
    Fault("suite_without_mart", "mart_source_conflicts", "declared in models/marts/*.yml but missing", (
        "drop table marts.mart_source_conflicts",
    )),
)


def copy_of(published: Path, folder: Path) -> Path:
    """A copy of the published file to corrupt (views name no catalog, so any file name would do)."""
    copy = folder / published.name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(published, copy)  # content only: the published file is read-only on disk
    return copy


@pytest.fixture(scope="module")
def published_audit(project: Project, published_warehouse: Path, tmp_path_factory) -> tuple[dict[str, int], Path]:
    """The build's own audit step, run for real on the published warehouse (raises if any expectation fails)."""
    gx_dir = tmp_path_factory.mktemp("published") / "gx"
    return quality.audit(published_warehouse, project, gx_dir=gx_dir), gx_dir


@pytest.fixture(scope="module")
def planned_expectations(project: Project, published_warehouse: Path) -> int:
    """How many expectations the contracts and domain rules call for, counted without running GX."""
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        marts = [name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
    suites, problems = quality.plan(quality.load_contracts(project.root), marts)
    assert problems == {}
    return sum(len(expectations) for expectations in suites.values())


@pytest.fixture(scope="module")
def corrupted_run(project: Project, published_warehouse: Path, tmp_path_factory) -> dict[str, TableResult]:
    folder = tmp_path_factory.mktemp("corrupted")
    copy = copy_of(published_warehouse, folder / "warehouse")
    with duckdb.connect(str(copy)) as connection:
        for fault in FAULTS:
            for statement in fault.statements:
                connection.execute(statement)
    return {r.table: r for r in quality.run_checkpoint(project, copy, gx_dir=folder / "gx")}


def test_every_mart_has_a_suite_and_every_suite_a_mart(project: Project, published_warehouse: Path) -> None:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        marts = {name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    contracts = quality.load_contracts(project.root)
    assert set(quality.suite_tables(project)) == marts
    suites, problems = quality.plan(contracts, sorted(marts), project.seeds_dir)
    assert problems == {}, "\n".join(f"{t}: {p}" for t, ps in problems.items() for p in ps)
    assert set(suites) == marts == set(quality.ROW_COUNTS)
    for table, expectations in suites.items():
        kinds = {type(e).__name__ for e in expectations}
        assert {"ExpectTableColumnsToMatchSet", "ExpectColumnValuesToBeOfType"} <= kinds, table
        assert len(expectations) >= len(contracts[table].columns) + 2, table


@pytest.mark.slow
def test_the_audit_passes_the_published_warehouse_counting_every_planned_expectation(
        published_audit, planned_expectations: int) -> None:
    """A suite left out of the checkpoint, or expectations miscounted, makes the counts differ from the plan."""
    counts, _ = published_audit
    assert planned_expectations > 500
    assert counts == {"passed": planned_expectations, "failed": 0}


@pytest.mark.slow
def test_the_data_docs_index_lists_every_mart(project: Project, published_warehouse: Path, tmp_path: Path) -> None:
    """`security-ties validate` (run_checkpoint with Data Docs; the build's audit writes none) lists every mart."""
    gx_dir = tmp_path / "gx"
    results = quality.run_checkpoint(project, published_warehouse, gx_dir=gx_dir)
    assert all(result.success for result in results)
    index = gx_dir / quality.DOCS_INDEX
    page = index.read_text(encoding="utf-8")
    for table in quality.suite_tables(project):
        assert f'href="expectations/{table}.html"' in page, table  # the plain-HTML list, readable offline
        assert f"<tr><td><a href=\"validations/{table}/" in page, table
    assert len(list(index.parent.glob("validations/*/**/*.html"))) == len(quality.suite_tables(project))


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_an_injected_fault_fails_its_mart_by_name(corrupted_run: dict[str, TableResult], fault: Fault) -> None:
    result = corrupted_run[fault.table]
    assert not result.success
    assert any(line.startswith(fault.expectation) for line in result.failures), "\n".join(result.failures)


@pytest.mark.slow
def test_the_summary_names_each_failing_mart_and_expectation(corrupted_run: dict[str, TableResult]) -> None:
    summary = quality.summary_table(sorted(corrupted_run.values(), key=lambda r: r.table))
    for fault in FAULTS:
        block = summary.split(f"\n{fault.table} ", 1)[1].split("\n", 1)
        assert block[0].rstrip().endswith("FAILED"), fault.table
        assert f"    - {fault.expectation}" in block[1], fault.table


@pytest.mark.slow
def test_audit_blocks_publishing_naming_table_and_expectation(project: Project, corrupted_run, monkeypatch) -> None:
    monkeypatch.setattr(quality, "run_checkpoint", lambda *args, **kwargs: list(corrupted_run.values()))
    with pytest.raises(BuildError) as raised:
        quality.audit(Path("candidate.duckdb"), project)
    for fault in FAULTS:
        assert f"marts.{fault.table}: {fault.expectation}" in str(raised.value)


def test_spell_overlap_is_derived_per_country_and_organisation() -> None:
    day = pd.Timestamp
    spells = pd.DataFrame({
        "country_iso3": ["ARM", "ARM", "ARM", "AZE", "AZE", "GEO", "GEO"],
        "org_code": ["CSTO", "CSTO", "CSTO", "CSTO", "CSTO", "NATO", "NATO"],
        "valid_from": [day("2002-10-07"), day("1992-05-15"), day("2024-02-01"), day("1994-04-20"),
                       day("1999-01-01"), day("1994-03-23"), day("2000-01-01")],
        "valid_to": [day("2024-01-31"), day("2002-10-06"), pd.NaT, day("1999-06-30"), pd.NaT, pd.NaT, pd.NaT],
    })
    assert quality.overlaps_previous_spell(spells).tolist() == [
        False,  # starts the day after the previous spell ended
        False,  # the first spell
        False,  # the open spell comes last
        False,
        True,   # starts before the previous one ended
        False,
        True,   # the previous spell is still open
    ]

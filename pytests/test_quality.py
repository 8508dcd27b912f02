"""Great Expectations on the finished marts: every mart has a row-count entry, the published warehouse passes,
and every class of fault the audit owns, injected into a copy, is caught, naming the table and the
expectation. The suites hold only what no dbt test checks (each mart's volume); every other rule is a dbt
test where the value is born, so no fault here injects a bad code, pattern, range or pair (dbt's to catch,
pytests/test_dbt_test_mutations.py).

All faults go into one copy, each into a table of its own, and one checkpoint run validates them all.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from security_ties import audit
from security_ties.warehouse import BuildError
from security_ties.project import Project
from security_ties.audit import TableResult


@dataclass(frozen=True)
class Fault:
    name: str
    table: str
    expectation: str  # the start of the failure line the checkpoint must report for the table
    statements: tuple[str, ...]


FAULTS = (
    Fault("empty_fact_mart", "fct_arms_transfer", "expect_table_row_count_to_be_between", (
        "delete from marts.fct_arms_transfer",
    )),
    Fault("countries_missing", "dim_country", "expect_table_row_count_to_be_between", (
        "delete from marts.dim_country where iso3 >= 'M'",
    )),
    Fault("day_outside_calendar", "dim_date", "expect_table_row_count_to_equal", (
        """insert into marts.dim_date by name
           select cast(date_day + interval 1 year as date) as date_day, year_number + 1 as year_number, month_number,
                  day_of_month, quarter_number, month_iso
           from marts.dim_date order by date_day desc limit 1""",
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
    return audit.audit(published_warehouse, project, gx_dir=gx_dir), gx_dir


@pytest.fixture(scope="module")
def planned_expectations(project: Project, published_warehouse: Path) -> int:
    """How many expectations the contracts and domain rules call for, counted without running GX."""
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        marts = [name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
    suites, problems = audit.plan(audit.load_contracts(project.root), marts, project.seeds_dir)
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
    return {r.table: r for r in audit.run_checkpoint(project, copy, gx_dir=folder / "gx")}


def test_every_mart_has_a_row_count_entry_and_every_bounded_mart_a_suite(project: Project, published_warehouse: Path) -> None:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        marts = {name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    contracts = audit.load_contracts(project.root)
    assert set(contracts) == marts
    suites, problems = audit.plan(contracts, sorted(marts), project.seeds_dir)
    assert problems == {}, "\n".join(f"{t}: {p}" for t, ps in problems.items() for p in ps)
    assert marts == set(audit.ROW_COUNTS)
    assert set(suites) == set(audit.suite_tables(project))
    unbounded = {table for table, bounds in audit.row_counts(project.root).items() if bounds == (0, None)}
    assert set(suites) == marts - unbounded
    for table, expectations in suites.items():
        assert expectations, table
        assert not audit.suite_purpose(expectations).endswith("none."), table


def test_no_suite_holds_a_rule_dbt_can_state(project: Project) -> None:
    """Types, NOT NULL, keys, codes, patterns, ranges and pair rules are dbt tests where the value is born: a
    suite holds row-count expectations only."""
    contracts = audit.load_contracts(project.root)
    suites, _ = audit.plan(contracts, sorted(contracts), project.seeds_dir)
    found = [f"{table}: {type(e).__name__}" for table, expectations in suites.items() for e in expectations
             if type(e).__name__ not in {"ExpectTableRowCountToEqual", "ExpectTableRowCountToBeBetween"}]
    assert found == []


@pytest.mark.slow
def test_the_audit_passes_the_published_warehouse_counting_every_planned_expectation(
        project: Project, published_audit, planned_expectations: int) -> None:
    """A suite left out of the checkpoint, or expectations miscounted, makes the counts differ from the plan."""
    counts, _ = published_audit
    assert planned_expectations == len(audit.suite_tables(project))  # one row-count rule per suite
    assert counts == {"passed": planned_expectations, "failed": 0}


@pytest.mark.slow
def test_the_data_docs_index_lists_every_mart(project: Project, published_warehouse: Path, tmp_path: Path) -> None:
    """`security-ties audit` (run_checkpoint with Data Docs; the build's audit writes none) lists every mart."""
    gx_dir = tmp_path / "gx"
    results = audit.run_checkpoint(project, published_warehouse, gx_dir=gx_dir)
    assert all(result.success for result in results)
    index = gx_dir / audit.DOCS_INDEX
    page = index.read_text(encoding="utf-8")
    for table in audit.suite_tables(project):
        assert f'href="expectations/{table}.html"' in page, table  # the plain-HTML list, readable offline
        assert f"<tr><td><a href=\"validations/{table}/" in page, table
    assert len(list(index.parent.glob("validations/*/**/*.html"))) == len(audit.suite_tables(project))


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_an_injected_fault_fails_its_mart_by_name(corrupted_run: dict[str, TableResult], fault: Fault) -> None:
    result = corrupted_run[fault.table]
    assert not result.success
    assert any(line.startswith(fault.expectation) for line in result.failures), "\n".join(result.failures)


@pytest.mark.slow
def test_the_summary_names_each_failing_mart_and_expectation(corrupted_run: dict[str, TableResult]) -> None:
    summary = audit.summary_table(sorted(corrupted_run.values(), key=lambda r: r.table))
    for fault in FAULTS:
        block = summary.split(f"\n{fault.table} ", 1)[1].split("\n", 1)
        assert block[0].rstrip().endswith("FAILED"), fault.table
        assert f"    - {fault.expectation}" in block[1], fault.table


@pytest.mark.slow
def test_audit_blocks_publishing_naming_table_and_expectation(project: Project, corrupted_run, monkeypatch) -> None:
    monkeypatch.setattr(audit, "run_checkpoint", lambda *args, **kwargs: list(corrupted_run.values()))
    with pytest.raises(BuildError) as raised:
        audit.audit(Path("candidate.duckdb"), project)
    for fault in FAULTS:
        assert f"marts.{fault.table}: {fault.expectation}" in str(raised.value)

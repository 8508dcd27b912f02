"""The published warehouse as an analyst meets it: every relation the project declares is there and answers
under any catalog name, staging keeps every seed row, comments and keys are there, and the
membership_as_of macro answers what the texts say.

Expected relations and row counts come from the project's files (seed CSVs, model files), never from the
warehouse itself.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from security_ties.project import Project

LAYER_SCHEMAS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


@pytest.fixture(scope="module")
def connection(published_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(published_warehouse), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def seed_rows(project: Project) -> dict[str, int]:
    """seed name -> data rows, counted by the csv module (quoted line breaks are one row)."""
    rows = {}
    for path in sorted(project.seeds_dir.glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows[path.stem] = sum(1 for _ in csv.reader(handle)) - 1
    return rows


@pytest.fixture(scope="module")
def declared_relations(project: Project, seed_rows: dict[str, int]) -> set[tuple[str, str]]:
    """(schema, name) of every seed and model file in the project, plus the build's own record."""
    relations = {("raw", seed) for seed in seed_rows} | {("meta", "build_info")}
    for layer, schema in LAYER_SCHEMAS.items():
        relations |= {(schema, path.stem) for path in (project.root / "models" / layer).rglob("*.sql")}
    return relations


def built_relations(connection: duckdb.DuckDBPyConnection, catalog: str | None = None) -> set[tuple[str, str]]:
    where = f"database_name = '{catalog}'" if catalog else "database_name = current_database()"
    return set(connection.execute(
        f"select schema_name, table_name from duckdb_tables() where {where} "
        f"union all select schema_name, view_name from duckdb_views() where not internal and {where}"
    ).fetchall())


def test_the_warehouse_holds_exactly_the_relations_the_project_declares(connection, declared_relations) -> None:
    built = built_relations(connection)
    assert len(declared_relations) >= 55
    assert sorted(declared_relations - built) == [], "declared in seeds/ or models/ but not built"
    assert sorted(built - declared_relations) == [], "built but no longer declared (stale relation)"


def test_raw_tables_and_staging_views_keep_every_seed_row(connection, seed_rows: dict[str, int]) -> None:
    """Staging renames and casts only: a filter, a join fan-out or a broken view changes its row count."""
    staging = dict(connection.execute(
        "select view_name, split_part(view_name, '__', 2) from duckdb_views() where schema_name = 'staging'"
    ).fetchall())
    assert sorted(staging.values()) == sorted(seed_rows), "one staging model per seed, named stg_<source>__<seed>"
    for view, seed in staging.items():
        raw_count = connection.execute(f'select count(*) from raw."{seed}"').fetchone()[0]
        staged_count = connection.execute(f'select count(*) from staging."{view}"').fetchone()[0]
        assert raw_count == staged_count == seed_rows[seed], f"{seed}: csv {seed_rows[seed]}, raw {raw_count}, {view} {staged_count}"


def test_no_stored_sql_names_the_files_catalog(connection) -> None:
    """A catalog name in a view or macro body breaks it when the file is attached under another alias."""
    catalog = connection.execute("select current_database()").fetchone()[0]
    bodies = connection.execute(
        "select view_name, sql from duckdb_views() where not internal and database_name = current_database() "
        "union all select function_name, macro_definition from duckdb_functions() "
        "where function_type = 'table_macro' and database_name = current_database()"
    ).fetchall()
    assert any(name == "membership_as_of" for name, _ in bodies)
    naming_catalog = [name for name, sql in bodies if f'"{catalog}".' in sql or f"{catalog}." in sql]
    assert naming_catalog == []


@pytest.fixture(scope="module")
def attached_as_alias(published_warehouse: Path, tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published file, copied under another file name and attached under an alias, as Evidence, Harlequin
    or a cross-database query would: neither the file stem nor the alias is `security_ties`."""
    copy = tmp_path_factory.mktemp("alias") / "snapshot_of_ties.duckdb"
    shutil.copy2(published_warehouse, copy)
    with duckdb.connect() as con:
        con.execute(f"attach '{copy}' as st (read_only)")
        yield con


def test_every_relation_answers_when_the_file_is_attached_under_another_alias(
        attached_as_alias, connection, declared_relations) -> None:
    assert built_relations(attached_as_alias, "st") == declared_relations
    for schema, name in sorted(declared_relations):
        through_alias = attached_as_alias.execute(f'select count(*) from st."{schema}"."{name}"').fetchone()[0]
        direct = connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        assert through_alias == direct, f"{schema}.{name}"


@pytest.mark.parametrize("make_alias_current", ["use st", "set search_path = 'st.marts'"])
def test_membership_as_of_answers_under_another_alias(attached_as_alias, connection, make_alias_current: str) -> None:
    """A DuckDB macro binds its body in the caller's catalog, so under an alias the README says `use st`
    (or put the alias on the search path) first."""
    attached_as_alias.execute(make_alias_current)
    try:
        query = "select spell_id, status from {}marts.membership_as_of(date '2024-06-01') order by spell_id"
        through_alias = attached_as_alias.execute(query.format("st.")).fetchall()
        assert through_alias and through_alias == connection.execute(query.format("")).fetchall()
    finally:
        attached_as_alias.execute("use memory; reset search_path")


def test_every_mart_column_carries_its_description_as_a_comment(connection) -> None:
    missing = connection.execute(
        "select table_name || '.' || column_name from duckdb_columns() "
        "where schema_name = 'marts' and (comment is null or comment = '')"
    ).fetchall()
    assert missing == []
    tables_without_comment = connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' and (comment is null or comment = '')"
    ).fetchall()
    assert tables_without_comment == []


def test_every_mart_has_an_enforced_primary_key(connection) -> None:
    marts = {name for (name,) in connection.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    with_key = {name for (name,) in connection.execute(
        "select table_name from duckdb_constraints() where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()}
    assert marts and marts == with_key


def armenia_in(connection, org_code: str, day: str) -> list[str]:
    return [status for (status,) in connection.execute(
        "select status from marts.membership_as_of(cast(? as date)) where country_iso3 = 'ARM' and org_code = ?",
        [day, org_code],
    ).fetchall()]


@pytest.mark.parametrize(("org_code", "day", "statuses"), [
    # "Armenia is actually a member of the ... CSTO" and "Armenia is now a member of the Eurasian Economic
    # Union" (doc_000, published 2015-04-21)
    ("CSTO", "2015-04-21", ["member"]),
    ("EAEU", "2015-04-21", ["member"]),
    # "In 2002, those six agreed to create the Collective Security Treaty Organization" (doc_001): no CSTO yet
    ("CSTO", "2001-06-30", []),
])
def test_membership_as_of_answers_what_the_texts_state(connection, org_code: str, day: str, statuses: list[str]) -> None:
    assert armenia_in(connection, org_code, day) == statuses


def test_membership_as_of_shows_the_february_2024_freeze_from_its_first_day(connection) -> None:
    """"In February 2024, ... Armenia had 'essentially frozen' its membership" (doc_001) and "on Feb. 22"
    (doc_003): from the freeze spell's first day the macro returns the freeze, the day before still the
    membership, exactly one status per day."""
    first_day, = connection.execute(
        "select min(valid_from) from marts.fct_membership_spell "
        "where country_iso3 = 'ARM' and org_code = 'CSTO' and status like '%frozen%'"
    ).fetchone()
    assert first_day is not None and str(first_day).startswith("2024-02")
    day_before = connection.execute("select cast(? as date) - 1", [first_day]).fetchone()[0]
    assert armenia_in(connection, "CSTO", str(day_before)) == ["member"]
    on_first_day = armenia_in(connection, "CSTO", str(first_day))
    assert len(on_first_day) == 1 and "frozen" in on_first_day[0]
    assert len(armenia_in(connection, "CSTO", "2024-06-01")) == 1 and "frozen" in armenia_in(connection, "CSTO", "2024-06-01")[0]


def test_build_info_names_this_build(connection) -> None:
    build_id, tests_passed, tests_failed = connection.execute(
        "select build_id, dbt_tests_passed, dbt_tests_failed from meta.build_info"
    ).fetchone()
    assert build_id and tests_passed > 500 and tests_failed == 0

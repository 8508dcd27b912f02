"""The published warehouse as an analyst meets it: every relation answers, comments and keys are there."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def connection(published_warehouse: Path):
    with duckdb.connect(str(published_warehouse), read_only=True) as con:
        yield con


def test_every_view_and_table_in_the_published_file_answers(connection) -> None:
    relations = connection.execute(
        "select schema_name, table_name from duckdb_tables() "
        "union all select schema_name, view_name from duckdb_views() where not internal"
    ).fetchall()
    assert len(relations) >= 55
    for schema, name in relations:
        connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()


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


@pytest.mark.parametrize("day", ["1992-06-01", "2002-10-07", "2015-04-21", "2023-12-31", "2024-02-15", "2024-06-01", "2025-09-01"])
def test_membership_as_of_macro_returns_exactly_the_spells_in_force(connection, day: str) -> None:
    from_macro = connection.execute(
        f"select spell_id from marts.membership_as_of(date '{day}') order by spell_id"
    ).fetchall()
    direct = connection.execute(
        "select spell_id from marts.fct_membership_spell "
        "where coalesce(valid_from, first_attested_on) <= ? and (valid_to is null or valid_to >= ?) order by spell_id",
        [day, day],
    ).fetchall()
    assert from_macro == direct


def test_build_info_names_this_build(connection) -> None:
    build_id, tests_passed, tests_failed = connection.execute(
        "select build_id, dbt_tests_passed, dbt_tests_failed from meta.build_info"
    ).fetchone()
    assert build_id and tests_passed > 500 and tests_failed == 0

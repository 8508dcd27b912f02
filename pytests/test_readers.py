"""Every documented way of reading the published warehouse opens it read-only, and a write through it fails.

The tests read a copy of the published file so they can prove the
bytes are unchanged after the refused writes, whatever else runs on the real warehouse meanwhile.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from security_ties.publish import published_build_id
from security_ties.project import PUBLISHED_NAME

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"
READ_ONLY_ERROR = "attached in read-only mode"
WRITE = "create table main.written_by_a_reader as select 1 as one"
# what a BI tool gets back for each DuckDB type the marts use (a type missing here fails the reflection test)
PYTHON_TYPE_OF_DUCKDB_TYPE = {
    "VARCHAR": str, "BOOLEAN": bool, "INTEGER": int, "BIGINT": int, "SMALLINT": int, "HUGEINT": int,
    "DOUBLE": float, "FLOAT": float, "DECIMAL": decimal.Decimal, "DATE": datetime.date, "TIMESTAMP": datetime.datetime,
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published_copy(tmp_path_factory: pytest.TempPathFactory, published_warehouse: Path) -> Path:
    copy = tmp_path_factory.mktemp("readers") / PUBLISHED_NAME
    shutil.copy2(published_warehouse, copy)
    return copy


@pytest.fixture
def unchanged(published_copy: Path) -> Iterator[Path]:
    """The copy, checked byte-identical after the test."""
    before = sha256(published_copy)
    yield published_copy
    assert sha256(published_copy) == before


def test_duckdb_cli_with_readonly_reads_and_refuses_writes(unchanged: Path) -> None:
    read = subprocess.run([str(DUCKDB_CLI), "-readonly", "-noheader", "-list", str(unchanged),
                           "-c", "select build_id from meta.build_info"], capture_output=True, text=True, check=False)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == published_build_id(unchanged)
    write = subprocess.run([str(DUCKDB_CLI), "-readonly", str(unchanged), "-c", WRITE],
                           capture_output=True, text=True, check=False)
    assert write.returncode != 0
    assert READ_ONLY_ERROR in write.stdout + write.stderr


def test_python_read_only_connection_reads_and_refuses_writes(unchanged: Path) -> None:
    with duckdb.connect(str(unchanged), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.dim_country").fetchone() != (0,)
        with pytest.raises(duckdb.InvalidInputException, match=READ_ONLY_ERROR):
            connection.execute(WRITE)


@pytest.mark.parametrize("how", ["uri access_mode=read_only (Superset, BI)", "connect_args read_only=True"])
def test_sqlalchemy_duckdb_engine_read_only_reads_and_refuses_writes(unchanged: Path, how: str) -> None:
    build_id = published_build_id(unchanged)
    if how.startswith("uri"):
        engine = sa.create_engine(f"duckdb:///{unchanged}?access_mode=read_only", poolclass=NullPool)
        assert str(engine.url) == f"duckdb:////{str(unchanged).lstrip('/')}?access_mode=read_only"
    else:
        engine = sa.create_engine(f"duckdb:///{unchanged}", connect_args={"read_only": True}, poolclass=NullPool)
    with engine.connect() as connection:
        assert connection.execute(sa.text("select build_id from meta.build_info")).scalar() == build_id
        with pytest.raises(sa.exc.ProgrammingError, match=READ_ONLY_ERROR):
            connection.execute(sa.text(WRITE))
    engine.dispose()


def test_sqlalchemy_uri_read_only_true_is_not_a_duckdb_option(unchanged: Path) -> None:
    """duckdb-engine passes URI query keys on as DuckDB settings; `read_only` is not one (use access_mode)."""
    engine = sa.create_engine(f"duckdb:///{unchanged}?read_only=true", poolclass=NullPool)
    with pytest.raises(sa.exc.ProgrammingError, match='unrecognized configuration parameter "read_only"'):
        engine.connect()
    engine.dispose()


def test_an_open_connection_pins_its_process_to_the_old_file_until_every_connection_closes(tmp_path: Path) -> None:
    """DuckDB shares one database instance per path inside a process: while any connection is open, new
    connections in that process still read the replaced file. Long-lived readers must not pool connections
    (Superset uses NullPool) to see a new build."""
    published = tmp_path / PUBLISHED_NAME
    for build_id, path in [("old", published), ("new", tmp_path / "new" / PUBLISHED_NAME)]:
        path.parent.mkdir(exist_ok=True)
        with duckdb.connect(str(path)) as connection:
            connection.execute("create schema meta; create table meta.build_info as select ? as build_id", [build_id])
    query = "select build_id from meta.build_info"
    held = duckdb.connect(str(published), read_only=True)
    os.replace(tmp_path / "new" / PUBLISHED_NAME, published)
    with duckdb.connect(str(published), read_only=True) as second:
        assert second.execute(query).fetchone() == ("old",)
    held.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute(query).fetchone() == ("new",)


@pytest.fixture(scope="module")
def reflection_copy(tmp_path_factory: pytest.TempPathFactory, published_warehouse: Path) -> Path:
    """A copy of its own: DuckDB refuses a second configuration of a path an earlier engine still holds."""
    copy = tmp_path_factory.mktemp("reflection") / PUBLISHED_NAME
    shutil.copy2(published_warehouse, copy)
    return copy


@pytest.fixture(scope="module")
def read_only_engine(reflection_copy: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"duckdb:///{reflection_copy}?access_mode=read_only", poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def catalog_of_marts(reflection_copy: Path) -> dict[str, dict]:
    """What DuckDB itself says about each mart (columns, types, comments, key), the truth reflection must match."""
    with duckdb.connect(str(reflection_copy), read_only=True) as connection:
        columns = connection.execute(
            "select table_name, column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'marts' order by table_name, column_index"
        ).fetchall()
        keys = connection.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    marts: dict[str, dict] = {}
    for table, column, data_type, comment in columns:
        marts.setdefault(table, {"columns": [], "primary_key": []})["columns"].append((column, data_type, comment))
    for table, key_columns in keys:
        marts[table]["primary_key"] = list(key_columns)
    return marts


@pytest.mark.slow
def test_sqlalchemy_reflects_every_mart_with_types_comments_and_key_columns(catalog_of_marts, read_only_engine) -> None:
    """BI tools (Superset, Metabase, pandas) create datasets by reflection; SQLAlchemy >= 2.0.45 breaks it
    on duckdb-engine 0.17 (pg_collation, REGCLASS), so the lock pins a version this test proves."""
    inspector = sa.inspect(read_only_engine)
    assert sorted(inspector.get_table_names(schema="marts")) == sorted(catalog_of_marts)
    assert len(catalog_of_marts) >= 20
    for table, truth in catalog_of_marts.items():
        reflected = inspector.get_columns(table, schema="marts")
        assert [c["name"] for c in reflected] == [name for name, _, _ in truth["columns"]], table
        for column, (name, data_type, comment) in zip(reflected, truth["columns"]):
            assert not isinstance(column["type"], sa.types.NullType), f"{table}.{name}: type {data_type} not reflected"
            expected = PYTHON_TYPE_OF_DUCKDB_TYPE[data_type.split("(")[0]]
            assert column["type"].python_type is expected, f"{table}.{name}: reflected {column['type']!r}, DuckDB says {data_type}"
            assert column["comment"] == comment and comment, f"{table}.{name}: comment not reflected"
        # both raised "Type with name REGCLASS does not exist" from SQLAlchemy 2.0.45 on
        key = inspector.get_pk_constraint(table, schema="marts")
        assert inspector.get_foreign_keys(table, schema="marts") == []
        # DuckDB 1.5's pg_catalog.pg_index is empty, so no SQLAlchemy version (1.4.54 measured too) reflects
        # the key's columns; they do reflect as NOT NULL, and duckdb_constraints() names them. When this
        # assertion fails, upstream reflects keys: compare with truth["primary_key"] instead.
        assert key["constrained_columns"] == [], table
        nullable = {column["name"]: column["nullable"] for column in reflected}
        assert truth["primary_key"] and not any(nullable[name] for name in truth["primary_key"]), table


@pytest.mark.slow
def test_pandas_read_sql_table_reads_a_mart_by_reflection(read_only_engine, project) -> None:
    """read_sql_table reflects the table first; the rows it returns are the reference seed's rows."""
    frame = pd.read_sql_table("dim_country", read_only_engine, schema="marts").set_index("iso3")
    seed = pd.read_csv(project.seeds_dir / "reference" / "countries.csv", dtype=str, keep_default_na=False).set_index("iso3")
    assert sorted(frame.index) == sorted(seed.index)
    assert frame.loc["ARM", "country_name"] == seed.loc["ARM", "short_name"] == "Armenia"
    assert frame.loc["ARM", "iso2"] == "AM"
    assert frame.loc["SUN", "is_historical"] == True  # noqa: E712 - a reflected boolean, compared as a value
    assert frame.is_historical.sum() == (seed.is_historical == "true").sum()

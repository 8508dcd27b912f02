"""Every documented way of reading the published warehouse opens it read-only, and a write through it fails.

The tests read a copy of the published file (same name, so the same catalog name) so they can prove the
bytes are unchanged after the refused writes, whatever else runs on the real warehouse meanwhile.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from security_ties.build import published_build_id
from security_ties.project import PUBLISHED_NAME

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"
READ_ONLY_ERROR = "attached in read-only mode"
WRITE = "create table main.written_by_a_reader as select 1 as one"


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

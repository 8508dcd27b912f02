"""Parquet and CSV exports of every mart, for tools that cannot open DuckDB.

Each build writes its own folder `warehouse/exports/<build id>/`, then swaps the `current` symlink to it
with an atomic rename, so a reader following `exports/current/` never sees a half-written export.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from security_ties.project import Project


def mart_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export_marts(project: Project, database: Path, build_id: str) -> Path:
    target = project.exports_dir / build_id
    target.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database), read_only=True) as connection:
        for table in mart_tables(connection):
            connection.execute(f"copy marts.{table} to '{target / table}.parquet' (format parquet)")
            connection.execute(f"copy marts.{table} to '{target / table}.csv' (format csv, header)")
    link = project.exports_dir / "current"
    temporary_link = project.exports_dir / f".current-{build_id}"
    os.symlink(target.name, temporary_link)
    os.replace(temporary_link, link)
    prune_exports(project, keep={build_id})
    return target


def prune_exports(project: Project, keep: set[str]) -> None:
    folders = sorted(
        (p for p in project.exports_dir.iterdir() if p.is_dir() and not p.is_symlink()),
        key=lambda p: p.stat().st_mtime, reverse=True,
    )
    for old in folders[project.keep_releases + 1:]:
        if old.name not in keep:
            shutil.rmtree(old)

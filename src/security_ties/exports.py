"""Parquet and CSV exports of every mart, for tools that cannot open DuckDB.

Each build writes `warehouse/exports/.partial-<build id>/`, renames it to `warehouse/exports/<build id>/`
once every file and `manifest.json` (build id, tables, row counts) are written, then swaps the `current`
symlink to it with an atomic rename. A reader following `exports/current/` never sees a half-written
export, and a folder named for a build id is always complete. Exports run under the build lock.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from security_ties.project import Project

MANIFEST = "manifest.json"
FORMATS = {"parquet": "(format parquet)", "csv": "(format csv, header)"}


def mart_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def write_tables(database: Path, folder: Path, build_id: str) -> dict[str, int]:
    """Every mart as Parquet and CSV into `folder`, then the manifest, last."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for table in mart_tables(connection):
            for extension, options in FORMATS.items():
                path = str(folder / f"{table}.{extension}").replace("'", "''")
                connection.execute(f"copy marts.{table} to '{path}' {options}")
            row = connection.execute(f"select count(*) from marts.{table}").fetchone()
            counts[table] = int(row[0]) if row else 0
    manifest = {"build_id": build_id, "formats": sorted(FORMATS), "tables": counts}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def remove_partial_exports(project: Project) -> None:
    """Leftovers of an export that died half-way: unfinished folders and temporary links."""
    for path in project.exports_dir.glob(".partial-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in project.exports_dir.glob(".current-*"):
        path.unlink(missing_ok=True)


def swap_current(project: Project, build_id: str) -> None:
    temporary_link = project.exports_dir / f".current-{build_id}"
    temporary_link.unlink(missing_ok=True)
    os.symlink(build_id, temporary_link)
    os.replace(temporary_link, project.exports_dir / "current")


def export_marts(project: Project, database: Path, build_id: str) -> Path:
    """Export the marts of `database` (built as `build_id`) and point `exports/current` at them.

    A complete folder for the same build id is reused, so a rollback only swaps the link."""
    project.exports_dir.mkdir(parents=True, exist_ok=True)
    remove_partial_exports(project)
    target = project.exports_dir / build_id
    if not (target / MANIFEST).is_file():
        shutil.rmtree(target, ignore_errors=True)
        partial = project.exports_dir / f".partial-{build_id}"
        partial.mkdir()
        write_tables(database, partial, build_id)
        os.rename(partial, target)
    swap_current(project, build_id)
    prune_exports(project, keep={build_id})
    return target


def prune_exports(project: Project, keep: set[str]) -> None:
    """Keep as many export folders as releases plus the current one (newest first)."""
    folders = sorted(
        (p for p in project.exports_dir.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime, reverse=True,
    )
    for old in folders[project.keep_releases + 1:]:
        if old.name not in keep:
            shutil.rmtree(old)

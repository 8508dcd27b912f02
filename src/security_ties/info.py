"""`security-ties info`: what is installed, where things are, and what the published warehouse holds."""

from __future__ import annotations

import csv
from importlib import metadata
from pathlib import Path

import duckdb

from security_ties import publish, warehouse
from security_ties.evidence import EvidenceError
from security_ties.mentions import TIE_KINDS, coverage
from security_ties.project import Project

PACKAGES = ["dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "pandas"]


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def seed_row_counts(seeds_dir: Path) -> dict[str, int]:
    counts = {}
    for path in sorted(seeds_dir.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:  # validate-seeds names bad bytes
            counts[path.relative_to(seeds_dir).as_posix()] = max(sum(1 for _ in csv.reader(handle)) - 1, 0)
    return counts


def warehouse_tables(database: Path) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    """(build_info row, [(schema, table, rows)]) of a warehouse file, opened read-only."""
    with duckdb.connect(str(database), read_only=True) as connection:
        build_info: dict[str, str] = {}
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name <> 'raw' "
            "order by schema_name, table_name"
        ).fetchall()
        if ("meta", "build_info") in tables:
            cursor = connection.execute("select * from meta.build_info")
            names = [d[0] for d in cursor.description]
            build_info = dict(zip(names, (str(v) for v in cursor.fetchone())))
        counts = [
            (schema, table, connection.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0])
            for schema, table in tables
        ]
    return build_info, counts


def render(project: Project) -> str:
    lines = ["security-ties info", "", "versions:"]
    lines += [f"  {name:20} {version}" for name, version in package_versions().items()]
    lines += [
        "", "paths:",
        f"  project              {project.root}",
        f"  corpus               {project.corpus_dir} ({'found' if project.corpus_dir.is_dir() else 'MISSING'})",
        f"  published warehouse  {project.published_path}",
        f"  exports              {project.exports_dir / 'current'}",
        "", "seed rows:",
    ]
    lines += [f"  {name:40} {rows:6}" for name, rows in seed_row_counts(project.seeds_dir).items()]
    try:
        result = coverage(project.corpus_dir, project.seeds_dir)
        lines += ["", f"extraction coverage: {len(result.mentions) - len(result.uncovered)}/{len(result.mentions)} "
                      f"mentions = {result.percent:.1f} %"]
        lines += ["  per document:"] + [f"    {doc:14} {done:>5}/{total:<5}" for doc, (done, total) in result.by_document.items()]
        lines += ["  per mention kind:"] + [f"    {kind:14} {done:>5}/{total:<5}" for kind, (done, total) in result.by_kind.items()]
        lines += ["  ties and stances per document:"] + [
            f"    {doc:14} {kind:14} {done:>5}/{total:<5}"
            for (doc, kind), (done, total) in result.by_document_kind.items() if kind in TIE_KINDS]
    except EvidenceError as error:
        lines += ["", f"extraction coverage: not measured ({error})"]
    if not project.published_path.exists():
        lines += ["", "published warehouse: none yet (run `make build`)"]
        return "\n".join(lines)
    problems = warnings(project)
    try:
        build_info, tables = warehouse_tables(project.published_path)
    except duckdb.IOException as error:
        holder = warehouse.lock_holder_from_error(error)
        if holder and not any(str(holder[0]) in w for w in problems):
            problems.append(warehouse.writer_warning(project.published_path, *holder))
        lines += ["", f"published warehouse: cannot be opened read-only ({str(error).splitlines()[0]})"]
        build_info, tables = {}, []
    if build_info:
        lines += ["", "published build:"] + [f"  {k:20} {v}" for k, v in build_info.items()]
        lines += ["", "tables:"] + [f"  {schema}.{table:38} {rows:6}" for schema, table, rows in tables]
    releases = [p.parent.name for p in publish.list_releases(project)]
    published = publish.current_build_id(project)
    lines += ["", "kept releases, newest first (security-ties rollback --build-id ...):"]
    lines += [f"  {r}{'  (published)' if r == published else ''}" for r in releases or ["none"]]
    lines += ["", "warnings:"] + [f"  - {w}" for w in problems or ["none"]]
    return "\n".join(lines)


def warnings(project: Project) -> list[str]:
    """What is wrong with the warehouse folder and how to fix it (empty when all is well)."""
    found = [warehouse.writer_warning(project.published_path, pid, command)
             for pid, command in warehouse.write_holders(project.published_path)]
    if project.published_path.stat().st_mode & 0o222:
        found.append(f"{project.published_path} is writable on disk: run `security-ties doctor` to make it read-only")
    empty = publish.empty_release_folders(project)
    if empty:
        found.append(f"empty release folder(s) {', '.join(p.name for p in empty)} (left by a killed build): "
                     "run `security-ties doctor` to remove them")
    published, exported = publish.exports_lag(project)
    if published:
        found.append(f"exports/current shows build {exported or 'none'}, the published build is {published}: "
                     "run `security-ties doctor` to re-export")
    for build_id in publish.changed_releases(project):
        found.append(f"release {build_id} differs from the bytes recorded when it was kept "
                     f"({project.releases_dir / build_id}); do not roll back to it")
    return found

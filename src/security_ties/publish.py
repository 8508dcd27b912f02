"""Publishing: releases, their manifest, rollback and the repairs of `doctor`.

A build writes `builds/candidate/security_ties.duckdb`; once it passed every check, `publish` copies it to
`releases/<build id>/` (read-only, its sha256 recorded in `releases/manifest.json`) and renames the candidate
over the published file. Readers that hold the old file keep reading their snapshot; new readers see the new
build. Releases are copies, never links: a client that opens the published file in write mode (or keeps an old
one open) can neither change a release nor hide its build id. `rollback` publishes a kept release again the same
way; `heal` (run at the start of every build, and by `doctor`) repairs what a killed build can leave behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from security_ties import exports
from security_ties.project import PUBLISHED_NAME, Project
from security_ties.warehouse import (
    BuildError, build_lock, candidate_path, check_free_space, fsync_directory, remove_stale_candidates, write_holders,
    writer_warning,
)

Exporter = Callable[[Project, Path, str], object]
def new_build_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def git_commit(root: Path) -> str:
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def seed_hashes(seeds_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(seeds_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(seeds_dir.rglob("*.csv"))
    }


def record_build_info(database: Path, build_id: str, project: Project, counts: dict[str, int],
                      quality: dict[str, int]) -> None:
    try:
        write_build_info(database, build_id, project, counts, quality)
    except duckdb.IOException as error:  # e.g. a full disk while writing the WAL
        first_line = str(error).splitlines()[0]
        raise BuildError(f"{database}: could not record the build ({first_line}); nothing was published - "
                         "free disk space in the warehouse folder and build again") from error


def write_build_info(database: Path, build_id: str, project: Project, counts: dict[str, int],
                     quality: dict[str, int]) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema if not exists meta")
        connection.execute(
            """
            create or replace table meta.build_info as
            select
                ?::varchar as build_id,
                ?::timestamptz as built_at,
                ?::varchar as git_commit,
                ?::json as seed_sha256,
                ?::integer as dbt_tests_passed,
                ?::integer as dbt_tests_failed,
                ?::integer as models_built,
                ?::integer as expectations_passed,
                ?::integer as expectations_failed
            """,
            [
                build_id, dt.datetime.now(dt.timezone.utc), git_commit(project.root),
                json.dumps(seed_hashes(project.seeds_dir)), counts["tests_passed"], counts["tests_failed"],
                counts["models_built"], quality.get("passed", 0), quality.get("failed", 0),
            ],
        )
        connection.execute(
            "comment on table meta.build_info is 'One row: which build this file is, when and from what it was built, and what its audit counted.'"
        )
        connection.execute("checkpoint")



RELEASE_MANIFEST = "manifest.json"


READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def release_path(project: Project, build_id: str) -> Path:
    return project.releases_dir / build_id / PUBLISHED_NAME


def read_release_manifest(project: Project) -> dict[str, Any]:
    """{"published": build id or None, "releases": [{"build_id", "sha256", "bytes", "released_at"}, oldest first]}."""
    path = project.releases_dir / RELEASE_MANIFEST
    if not path.is_file():
        return {"published": None, "releases": []}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BuildError(f"{path}: not valid JSON ({error}); run `security-ties doctor` to rebuild it from the "
                         "release folders") from error
    return {"published": manifest.get("published"), "releases": list(manifest.get("releases", []))}


def write_release_manifest(project: Project, manifest: dict[str, Any]) -> None:
    """Written to a temporary file and renamed, so a reader never sees half a manifest."""
    project.releases_dir.mkdir(parents=True, exist_ok=True)
    path = project.releases_dir / RELEASE_MANIFEST
    temporary = path.with_name(f".{RELEASE_MANIFEST}.tmp")
    temporary.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    fsync_directory(project.releases_dir)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_release(project: Project, candidate: Path, build_id: str) -> dict[str, Any]:
    """Copy the closed candidate to releases/<build id>/ (a file of its own, read-only) and describe it."""
    release = release_path(project, build_id)
    release.parent.mkdir(parents=True, exist_ok=True)
    partial = release.with_name(f".{PUBLISHED_NAME}.partial")
    shutil.copyfile(candidate, partial)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(partial, READ_ONLY)
    os.replace(partial, release)
    return {"build_id": build_id, "sha256": sha256_file(release), "bytes": release.stat().st_size,
            "released_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def publish(project: Project, candidate: Path, build_id: str) -> None:
    """Keep a copy of the candidate as the release of `build_id` (unless that release exists, as in a rollback),
    make the candidate read-only and rename it over the published file, then record it in the manifest."""
    manifest = adopt_unrecorded_releases(project)
    known = {entry["build_id"] for entry in manifest["releases"]}
    if build_id not in known or not release_path(project, build_id).is_file():
        manifest["releases"] = [e for e in manifest["releases"] if e["build_id"] != build_id]
        manifest["releases"].append(keep_release(project, candidate, build_id))
    os.chmod(candidate, READ_ONLY)
    os.replace(candidate, project.published_path)
    fsync_directory(project.warehouse_dir)
    manifest["published"] = build_id
    write_release_manifest(project, manifest)
    prune_releases(project)


def adopt_unrecorded_releases(project: Project) -> dict[str, Any]:
    """Bring a warehouse folder from before the release manifest under it: keep the published file as a release
    (when its build id can be read) and record the old release folders, replacing any hard link to the published
    file by a copy. Returns the manifest."""
    manifest = read_release_manifest(project)
    recorded = {e["build_id"] for e in manifest["releases"]}
    published = project.published_path
    adopted = []
    if project.releases_dir.is_dir():
        folders = [p for p in project.releases_dir.iterdir() if p.is_dir() and p.name not in recorded
                   and not p.name.startswith(".") and (p / PUBLISHED_NAME).is_file()]
        for folder in sorted(folders, key=lambda p: (p / PUBLISHED_NAME).stat().st_mtime):
            release = folder / PUBLISHED_NAME
            if published.exists() and os.path.samefile(release, published):
                release.unlink()  # a hard link from the old scheme: a write to the published file would change it
                shutil.copyfile(published, release.with_name(f".{PUBLISHED_NAME}.partial"))
                os.replace(release.with_name(f".{PUBLISHED_NAME}.partial"), release)
            os.chmod(release, READ_ONLY)
            adopted.append({"build_id": folder.name, "sha256": sha256_file(release), "bytes": release.stat().st_size,
                            "released_at": "adopted"})
    if manifest["published"] is None and published.exists():
        build_id = published_build_id(published)
        if build_id and build_id not in recorded | {e["build_id"] for e in adopted}:
            adopted.append(keep_release(project, published, build_id))
        manifest["published"] = build_id
    if adopted or manifest["published"] != read_release_manifest(project)["published"]:
        manifest["releases"] = adopted + manifest["releases"]
        write_release_manifest(project, manifest)
    return manifest


def prune_releases(project: Project) -> list[str]:
    """Keep the published release and the `keep_releases` newest others; remove the rest and any release folder
    without a file (left by a build killed while pruning). Returns what was removed."""
    manifest = read_release_manifest(project)
    published = manifest["published"]
    others = [e for e in manifest["releases"] if e["build_id"] != published]
    dropped = others[: max(len(others) - project.keep_releases, 0)]
    removed = []
    for entry in dropped:
        shutil.rmtree(project.releases_dir / entry["build_id"], ignore_errors=True)
        removed.append(entry["build_id"])
    manifest["releases"] = [e for e in manifest["releases"] if e not in dropped]
    write_release_manifest(project, manifest)
    removed += remove_empty_release_folders(project)
    return removed


def empty_release_folders(project: Project) -> list[Path]:
    if not project.releases_dir.is_dir():
        return []
    return sorted(p for p in project.releases_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and not (p / PUBLISHED_NAME).is_file())


def remove_empty_release_folders(project: Project) -> list[str]:
    """Release folders without a release file, and their manifest entries."""
    empty = empty_release_folders(project)
    for folder in empty:
        shutil.rmtree(folder, ignore_errors=True)
    manifest = read_release_manifest(project)
    kept = [e for e in manifest["releases"] if release_path(project, e["build_id"]).is_file()]
    if kept != manifest["releases"]:
        manifest["releases"] = kept
        write_release_manifest(project, manifest)
    return [folder.name for folder in empty]


def published_build_id(path: Path) -> str | None:
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            row = connection.execute("select build_id from meta.build_info").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def current_build_id(project: Project) -> str | None:
    """The published build as the release manifest records it (no need to open the file, which a write-mode
    client may hold locked); from the file itself only for a warehouse published before the manifest."""
    published = read_release_manifest(project)["published"]
    if published:
        return str(published)
    return published_build_id(project.published_path) if project.published_path.exists() else None


def list_releases(project: Project) -> list[Path]:
    """Kept release files, newest first (the manifest's order); each sits in a folder named for its build id."""
    entries = read_release_manifest(project)["releases"]
    paths = [release_path(project, e["build_id"]) for e in reversed(entries)]
    return [p for p in paths if p.is_file()]


def changed_releases(project: Project) -> list[str]:
    """Releases whose bytes differ from what the manifest recorded when they were kept."""
    return [e["build_id"] for e in read_release_manifest(project)["releases"]
            if release_path(project, e["build_id"]).is_file()
            and sha256_file(release_path(project, e["build_id"])) != e["sha256"]]


def rollback(project: Project, build_id: str | None = None, export: Exporter | None = exports.export_marts) -> str:
    """Publish a kept release again: the given build, or else the newest release older than the published one,
    and point the exports at it. Rolling back twice goes two releases back; `--build-id` can go forward again."""
    with build_lock(project):
        remove_stale_candidates(project)
        releases = list_releases(project)
        if build_id:
            chosen = [p for p in releases if p.parent.name == build_id]
        else:
            current = current_build_id(project)
            names = [p.parent.name for p in releases]
            older = names[names.index(current) + 1:] if current in names else names
            chosen = [p for p in releases if p.parent.name in older]
        if not chosen:
            known = ", ".join(p.parent.name for p in releases) or "none"
            wanted = f"release {build_id}" if build_id else "release older than the published build"
            raise BuildError(f"no {wanted} to roll back to (kept releases: {known})")
        restored_id = chosen[0].parent.name
        staging_copy = candidate_path(project, f"rollback-{restored_id}")
        staging_copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(chosen[0], staging_copy)
            publish(project, staging_copy, restored_id)
        finally:
            shutil.rmtree(staging_copy.parent, ignore_errors=True)
        if export:
            export(project, project.published_path, restored_id)
        return restored_id


def exports_lag(project: Project) -> tuple[str | None, str | None]:
    """(published build id, build id of exports/current) when they differ, else (None, None)."""
    if not project.published_path.exists():
        return None, None
    published = current_build_id(project)
    manifest = project.exports_dir / "current" / exports.MANIFEST
    try:
        exported = json.loads(manifest.read_text(encoding="utf-8")).get("build_id")
    except (OSError, json.JSONDecodeError):
        exported = None
    return (published, exported) if published and published != exported else (None, None)


def repair_release_manifest(project: Project) -> list[str]:
    """An unreadable manifest is moved aside; the release folders and the published file are then re-read."""
    try:
        read_release_manifest(project)
        return []
    except BuildError:
        path = project.releases_dir / RELEASE_MANIFEST
        broken = path.with_name(f"{RELEASE_MANIFEST}.broken-{new_build_id()}")
        os.replace(path, broken)
        return [f"moved the unreadable releases/{RELEASE_MANIFEST} to releases/{broken.name}; "
                "releases re-read from their folders"]


def heal(project: Project, export: Exporter | None = exports.export_marts) -> list[str]:
    """Repair what a killed build can leave behind (called with the build lock held): empty release folders,
    and exports/current lagging behind the published build. Returns one line per repair."""
    repairs = repair_release_manifest(project)
    repairs += [f"removed empty release folder releases/{name}" for name in remove_empty_release_folders(project)]
    adopt_unrecorded_releases(project)
    if project.published_path.exists() and project.published_path.stat().st_mode & 0o222:
        os.chmod(project.published_path, READ_ONLY)
        repairs.append(f"made {project.published_path} read-only")
    published, exported = exports_lag(project)
    if published and export:
        export(project, project.published_path, published)
        repairs.append(f"re-exported the marts of build {published} (exports/current showed {exported or 'nothing'})")
    return repairs


def doctor(project: Project) -> list[str]:
    """`security-ties doctor`: the same repairs as the start of a build, under the build lock."""
    with build_lock(project):
        remove_stale_candidates(project)
        return heal(project)


def prepare_warehouse(project: Project, export: Exporter | None) -> None:
    """Before a build: repair leftovers of a killed build, name any write-mode holder of the published file
    (the build still publishes: new readers get the new file), and check the disk has room."""
    for repair in heal(project, export):
        print(f"repaired: {repair}", file=sys.stderr)
    for pid, command in write_holders(project.published_path):
        print(f"warning: {writer_warning(project.published_path, pid, command)}", file=sys.stderr)
    check_free_space(project)

"""Write-audit-publish: build a new warehouse file, audit it, and only then swap it in atomically.

DuckDB allows one writer or many readers per file. Building into the published file would lock BI
readers out (and an idle reader would fail the build), and a build failing half-way would leave a
half-built warehouse. So every build writes `warehouse/builds/candidate/security_ties.duckdb`, runs the seed
pre-flight, the evidence check, every dbt test and the Great Expectations checkpoint against it, records
`meta.build_info`, checkpoints and closes it, and then `os.replace`s it over the published file. Readers
that already hold the old file keep reading their snapshot; new readers see the new build.

A build killed half-way (even with SIGKILL) leaves only a stale candidate folder under `builds/`; its
`flock` dies with the process, and the next build removes the stale candidates before it starts.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb

from security_ties import exports
from security_ties.evidence import EvidenceError, verify
from security_ties.project import PUBLISHED_NAME, Project
from security_ties.steps import Progress
from security_ties.validate import validate_seeds


class BuildError(Exception):
    """A build step failed; the published warehouse was left as it was."""


@dataclass
class BuildResult:
    build_id: str
    published_path: Path
    seed_rows: int
    dbt_counts: dict[str, int]
    quality_summary: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # step -> wall seconds
    published: bool = True  # False when `--changed` found nothing to rebuild


class Auditor(Protocol):
    """The audit step: validate the candidate's marts (all, or only `tables`), raise BuildError on a failure."""

    def __call__(self, candidate: Path, *, tables: Sequence[str] | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> dict[str, int]: ...



Exporter = Callable[[Project, Path, str], object]


def new_build_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@contextmanager
def build_lock(project: Project) -> Iterator[None]:
    """One build at a time per warehouse folder; a second one fails fast instead of racing."""
    project.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with (project.warehouse_dir / ".build.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildError("another security-ties build is running on this warehouse folder; wait for it") from error
        yield


def remove_stale_candidates(project: Project) -> list[Path]:
    """Candidates of builds that died before cleaning up; only called with the build lock held."""
    stale = sorted(project.builds_dir.iterdir()) if project.builds_dir.is_dir() else []
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    return stale


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (the rename itself is already atomic)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def git_commit(root: Path) -> str:
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def seed_hashes(seeds_dir: Path) -> dict[str, str]:
    return {
        path.relative_to(seeds_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(seeds_dir.rglob("*.csv"))
    }


def failed_nodes(results: list[dict[str, object]]) -> list[str]:
    """The failing nodes of the last dbt run, with dbt's message, from its run results."""
    return [
        f"{r['unique_id']}: {r['status']} - {str(r.get('message') or '').strip()[:1500]}"
        for r in results
        if r.get("status") in ("error", "fail", "runtime error")
    ]


def dbt_counts(results: list[dict[str, object]]) -> dict[str, int]:
    counts = {"tests_passed": 0, "tests_failed": 0, "models_built": 0, "seeds_loaded": 0}
    for r in results:
        kind = str(r["unique_id"]).split(".", 1)[0]
        if kind in ("test", "unit_test"):
            counts["tests_passed" if r["status"] == "pass" else "tests_failed"] += 1
        elif kind == "model" and r["status"] == "success":
            counts["models_built"] += 1
        elif kind == "seed" and r["status"] == "success":
            counts["seeds_loaded"] += 1
    return counts


def built_models(results: list[dict[str, object]]) -> list[str]:
    """The names of the models a run built (a `--changed` build audits only those marts)."""
    return sorted(str(r["unique_id"]).split(".")[-1] for r in results
                  if str(r["unique_id"]).startswith("model.") and r["status"] == "success")


DBT_STEPS = ("seeds", "models")  # the dbt invocations of a build, in order (see dbt_session)


def dbt_target_path(project: Project) -> Path:
    """The build's own dbt target folder, one per warehouse folder (the build lock makes it exclusive). The
    candidate's path is fixed, so the profile dbt sees never changes and `partial_parse.msgpack` stays valid
    from build to build; a plain `dbt build` in the checkout (another database path) uses target/ and does
    not invalidate it."""
    return project.warehouse_dir / "dbt" / "target"


def state_path(project: Project, build_id: str) -> Path:
    """Where the manifest of a published build is kept, for `build --changed`."""
    return project.warehouse_dir / "dbt" / "state" / build_id


def save_state(project: Project, target_path: Path, build_id: str) -> None:
    """Keep the manifest the published build was made from; keep as many as releases (plus the published)."""
    folder = state_path(project, build_id)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target_path / "manifest.json", folder / "manifest.json")
    kept = sorted(folder.parent.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[project.keep_releases + 1:]:
        shutil.rmtree(old, ignore_errors=True)


def published_state(project: Project) -> tuple[Path | None, str]:
    """The state folder of the published build, or None and why a `--changed` build cannot use it."""
    if not project.published_path.exists():
        return None, "no published warehouse yet"
    build_id = published_build_id(project.published_path)
    if not build_id:
        return None, f"{project.published_path} has no meta.build_info"
    folder = state_path(project, build_id)
    if not (folder / "manifest.json").is_file():
        return None, f"no saved dbt manifest for the published build {build_id}"
    return folder, build_id


def run_dbt(project: Project, database: Path, target_path: Path, *, mode: str = "full", state: Path | None = None,
            threads: int | None = None, quiet: bool = False) -> subprocess.CompletedProcess[str]:
    """dbt as a subprocess (the in-process runner keeps its DuckDB handle open, dbt-core #11980), running
    `security_ties.dbt_session`: one parse, then the seeds and their tests, then the models with their tests
    and unit tests. Progress goes straight to our stdout; stderr is kept for the error message."""
    target_path.mkdir(parents=True, exist_ok=True)
    for stale in [*target_path.glob("run_results*.json"), target_path / "timings.json", target_path / "selection.json"]:
        stale.unlink(missing_ok=True)  # never report an older run's failures
    common = ["--no-use-colors", "--log-level", "none"] + (["--threads", str(threads)] if threads else [])
    spec = {"project_dir": str(project.root), "target_path": str(target_path), "quiet": quiet, "mode": mode,
            "state_dir": str(state) if state else None, "common_args": common}
    spec_file = target_path / "session.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    environment = {**os.environ, "SECURITY_TIES_DB": str(database), "DBT_TARGET_PATH": str(target_path)}
    return subprocess.run(
        [sys.executable, "-m", "security_ties.dbt_session", str(spec_file)],
        cwd=project.root, env=environment, stdout=None, stderr=subprocess.PIPE, text=True, check=False,
    )


def step_results(target_path: Path) -> list[dict[str, object]]:
    """The node results of every dbt step of the last run, in step order."""
    results: list[dict[str, object]] = []
    for step in DBT_STEPS:
        path = target_path / f"run_results.{step}.json"
        if path.is_file():
            results += json.loads(path.read_text(encoding="utf-8")).get("results", [])
    return results


def unrun_nodes(target_path: Path, results: list[dict[str, object]]) -> list[str]:
    """Seeds, models, tests and unit tests of the manifest that no step ran: a full build runs every one."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    kinds = ("seed.", "model.", "test.", "unit_test.")
    expected = {uid for uid in [*manifest.get("nodes", {}), *manifest.get("unit_tests", {})] if uid.startswith(kinds)}
    return sorted(expected - {str(r["unique_id"]) for r in results})


def check_evidence(project: Project) -> None:
    if not project.corpus_dir.is_dir() and not os.environ.get("CI"):
        print(f"warning: corpus folder {project.corpus_dir} not found; evidence quotes not checked")
        return
    try:
        _, problems = verify(project.corpus_dir, project.seeds_dir)
    except EvidenceError as error:
        raise BuildError(str(error)) from error
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:30])
        raise BuildError(f"{len(problems)} evidence problem(s); nothing was published:\n{listed}")


def record_build_info(database: Path, build_id: str, project: Project, counts: dict[str, int],
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


CANDIDATE = "candidate"


def candidate_path(project: Project, name: str = CANDIDATE) -> Path:
    """Every build and release file keeps the published file's name, in a folder of its own: DuckDB names
    the catalog after the file, and dbt writes that catalog name into every view it creates. A build always
    writes `builds/candidate/` (the build lock makes it exclusive): an unchanged database path in the profile
    lets dbt reuse its partial parse instead of parsing the whole project again."""
    return project.builds_dir / name / PUBLISHED_NAME


def publish(project: Project, candidate: Path, build_id: str) -> None:
    """Keep the current file as a release (hard link, same inode) and rename the candidate over it."""
    if project.published_path.exists():
        previous = published_build_id(project.published_path) or f"unknown-{new_build_id()}"
        release = project.releases_dir / previous / PUBLISHED_NAME
        if not release.exists():
            release.parent.mkdir(parents=True, exist_ok=True)
            os.link(project.published_path, release)
    os.replace(candidate, project.published_path)
    fsync_directory(project.warehouse_dir)
    prune_releases(project)


def prune_releases(project: Project) -> None:
    for old in list_releases(project)[project.keep_releases:]:
        shutil.rmtree(old.parent)


def published_build_id(path: Path) -> str | None:
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            row = connection.execute("select build_id from meta.build_info").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def list_releases(project: Project) -> list[Path]:
    """Kept release files, newest first; each sits in a folder named for its build id."""
    releases = project.releases_dir.glob(f"*/{PUBLISHED_NAME}")
    return sorted(releases, key=lambda p: p.stat().st_mtime, reverse=True)


def rollback(project: Project, build_id: str | None = None, export: Exporter | None = exports.export_marts) -> str:
    """Publish a kept release again: the given build, or else the newest release older than the published file,
    and point the exports at it. Rolling back twice goes two releases back; `--build-id` can go forward again."""
    with build_lock(project):
        remove_stale_candidates(project)
        releases = list_releases(project)
        if build_id:
            chosen = [p for p in releases if p.parent.name == build_id]
        else:
            current = published_build_id(project.published_path) if project.published_path.exists() else None
            published_at = project.published_path.stat().st_mtime if project.published_path.exists() else float("inf")
            chosen = [p for p in releases if p.parent.name != current and p.stat().st_mtime <= published_at]
        if not chosen:
            known = ", ".join(p.parent.name for p in releases) or "none"
            wanted = f"release {build_id}" if build_id else "release older than the published build"
            raise BuildError(f"no {wanted} to roll back to (kept releases: {known})")
        restored_id = chosen[0].parent.name
        staging_copy = candidate_path(project, f"rollback-{restored_id}")
        staging_copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(chosen[0], staging_copy)
            publish(project, staging_copy, restored_id)
        finally:
            shutil.rmtree(staging_copy.parent, ignore_errors=True)
        if export:
            export(project, project.published_path, restored_id)
        return restored_id


def build(project: Project, audit: Auditor | None = None, export: Exporter | None = None, *,
          progress: Progress | None = None, changed: bool = False, threads: int | None = None) -> BuildResult:
    """Validate, build, test, audit and publish; any failure raises BuildError and publishes nothing.

    `changed`: start from a copy of the published file and rebuild only what changed since the published
    build (dbt `state:modified+` against its saved manifest) and everything downstream; audit only the marts
    rebuilt. Without a published build and its manifest it falls back to a full build and says so."""
    progress = progress or Progress(quiet=True)
    with build_lock(project):
        remove_stale_candidates(project)
        with progress.step("pre-flight"):
            seed_rows = validate_seeds(project.seeds_dir)
        with progress.step("evidence"):
            check_evidence(project)
        build_id = new_build_id()
        candidate = candidate_path(project)
        candidate.parent.mkdir(parents=True)
        target_path = dbt_target_path(project)
        state: Path | None = None
        if changed:
            state, why = published_state(project)
            if state is None:
                progress.say(f"--changed: {why}; building everything")
            else:
                with progress.step("copy published"):
                    shutil.copyfile(project.published_path, candidate)
        try:
            with progress.step("dbt"):
                result = run_dbt(project, candidate, target_path, mode="changed" if state else "full", state=state,
                                 threads=threads, quiet=progress.quiet)
            timings_file = target_path / "timings.json"
            if timings_file.is_file():
                for name, seconds in json.loads(timings_file.read_text(encoding="utf-8"))["wall"].items():
                    progress.record(name if name.startswith("dbt") else f"dbt {name}", seconds)
            results = step_results(target_path)
            if result.returncode != 0:
                failures = failed_nodes(results) or [result.stderr[-3000:].strip() or "dbt failed without a message"]
                listed = "\n".join(f"  - {f}" for f in failures)
                raise BuildError(f"dbt build failed; the published warehouse was not changed:\n{listed}")
            if state is None and (missing := unrun_nodes(target_path, results)):
                raise BuildError(f"dbt ran every step but skipped {len(missing)} node(s); nothing was published: "
                                 + ", ".join(missing[:10]))
            counts = dbt_counts(results)
            rebuilt = built_models(results) if state else None
            if state and not results:
                progress.say("nothing changed since the published build; nothing was published")
                return BuildResult(published_build_id(project.published_path) or build_id, project.published_path,
                                   seed_rows, counts, {}, dict(progress.timings), published=False)
            quality: dict[str, int] = {}
            if audit:
                with progress.step("audit"):
                    quality = audit(candidate, tables=rebuilt, progress=progress.suite_counter)
            with progress.step("publish"):
                record_build_info(candidate, build_id, project, counts, quality)
                publish(project, candidate, build_id)
                save_state(project, target_path, build_id)
            if export:
                with progress.step("exports"):
                    try:
                        export(project, project.published_path, build_id)
                    except (OSError, duckdb.Error) as error:
                        raise BuildError(f"build {build_id} was published, but exporting the marts failed "
                                         f"(exports/current still shows the previous export): {error}") from error
        finally:
            shutil.rmtree(candidate.parent, ignore_errors=True)
        return BuildResult(build_id, project.published_path, seed_rows, counts, quality, dict(progress.timings))

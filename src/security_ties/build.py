"""Write-audit-publish: build a new warehouse file, audit it, and only then swap it in atomically.

DuckDB allows one writer or many readers per file. Building into the published file would lock BI
readers out (and an idle reader would fail the build), and a build failing half-way would leave a
half-built warehouse. So every build writes `warehouse/builds/candidate/security_ties.duckdb`, runs the seed
pre-flight, the evidence check, every dbt test and the Great Expectations checkpoint against it, records
`meta.build_info`, checkpoints and closes it, and then `os.replace`s it over the published file. Readers
that already hold the old file keep reading their snapshot; new readers see the new build.

A build killed half-way (even with SIGKILL) leaves only a stale candidate folder under `builds/`; its
`flock` dies with the process, and the next build removes the stale candidates before it starts. dbt runs in
its own process group with a parent-death signal, so it dies with the build instead of writing on.

Releases are copies, never links: at publish time the candidate is copied to `releases/<build id>/` before it
is renamed over the published file, and `releases/manifest.json` records every release's build id, sha256 and
which one is published. A client that opens the published file in write mode (or keeps an old one open) can
therefore neither change a release nor hide its build id. Published and release files are read-only on disk.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from security_ties import exports
from security_ties.evidence import EvidenceError, verify
from security_ties.problems import listed
from security_ties.processes import death_with_parent
from security_ties.project import PUBLISHED_NAME, Project
from security_ties.steps import Progress
from security_ties.preflight import validate_seeds
from security_ties.value_check import verify_values


class BuildError(Exception):
    """A build step failed; the published warehouse was left as it was."""


class BuildInterrupted(BuildError):
    """The build was stopped by SIGTERM; its candidate is removed and nothing was published."""


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


def child_process_options() -> dict[str, object]:
    """Popen options that make a child die with the build: its own session (process group), so a terminal's
    Ctrl-C goes to the build alone, and on Linux a parent-death signal (SIGKILL) so that even a SIGKILLed build
    takes dbt with it."""
    return {"start_new_session": True, "preexec_fn": death_with_parent()}


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into BuildInterrupted while a build runs, so its cleanup runs and its child is killed
    (SIGINT already raises KeyboardInterrupt). Only the main thread can install a handler."""
    if threading_is_main():
        def interrupt(signum: int, frame: object) -> None:
            raise BuildInterrupted(f"build stopped by {signal.Signals(signum).name}; what was not yet published was "
                                   "discarded (`security-ties info` shows the published build)")

        previous = signal.signal(signal.SIGTERM, interrupt)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)
    else:
        yield


def threading_is_main() -> bool:
    return threading.current_thread() is threading.main_thread()


def check_values(project: Project) -> None:
    """Every numeric fact value and stated date appears in its own quote (see value_check)."""
    verify_values(project.seeds_dir)


DBT_STEPS = ("seeds", "models", "tests")  # the dbt steps of a build, in order (see dbt_session)


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


class DbtProcess:
    """dbt as a subprocess (the in-process runner keeps its DuckDB handle open, dbt-core #11980), running
    `security_ties.dbt_session`: one parse, then the seeds, the models, and the data tests in parallel parts.
    It starts before the pre-flight, so that importing dbt, parsing the project and (`changed`) comparing it
    with the published build's state happen while the seeds and quotes are checked; it reads and writes no
    database until `run` tells it to go, and `stop` ends it if the build stops first. Progress goes straight
    to our stdout; stderr is kept for the error message."""

    def __init__(self, project: Project, database: Path, target_path: Path, *, mode: str = "full",
                 state: Path | None = None, threads: int | None = None, quiet: bool = False,
                 published: Path | None = None) -> None:
        target_path.mkdir(parents=True, exist_ok=True)
        self.ready = target_path / "audit_ready.json"
        for stale in [*target_path.glob("run_results*.json"), target_path / "timings.json",
                      target_path / "selection.json", self.ready]:
            stale.unlink(missing_ok=True)  # never report an older run's failures
        common = ["--no-use-colors", "--log-level", "none"] + (["--threads", str(threads)] if threads else [])
        spec = {"project_dir": str(project.root), "target_path": str(target_path), "quiet": quiet, "mode": mode,
                "state_dir": str(state) if state else None,
                "published_database": str(published) if published else None, "common_args": common}
        spec_file = target_path / "session.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        environment = {**os.environ, "SECURITY_TIES_DB": str(database), "DBT_TARGET_PATH": str(target_path),
                       # the session's forked children leave dbt's multiprocessing locks to multiprocessing's
                       # resource tracker, which removes them and would print a warning about it into the stderr
                       # that a failed build shows
                       "PYTHONWARNINGS": "ignore:resource_tracker:UserWarning"}
        self.command = [sys.executable, "-m", "security_ties.dbt_session", str(spec_file)]
        self.errors = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: PLW1509 - preexec_fn only calls prctl
            self.command, cwd=project.root, env=environment, stdin=subprocess.PIPE, stdout=None, stderr=self.errors,
            text=True, **child_process_options(),  # type: ignore[arg-type]
        )

    def run(self, when_models_built: Callable[[Path, list[str] | None], None] | None = None
            ) -> subprocess.CompletedProcess[str]:
        """Tell the session to go and wait for it. Once the models are built it copies the file for the audit
        and names the copy in `audit_ready.json`; `when_models_built` is then called with it and the marts to
        audit (None: all of them), in this thread, while the tests run."""
        try:
            assert self.process.stdin is not None
            self.process.stdin.write("go\n")
            self.process.stdin.close()
        except BrokenPipeError:  # the session already stopped (a parse error): its exit code and stderr say why
            pass
        notified = when_models_built is None
        while True:
            finished = self.process.poll() is not None
            if not notified and self.ready.is_file():
                notified = True
                audit = json.loads(self.ready.read_text(encoding="utf-8"))
                when_models_built(Path(audit["database"]), audit["tables"])  # type: ignore[misc]
            if finished:
                break
            time.sleep(0.05)
        self.errors.seek(0)
        return subprocess.CompletedProcess(self.command, self.process.returncode, None, self.errors.read())

    def stop(self) -> None:
        """End the session if it is still running (the build failed or was stopped), and let go of its stderr."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        self.errors.close()


@contextmanager
def start_dbt(project: Project, database: Path, target_path: Path, **options: Any) -> Iterator[DbtProcess]:
    """A DbtProcess (see there) that is stopped when the block ends, however it ends."""
    process = DbtProcess(project, database, target_path, **options)
    try:
        yield process
    finally:
        process.stop()


def step_results(target_path: Path) -> list[dict[str, object]]:
    """The node results of every dbt step of the last run, in step order."""
    results: list[dict[str, object]] = []
    for step in DBT_STEPS:
        path = target_path / f"run_results.{step}.json"
        if path.is_file():
            results += json.loads(path.read_text(encoding="utf-8")).get("results", [])
    return results


def not_rerun_tests(target_path: Path) -> list[str]:
    """The tests a `--changed` build did not re-run because everything they read kept its published content."""
    selection = target_path / "selection.json"
    return json.loads(selection.read_text(encoding="utf-8")).get("not_rerun", []) if selection.is_file() else []


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
        raise BuildError(f"{len(problems)} evidence problem(s); nothing was published:\n{listed(list(problems), 30)}")


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


CANDIDATE = "candidate"


def candidate_path(project: Project, name: str = CANDIDATE) -> Path:
    """Every build and release file keeps the published file's name, in a folder of its own: DuckDB names
    the catalog after the file, and dbt writes that catalog name into every view it creates. A build always
    writes `builds/candidate/` (the build lock makes it exclusive): an unchanged database path in the profile
    lets dbt reuse its partial parse instead of parsing the whole project again."""
    return project.builds_dir / name / PUBLISHED_NAME


RELEASE_MANIFEST = "manifest.json"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
# A build needs room for the candidate, its WAL and the release copy: about three published files.
MIN_WAREHOUSE_BYTES = 16 * 2**20
SPACE_FACTOR = 3


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


def check_free_space(project: Project) -> None:
    """Fail in a second, not after the audit, when the warehouse disk cannot hold a build."""
    published = project.published_path.stat().st_size if project.published_path.exists() else 0
    needed = max(published, MIN_WAREHOUSE_BYTES) * SPACE_FACTOR
    free = shutil.disk_usage(project.warehouse_dir).free
    if free < needed:
        raise BuildError(
            f"{project.warehouse_dir}: only {free / 2**20:.0f} MiB free, a build needs about {needed / 2**20:.0f} MiB "
            "(the new file, its write-ahead log and the release copy); free disk space there, keep fewer releases "
            "(SECURITY_TIES_KEEP_RELEASES) or set SECURITY_TIES_WAREHOUSE_DIR to a larger disk"
        )


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def write_holders(path: Path) -> list[tuple[int, str]]:
    """(pid, command) of every other process holding `path` open for writing, from /proc (Linux)."""
    try:
        target = path.stat()
    except OSError:
        return []
    holders = []
    proc = Path("/proc")
    for process in proc.iterdir() if proc.is_dir() else []:
        if not process.name.isdigit() or int(process.name) == os.getpid():
            continue
        try:
            for descriptor in (process / "fd").iterdir():
                try:
                    opened = descriptor.stat()
                except OSError:
                    continue
                if (opened.st_dev, opened.st_ino) != (target.st_dev, target.st_ino):
                    continue
                flags = (process / "fdinfo" / descriptor.name).read_text().split("flags:")[1].split()[0]
                if int(flags, 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                    command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                    holders.append((int(process.name), command[:120]))
                    break
        except (OSError, IndexError, ValueError):
            continue
    return holders


def lock_holder_from_error(error: BaseException) -> tuple[int, str] | None:
    """DuckDB names the process holding the write lock in its error: use it where /proc is not readable."""
    match = _LOCK_HOLDER.search(str(error))
    return (int(match.group(2)), match.group(1)) if match else None


def writer_warning(path: Path, pid: int, command: str) -> str:
    return (f"process {pid} ({command}) holds {path} open in write mode, so every reader fails with "
            f"'Conflicting lock' until it closes: close that connection (or stop process {pid}) and open the "
            "warehouse read-only: duckdb.connect(path, read_only=True), `duckdb -readonly`, or "
            "?access_mode=read_only in a SQLAlchemy URI")


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
    """Before dbt starts: repair leftovers of a killed build, name any write-mode holder of the published file
    (the build still publishes: new readers get the new file), and check the disk has room."""
    for repair in heal(project, export):
        print(f"repaired: {repair}", file=sys.stderr)
    for pid, command in write_holders(project.published_path):
        print(f"warning: {writer_warning(project.published_path, pid, command)}", file=sys.stderr)
    check_free_space(project)


def describe_os_error(error: OSError) -> str:
    """One line: the path, what went wrong and what to do."""
    path = error.filename or "a warehouse file"
    advice = {
        errno.ENOSPC: "free disk space there or set SECURITY_TIES_WAREHOUSE_DIR to a larger disk",
        errno.EDQUOT: "your disk quota is used up: free space or set SECURITY_TIES_WAREHOUSE_DIR elsewhere",
        errno.EROFS: "that file system is read-only: set SECURITY_TIES_WAREHOUSE_DIR to a writable folder",
        errno.EACCES: "check its permissions (ls -ld) or set SECURITY_TIES_WAREHOUSE_DIR to a folder you can write",
        errno.EPERM: "check its permissions (ls -ld) or set SECURITY_TIES_WAREHOUSE_DIR to a folder you can write",
        errno.ENOENT: "check that the path exists (run from the project's top folder)",
    }.get(error.errno or 0, "check the path and the disk")
    return f"{path}: {error.strerror or error} - {advice}"


class BackgroundAudit:
    """The audit, run in a thread of the build while dbt's data tests run in the dbt session's processes: it
    starts once the models are built, on the copy of the file the session made for it (`DbtProcess.run`'s
    `when_models_built`), on the marts the session names: all of them, or in a `--changed` build those it
    rebuilt with new content."""

    def __init__(self, audit: Auditor, progress: Progress) -> None:
        self.audit, self.progress = audit, progress
        self.counts: dict[str, int] = {}
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self.thread is not None

    def start(self, database: Path, tables: list[str] | None) -> None:
        self.thread = threading.Thread(target=self._run, args=(database, tables), name="audit", daemon=True)
        self.thread.start()

    def _run(self, database: Path, tables: list[str] | None) -> None:
        try:
            with self.progress.step("audit"):
                self.counts = self.audit(database, tables=tables, progress=self.progress.suite_counter)
        except BaseException as error:  # noqa: BLE001 - handed to the build's thread by finish()
            self.error = error

    def finish(self) -> BaseException | None:
        """Wait for the audit; its error, if it failed."""
        if self.thread is not None:
            self.thread.join()
        return self.error


def build(project: Project, audit: Auditor | None = None, export: Exporter | None = None, *,
          progress: Progress | None = None, changed: bool = False, threads: int | None = None) -> BuildResult:
    """Validate, build, test, audit and publish; any failure raises BuildError and publishes nothing.

    `changed`: start from a copy of the published file and rebuild only what changed since the published
    build (dbt `state:modified+` against its saved manifest) and everything downstream; audit only the marts
    rebuilt, and when only seed rows changed only those rebuilt with new content (see `dbt_session`). Without a
    published build and its manifest it falls back to a full build and says so."""
    progress = progress or Progress(quiet=True)
    with build_lock(project), stop_on_sigterm():
        remove_stale_candidates(project)
        with progress.step("warehouse checks"):
            prepare_warehouse(project, export)
        state: Path | None = None
        if changed:
            state, why = published_state(project)
            if state is None:
                progress.say(f"--changed: {why}; building everything")
        build_id = new_build_id()
        candidate = candidate_path(project)
        candidate.parent.mkdir(parents=True)
        target_path = dbt_target_path(project)
        try:
            with start_dbt(project, candidate, target_path, mode="changed" if state else "full", state=state,
                           threads=threads, quiet=progress.quiet, published=project.published_path) as dbt:
                with progress.step("pre-flight"):
                    seed_rows = validate_seeds(project.seeds_dir)
                with progress.step("values"):
                    check_values(project)
                with progress.step("evidence"):
                    check_evidence(project)
                if state:
                    with progress.step("copy published"):
                        shutil.copyfile(project.published_path, candidate)
                background = BackgroundAudit(audit, progress) if audit else None
                with progress.step("dbt"):
                    result = dbt.run(when_models_built=background.start if background else None)
            timings_file = target_path / "timings.json"
            if timings_file.is_file():
                for name, seconds in json.loads(timings_file.read_text(encoding="utf-8"))["wall"].items():
                    progress.record(name if name.startswith("dbt") else f"dbt {name}", seconds)
            results = step_results(target_path)
            audit_error = background.finish() if background else None  # wait for it, so no output comes later
            if result.returncode != 0:
                failures = failed_nodes(results) or [result.stderr[-3000:].strip() or "dbt failed without a message"]
                listed = "\n".join(f"  - {f}" for f in failures)
                raise BuildError(f"dbt build failed; the published warehouse was not changed:\n{listed}")
            if state is None and (missing := unrun_nodes(target_path, results)):
                raise BuildError(f"dbt ran every step but skipped {len(missing)} node(s); nothing was published: "
                                 + ", ".join(missing[:10]))
            counts = dbt_counts(results)
            if state:
                counts["tests_not_rerun"] = len(not_rerun_tests(target_path))
            if state and not results:
                progress.say("nothing changed since the published build; nothing was published")
                return BuildResult(published_build_id(project.published_path) or build_id, project.published_path,
                                   seed_rows, counts, {}, dict(progress.timings), published=False)
            if audit_error is not None:
                raise audit_error
            quality: dict[str, int] = background.counts if background else {}
            if background and not background.started:
                raise BuildError("dbt finished without building the models the audit reads; nothing was published")
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
                                         f"(exports/current still shows the previous export; `security-ties doctor` "
                                         f"re-exports): {error}") from error
        finally:
            shutil.rmtree(candidate.parent, ignore_errors=True)
        return BuildResult(build_id, project.published_path, seed_rows, counts, quality, dict(progress.timings))

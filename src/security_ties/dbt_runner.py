"""dbt as a child process of the build: one `dbt build` that loads the seeds, builds the models and runs every
data test and unit test in dbt's own order (each staging model declares its seed with `-- depends_on: ref(...)`,
so dbt orders and selects seed -> staging -> ... although staging reads the seed through `source()`).

dbt runs as `dbt build` in its own process group with the parent-death signal (see processes.py), so it dies
with the build. It writes its target folder under the warehouse folder (one per warehouse, so dbt's partial
parse stays valid from build to build), logs JSON lines that this module turns into progress (dbt's n/N node
counter at most once a second, every failing node at once), and its run_results.json, from which the build
reads the failures and the counts. A `--changed` build selects `state:modified+` against the manifest saved
with the published build (`state_path`), on a copy of the published file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from security_ties.processes import child_process_options
from security_ties.progress import Progress
from security_ties.project import Project

RESULT_EVENTS = {"LogTestResult", "LogModelResult", "LogSeedResult", "LogNodeResult", "LogNodeNoOpResult",
                 "LogSnapshotResult", "LogFunctionResult"}
GOOD_STATUSES = {"pass", "success", "ok", "no-op"}
FAILED_STATUSES = ("error", "fail", "runtime error")
PRINT_EVERY_SECONDS = 1.0
NODE_KINDS = ("seed.", "model.", "test.", "unit_test.")


@dataclass
class DbtRun:
    """What one dbt invocation did: its exit code, its node results, and the error lines it logged."""

    returncode: int
    results: list[dict[str, Any]]
    errors: list[str]
    elapsed: float  # dbt's own seconds for running the nodes (the rest of the wall time is start-up and parse)


@dataclass
class Counter:
    """dbt's n/N node counter, printed at most once a second (failures at once)."""

    progress: Progress
    label: str = "build"
    done: int = 0
    total: int = 0
    last_print: float = 0.0
    errors: list[str] = field(default_factory=list)

    def __call__(self, line: str) -> None:
        try:
            event = json.loads(line)
            name, level, message = event["info"]["name"], event["info"]["level"], event["info"]["msg"].strip()
        except (ValueError, KeyError, TypeError):
            if line.strip():
                self.errors.append(line.strip())  # not dbt's JSON: a crash message, keep it for the error
            return
        if level == "error":
            self.errors.append(message)
        if name == "FoundStats" and self.label == "build":  # once, not again for each test part
            self.progress.say(f"  dbt: {message}")
        if name not in RESULT_EVENTS:
            return
        data = event.get("data", {})
        status = str(data.get("status", "")).lower()
        self.done += 1  # with threads, nodes finish out of order: count the finished ones
        self.total = max(self.total, int(data.get("total") or data.get("num_models") or 0))
        failed = bool(status) and status not in GOOD_STATUSES and not status.startswith("ok") and "success" not in status
        now = time.monotonic()
        if failed:
            self.progress.say(f"  dbt {self.label} {self.done}/{self.total} {message}")
        elif self.done == self.total or now - self.last_print >= PRINT_EVERY_SECONDS:
            self.progress.say(f"  dbt {self.label} {self.done}/{self.total}")
            self.last_print = now


def target_path(project: Project) -> Path:
    """The build's own dbt target folder, one per warehouse folder (the build lock makes it exclusive). The
    candidate's path is fixed, so the profile dbt sees never changes and `partial_parse.msgpack` stays valid
    from build to build; a plain `dbt build` in the checkout (another database path) uses target/."""
    return project.warehouse_dir / "dbt" / "target"


def state_path(project: Project, build_id: str) -> Path:
    """Where the manifest of a published build is kept, for `build --changed`."""
    return project.warehouse_dir / "dbt" / "state" / build_id


def save_state(project: Project, build_id: str) -> None:
    """Keep the manifest the published build was made from; keep as many as releases (plus the published)."""
    folder = state_path(project, build_id)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target_path(project) / "manifest.json", folder / "manifest.json")
    kept = sorted(folder.parent.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[project.keep_releases + 1:]:
        shutil.rmtree(old, ignore_errors=True)


def build_arguments(state: Path | None, threads: int | None, with_tests: bool = True) -> list[str]:
    """`dbt build` of everything, or (`state`: the published build's manifest folder) of what changed since that
    build and everything downstream of it, with the tests of all of that (unless `with_tests` is false: then the
    tests run in parts, see `test_jobs`)."""
    selection = ["--select", "state:modified+", "--state", str(state)] if state else []
    tests = [] if with_tests else ["--exclude", "resource_type:test", "resource_type:unit_test"]
    return ["build", *selection, *tests, *(["--threads", str(threads)] if threads else [])]


def test_jobs(project: Project, candidate: Path, parts: int, threads: int | None) -> list[Job]:
    """Every data test and unit test of the manifest in `parts` `dbt test` invocations to run at the same time:
    dbt's per-node work is Python under the GIL, so one dbt process keeps about one core busy, and the tests are
    most of a build. The data tests are dealt round robin by their fqn (unique, and a leaf: no other node's fqn
    starts with it); the unit tests run in the first part. The first part tests the candidate itself, each other
    part its own copy of it (DuckDB lets one process write a file), under `candidate`'s folder (removed with it),
    with its own target folder under the warehouse, so its partial parse stays valid from build to build."""
    manifest = json.loads((target_path(project) / "manifest.json").read_text(encoding="utf-8"))
    tests = sorted(".".join(node["fqn"]) for uid, node in manifest["nodes"].items() if uid.startswith("test."))
    extra = ["--threads", str(threads)] if threads else []
    jobs = []
    for index in range(parts):
        selection = [f"fqn:{name}" for name in tests[index::parts]] + (["resource_type:unit_test"] if index == 0 else [])
        database, target = candidate, target_path(project)
        if index:
            database = candidate.parent / f"part-{index + 1}" / candidate.name  # the same name: the same catalog
            database.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(candidate, database)
            target = target.with_name(f"target-part-{index + 1}")
        jobs.append(Job(["test", "--select", *selection, *extra], database, target, f"tests part {index + 1}/{parts}"))
    return jobs


@dataclass(frozen=True)
class Job:
    """One dbt invocation: its arguments, the database file it works on, its target folder and its label."""

    arguments: list[str]
    database: Path
    target: Path
    label: str = "build"


def run(project: Project, database: Path, arguments: list[str], progress: Progress) -> DbtRun:
    """Run `dbt <arguments>` on `database` and wait for it; it is killed if the build stops first."""
    return run_together(project, [Job(arguments, database, target_path(project))], progress)[0]


def run_together(project: Project, jobs: list[Job], progress: Progress) -> list[DbtRun]:
    """Run dbt invocations at the same time, each a child process that dies with the build, and wait for all of
    them; every one still running is killed if the build stops first (an error, Ctrl-C or SIGTERM)."""
    processes: list[subprocess.Popen[str]] = []
    counters = [Counter(progress, job.label) for job in jobs]
    with contextlib.ExitStack() as stack:
        stderr_files = [stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8")) for _ in jobs]
        try:
            for job, errors in zip(jobs, stderr_files):
                processes.append(start(project, job, errors))
            readers = [threading.Thread(target=follow, args=(process, counter), daemon=True)
                       for process, counter in zip(processes, counters)]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()  # interrupted by SIGINT/SIGTERM in this (the main) thread
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                process.wait()
        stderr = [read_from_start(errors) for errors in stderr_files]
    return [outcome(job.target, process.returncode, counter.errors + ([text] if text else []))
            for job, process, counter, text in zip(jobs, processes, counters, stderr)]


def start(project: Project, job: Job, errors: IO[str]) -> subprocess.Popen[str]:
    job.target.mkdir(parents=True, exist_ok=True)
    (job.target / "run_results.json").unlink(missing_ok=True)  # never report an older run's failures
    command = [str(project.dbt_executable), *job.arguments, "--target-path", str(job.target),
               "--log-path", str(job.target.parent / "logs"), "--log-format", "json", "--no-use-colors",
               # the debug log file would be tens of MB of JSON per build; errors reach the build's output anyway
               "--log-level-file", "error"]
    return subprocess.Popen(  # noqa: PLW1509 - preexec_fn only calls prctl
        command, cwd=project.root, env={**os.environ, "SECURITY_TIES_DB": str(job.database)},
        stdout=subprocess.PIPE, stderr=errors, text=True, **child_process_options(),  # type: ignore[arg-type]
    )


def read_from_start(stream: IO[str]) -> str:
    stream.seek(0)
    return stream.read().strip()


def follow(process: subprocess.Popen[str], counter: Counter) -> None:
    """Turn one dbt process's JSON log lines into progress until it ends."""
    assert process.stdout is not None
    for line in process.stdout:
        counter(line)


def outcome(target: Path, returncode: int, errors: list[str]) -> DbtRun:
    results_file = target / "run_results.json"
    results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.is_file() else {}
    return DbtRun(returncode, results.get("results", []), errors, float(results.get("elapsed_time") or 0.0))


def combined(runs: list[DbtRun]) -> DbtRun:
    """The runs of one build's dbt step as one: the worst exit code, every result and error, the nodes' seconds."""
    return DbtRun(max(run.returncode for run in runs), [r for run in runs for r in run.results],
                  [e for run in runs for e in run.errors], sum(run.elapsed for run in runs))


def failed_nodes(run: DbtRun) -> list[str]:
    """The failing nodes with dbt's message, or else the errors dbt logged (a parse error fails no node)."""
    failures = [f"{r['unique_id']}: {r['status']} - {str(r.get('message') or '').strip()[:1500]}"
                for r in run.results if r.get("status") in FAILED_STATUSES]
    return failures or [line[:1500] for line in run.errors[-10:]] or ["dbt failed without a message"]


def node_counts(results: list[dict[str, Any]]) -> dict[str, int]:
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


def unrun_nodes(project: Project, results: list[dict[str, Any]]) -> list[str]:
    """Seeds, models, tests and unit tests of the manifest that dbt did not run: a full build runs every one."""
    manifest = json.loads((target_path(project) / "manifest.json").read_text(encoding="utf-8"))
    expected = {uid for uid in [*manifest.get("nodes", {}), *manifest.get("unit_tests", {})] if uid.startswith(NODE_KINDS)}
    return sorted(expected - {str(r["unique_id"]) for r in results})


def built_models(results: list[dict[str, Any]]) -> list[str]:
    """The names of the models the run built (what a `--changed` build audits)."""
    return sorted(str(r["unique_id"]).split(".")[-1] for r in results
                  if str(r["unique_id"]).startswith("model.") and r.get("status") == "success")

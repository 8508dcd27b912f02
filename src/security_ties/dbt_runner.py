"""dbt as a child process of the build: the seeds, the models and every data test, parsed once
(each staging model declares its seed with `-- depends_on: ref(...)`, so dbt orders and selects seed -> staging
-> ... although staging reads the seed through `source()`).

The child is dbt_worker.py (`python -m security_ties.dbt_worker`), the build's one speed mechanism: it parses
the project once, builds the seeds and models in a forked child, then runs the tests in two parts side by side
in children forked from the parsed process, each on a copy of the built file (see its docstring for why and
docs/benchmarks.md for what it saves). It runs in its own process group with the parent-death signal (see
processes.py), and its children get SIGKILL when it dies, so dbt dies with the build. It writes its target
folder under the warehouse folder (one per warehouse, so dbt's partial parse stays valid from build to build);
all its children log dbt's JSON lines, which this module turns into progress (one n/N node counter over every
part, at most once a second, and every failing node at once); and it merges their results into one
run_results.json, from which the build reads the failures and the counts. A `--changed` build selects
`state:modified+` against the manifest saved with the published build (`state_path`), on a copy of the
published file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from security_ties.dbt_worker import PARTS_EVENT
from security_ties.processes import child_process_options
from security_ties.progress import Progress
from security_ties.project import Project

RESULT_EVENTS = {"LogTestResult", "LogModelResult", "LogSeedResult", "LogNodeResult", "LogNodeNoOpResult",
                 "LogSnapshotResult", "LogFunctionResult"}
GOOD_STATUSES = {"pass", "success", "ok", "no-op"}
FAILED_STATUSES = ("error", "fail", "runtime error")
PRINT_EVERY_SECONDS = 1.0
NODE_KINDS = ("seed.", "model.", "test.")  # what a full build runs; unit tests run in `make test`


@dataclass
class DbtRun:
    """What one dbt invocation did: its exit code, its node results, and the error lines it logged."""

    returncode: int
    results: list[dict[str, Any]]
    errors: list[str]
    elapsed: float  # dbt's own seconds for running the nodes (the rest of the wall time is start-up and parse)


@dataclass
class Counter:
    """dbt's n/N node counter over every dbt process of the build, printed at most once a second (failures at
    once). Each dbt invocation numbers its own nodes; the worker's PARTS_EVENT says how many tests follow in its
    parallel parts, so N counts them all."""

    progress: Progress
    done: int = 0
    total: int = 0
    last_print: float = 0.0
    errors: list[str] = field(default_factory=list)
    stats_said: bool = False

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
        if name == "FoundStats" and not self.stats_said:  # each part would say it again, for its own tests
            self.progress.say(f"  dbt: {message}")
            self.stats_said = True
        if name == PARTS_EVENT:
            self.progress.say(f"  dbt: {message}")
            self.total = self.done + int(event.get("data", {}).get("total") or 0)
        if name not in RESULT_EVENTS:
            return
        data = event.get("data", {})
        status = str(data.get("status", "")).lower()
        self.done += 1  # with threads, nodes finish out of order: count the finished ones
        self.total = max(self.total, int(data.get("total") or data.get("num_models") or 0))
        failed = bool(status) and status not in GOOD_STATUSES and not status.startswith("ok") and "success" not in status
        now = time.monotonic()
        if failed:
            self.progress.say(f"  dbt build {self.done}/{self.total} {message}")
        elif self.done == self.total or now - self.last_print >= PRINT_EVERY_SECONDS:
            self.progress.say(f"  dbt build {self.done}/{self.total}")
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


def build_arguments(state: Path | None, threads: int | None) -> list[str]:
    """The worker's arguments: build and test everything, or (`state`: the published build's manifest folder)
    what changed since that build and everything downstream of it, with the tests of all of that."""
    return [*(["--state", str(state)] if state else []), *(["--threads", str(threads)] if threads else [])]


def run(project: Project, database: Path, arguments: list[str], progress: Progress) -> DbtRun:
    """Run the dbt worker with `arguments` on `database` and wait for it, turning its log into progress; it is killed if the
    build stops first (an error, Ctrl-C or SIGTERM)."""
    target = target_path(project)
    counter = Counter(progress)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        process = start(project, arguments, database, target, errors)
        try:
            reader = threading.Thread(target=follow, args=(process, counter), daemon=True)
            reader.start()
            reader.join()  # interrupted by SIGINT/SIGTERM in this (the main) thread
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
        text = read_from_start(errors)
    return outcome(target, process.returncode, counter.errors + ([text] if text else []))


def start(project: Project, arguments: list[str], database: Path, target: Path,
          errors: IO[str]) -> subprocess.Popen[str]:
    target.mkdir(parents=True, exist_ok=True)
    (target / "run_results.json").unlink(missing_ok=True)  # never report an older run's failures
    command = [sys.executable, "-m", "security_ties.dbt_worker", *arguments, "--target-path", str(target),
               "--log-path", str(target.parent / "logs")]
    return subprocess.Popen(  # noqa: PLW1509 - preexec_fn only calls prctl
        command, cwd=project.root, env={**os.environ, "SECURITY_TIES_DB": str(database)},
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
    """Seeds, models and data tests of the manifest that dbt did not run: a full build runs every one."""
    manifest = json.loads((target_path(project) / "manifest.json").read_text(encoding="utf-8"))
    expected = {uid for uid in manifest.get("nodes", {}) if uid.startswith(NODE_KINDS)}
    return sorted(expected - {str(r["unique_id"]) for r in results})


def built_models(results: list[dict[str, Any]]) -> list[str]:
    """The names of the models the run built (what a `--changed` build audits)."""
    return sorted(str(r["unique_id"]).split(".")[-1] for r in results
                  if str(r["unique_id"]).startswith("model.") and r.get("status") == "success")

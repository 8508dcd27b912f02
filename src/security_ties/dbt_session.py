"""Run several dbt commands in one short-lived process that parses the project once.

The build needs two dbt invocations: the seeds (and their tests) first, then the models with their tests
and unit tests, because staging reads seeds only through `source()`, which gives dbt no edge from a seed
to its staging model. Two `dbt` subprocesses would start Python, import dbt and load the project twice;
this module parses once (reusing dbt's partial parse from the target folder) and hands the parsed
manifest to each invocation through `dbtRunner(manifest=...)`.

It still runs as a subprocess of the build (`python -m security_ties.dbt_session SPEC.json`): dbt's
in-process runner keeps its DuckDB file handle open after a run (dbt-core #11980), and the build must be
able to rename the file once dbt is done. The process exits, so the handle goes with it.

The spec (JSON) names the mode. `full`: every seed with its tests, then every model with its tests and
unit tests. `changed` (with `state_dir`, the manifest of the published build): only what changed since that
build and everything downstream of it. For each step the process writes `run_results.<step>.json` into the
target folder, `selection.json` (the steps and their arguments) and `timings.json` (wall seconds of the
parse and of each step). Progress goes to stdout unless `quiet`: one line per step start and end, dbt's node counter
(n/N) at most once a second, and every failing node at once.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULT_EVENTS = {"LogTestResult", "LogModelResult", "LogSeedResult", "LogNodeResult", "LogNodeNoOpResult", "LogSnapshotResult",
                 "LogFunctionResult"}
GOOD_STATUSES = {"pass", "success", "ok", "no-op"}
PRINT_EVERY_SECONDS = 1.0


@dataclass
class Counter:
    """dbt's n/N node counter for one step, printed at most once a second (failures at once)."""

    step: str
    quiet: bool
    done: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)
    last_print: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)  # dbt's threads report concurrently

    def __call__(self, event: Any) -> None:
        if event.info.name not in RESULT_EVENTS:
            return
        with self.lock:
            self._count(event)

    def _count(self, event: Any) -> None:
        data = event.data
        total = int(getattr(data, "total", 0) or getattr(data, "num_models", 0) or 0)
        status = str(getattr(data, "status", "")).lower()
        # dbt numbers nodes as they start; with threads they finish out of order, so count the finished ones
        self.done, self.total = self.done + 1, max(self.total, total)
        failed = bool(status) and status not in GOOD_STATUSES and not status.startswith("ok") and "success" not in status
        if failed:
            self.failures.append(event.info.msg.strip())
        now = time.monotonic()
        if self.quiet:
            return
        if failed:
            print(f"  dbt {self.step} {self.done}/{self.total} {event.info.msg.strip()}", flush=True)
        elif self.done == self.total or now - self.last_print >= PRINT_EVERY_SECONDS:
            print(f"  dbt {self.step} {self.done}/{self.total}", flush=True)
            self.last_print = now


FULL_STEPS = (
    # cautious: the seeds and the tests whose every parent is a seed ...
    ("seeds", ["build", "--select", "resource_type:seed", "--indirect-selection", "cautious"]),
    # ... then everything else: models, unit tests, tests that also read a model, tests that read nothing
    ("models", ["build", "--exclude", "resource_type:seed", "--indirect-selection", "cautious"]),
)


def changed_steps(runner: Any, manifest: Any, state_dir: str, common: list[str]) -> list[tuple[str, list[str]]]:
    """The steps of a `changed` build: the modified seeds with every test that reads them, then the modified
    models, the staging models over each modified seed's source table (staging reads `source()`, so dbt sees
    no edge from the seed) and everything downstream of both, with their tests."""
    listed = runner.invoke(["ls", "--select", "state:modified", "--state", state_dir, "--output", "json",
                            "--output-keys", "unique_id", *common])
    if not listed.success:
        raise RuntimeError(f"dbt could not compare the project with the published build's state: {listed.exception}")
    modified = [json.loads(line)["unique_id"] for line in listed.result or []]
    seeds = [manifest.nodes[uid] for uid in modified if uid.startswith("seed.")]
    relations = {(seed.schema, seed.alias) for seed in seeds}
    over_seeds = [f"source:{source.source_name}.{source.name}+" for source in manifest.sources.values()
                  if (source.schema, source.identifier) in relations]
    steps: list[tuple[str, list[str]]] = []
    if seeds:
        steps.append(("seeds", ["build", "--select", *[seed.name for seed in seeds], "--indirect-selection", "eager"]))
    # eager: the tests of what is rebuilt, including relationships to relations left as they are; a test that
    # reads both a seed and a model is left out by the exclusion (the project has none; a full build runs it)
    if len(modified) > len(seeds) or over_seeds:
        steps.append(("models", ["build", "--select", "state:modified+", *over_seeds, "--exclude", "resource_type:seed",
                                 "--state", state_dir, "--indirect-selection", "eager"]))
    return steps


def run(spec: dict[str, Any]) -> int:
    from dbt.cli.main import dbtRunner

    target = Path(spec["target_path"])
    quiet = bool(spec.get("quiet"))
    common = list(spec.get("common_args", []))
    timings: dict[str, float] = {}

    cpu: dict[str, float] = {"dbt import": time.process_time()}  # CPU seconds: stable under load, unlike wall
    started, cpu_started = time.perf_counter(), time.process_time()
    parsed = dbtRunner().invoke(["parse", *common])
    timings["dbt parse"] = time.perf_counter() - started
    cpu["dbt parse"] = time.process_time() - cpu_started
    if not parsed.success or parsed.result is None:
        print(f"dbt could not parse the project: {parsed.exception}", file=sys.stderr)
        return 2
    manifest = parsed.result
    if not quiet:
        print(f"  dbt parse done in {timings['dbt parse']:.1f} s", flush=True)

    if spec.get("mode") == "changed":
        steps = changed_steps(dbtRunner(manifest=manifest), manifest, spec["state_dir"], common)
    else:
        steps = [(name, list(arguments)) for name, arguments in FULL_STEPS]
    (target / "selection.json").write_text(json.dumps(dict(steps)), encoding="utf-8")
    if not quiet and spec.get("mode") == "changed":
        print("  changed since the published build: " + ("; ".join(" ".join(a[2:]) for _, a in steps) or "nothing"),
              flush=True)

    failed = False
    for name, arguments in steps:
        step = {"name": name, "args": arguments}
        counter = Counter(step["name"], quiet)
        runner = dbtRunner(manifest=manifest, callbacks=[counter])
        (target / "run_results.json").unlink(missing_ok=True)
        started, cpu_started = time.perf_counter(), time.process_time()
        outcome = runner.invoke([*step["args"], *common])
        timings[step["name"]] = time.perf_counter() - started
        cpu[step["name"]] = time.process_time() - cpu_started
        results = target / "run_results.json"
        if results.is_file():
            shutil.copyfile(results, target / f"run_results.{step['name']}.json")
        if not quiet:
            state = "done" if outcome.success else "FAILED"
            print(f"  dbt {step['name']} {state}: {counter.done}/{counter.total} nodes in {timings[step['name']]:.1f} s",
                  flush=True)
        if outcome.exception is not None:
            print(f"dbt {step['name']} stopped: {outcome.exception}", file=sys.stderr)
        if not outcome.success:
            failed = True
            break  # the models are not built on seeds that failed their tests
    (target / "timings.json").write_text(json.dumps({"wall": timings, "cpu": cpu}), encoding="utf-8")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 1:
        print("usage: python -m security_ties.dbt_session SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(arguments[0]).read_text(encoding="utf-8"))
    os.chdir(spec["project_dir"])
    return run(spec)


if __name__ == "__main__":
    sys.exit(main())

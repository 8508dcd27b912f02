"""How the scale benchmark runs dbt, warm, and measures it: the profile, the stable paths partial parsing needs,
the untimed priming parse, the timed build, the parse on its own, and `dbt-threads` (the build alone per dbt
`--threads`). Every contender runs as its own process under `measured`, which reports its peak resident memory.
See `scale` for the whole benchmark.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from security_ties import frozen
from security_ties.project import PUBLISHED_NAME


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str

    def report(self) -> dict[str, Any]:
        """The JSON line a measured child printed last on stdout."""
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        if self.returncode != 0 or not lines:
            raise RuntimeError(f"a measured step failed (exit {self.returncode}):\n{self.stderr[-3000:]}")
        return json.loads(lines[-1])


def measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run `command` in a wrapper process that reports the peak RSS of its children (the command)."""
    wrapper = ("import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:]); "
               "print(json.dumps({'rc': r.returncode, 'kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}), "
               "file=sys.stderr)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=cwd, env=env, capture_output=True,
                            text=True, check=False)
    seconds = time.perf_counter() - started
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return Measured(seconds, report["kb"] / 1024, report["rc"], result.stdout, result.stderr)


def write_profile(folder: Path, database: Path, memory_limit: str, duckdb_threads: int, dbt_threads: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(json.dumps({"security_ties": {"target": "scale", "outputs": {"scale": {
        "type": "duckdb", "path": str(database), "threads": dbt_threads,
        "settings": {"memory_limit": memory_limit, "threads": duckdb_threads}}}}}), encoding="utf-8")
    return folder


def dbt_node_seconds(run_results: Path) -> dict[str, float]:
    """Seconds of dbt's node execution by kind (model, test, ...), summed over nodes: with two threads the sum can
    exceed the wall time; the rest of dbt's wall time is process start, parse and bookkeeping."""
    seconds: dict[str, float] = {}
    for result in json.loads(run_results.read_text(encoding="utf-8"))["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        seconds[kind] = seconds.get(kind, 0.0) + float(result.get("execution_time") or 0.0)
    return seconds


CURRENT = "current"  # WORK/current: the stable path every row count's dbt settings name
# How dbt's debug log (dbt/events/types.py) says an invocation parsed: I017 "Partial parsing enabled, no changes
# found, skipping parsing" or I040 "Partial parsing enabled: N files deleted, ..."; I024 "Unable to do partial
# parsing because <reason>"; I028 "Partial parsing not enabled". A001 "Running with dbt=..." starts an invocation.
PARTIAL_PARSE = "Partial parsing enabled"
UNABLE_TO_PARTIAL_PARSE = "Unable to do partial parsing because"
INVOCATION_START = "Running with dbt="


@dataclass(frozen=True)
class DbtSettings:
    """How the scale benchmark calls dbt. What dbt's partial parsing needs (the same vars, the same profile
    connection keys, the partial_parse.msgpack of the target folder) names WORK/current or a fixed folder of WORK,
    never a row count."""
    executable: str
    root: Path
    work: Path
    profiles_dir: Path
    target: Path
    variables: str

    @property
    def current(self) -> Path:
        return self.work / CURRENT

    def command(self, subcommand: str, log_path: Path, *arguments: str, debug_log: bool = False) -> list[str]:
        # console and file log at warn, as in every earlier run (the file log follows --log-level); a debug file
        # log (~3 MB per build) is for trials that read how dbt parsed (parse_mode), not for timed runs
        return [self.executable, subcommand, *arguments, "--profiles-dir", str(self.profiles_dir),
                "--vars", self.variables, "--log-level", "warn", "--no-use-colors", "--log-path", str(log_path),
                *(["--log-level-file", "debug"] if debug_log else [])]

    def env(self, target: Path | None = None) -> dict[str, str]:
        return {**os.environ, "DBT_TARGET_PATH": str(target or self.target), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def dbt_settings(project: Path, work: Path, *, memory_limit: str, duckdb_threads: int, dbt_threads: int,
                 key_constraints: bool) -> DbtSettings:
    """The run's dbt settings for the dbt project in `project` (the frozen one); writes WORK/profile_dbt/profiles.yml
    (the same bytes for every row count)."""
    current = work / CURRENT
    profile = write_profile(work / "profile_dbt", current / "dbt" / PUBLISHED_NAME, memory_limit, duckdb_threads,
                            dbt_threads)
    variables = json.dumps({"facts_location": str(current / "data" / "{name}.parquet"),
                            "enforce_key_constraints": key_constraints})
    return DbtSettings(str(Path(sys.executable).parent / "dbt"), project, work, profile, work / "target_dbt", variables)


def point_current(work: Path, folder: Path) -> None:
    """Re-point WORK/current at `folder` (one of WORK's row-count folders) in one rename."""
    current = work / CURRENT
    if current.exists() and not current.is_symlink():
        raise RuntimeError(f"{current} exists and is not a symlink: the scale benchmark re-points it at each row "
                           f"count's folder; move it away or pass another --work folder")
    staged = work / f"{CURRENT}.new"
    staged.unlink(missing_ok=True)
    staged.symlink_to(folder.relative_to(work), target_is_directory=True)  # relative: the work folder may move
    os.replace(staged, current)


def parse_mode(log_path: Path) -> str:
    """How the last dbt invocation logged in `log_path` parsed the project, from its debug log (an invocation run
    with debug_log=True): 'partial', or 'full: <dbt's reason>'."""
    # dbt rotates its log at 10 MB (dbt.log.1 is newer than dbt.log.2); a build's debug log is ~3 MB, so read all
    rotated = sorted(log_path.glob("dbt.log.*"),
                     key=lambda path: -int(path.suffix[1:]) if path.suffix[1:].isdigit() else 0)
    files = [*rotated, log_path / "dbt.log"]
    lines = [line for path in files if path.is_file()
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    starts = [number for number, line in enumerate(lines) if INVOCATION_START in line]
    if not starts:
        raise RuntimeError(f"{log_path}: no dbt debug log of an invocation found (run dbt with --log-path {log_path} "
                           f"--log-level-file debug, DbtSettings.command(debug_log=True))")
    messages = [line.split("]: ", 1)[-1] for line in lines[starts[-1]:]]
    unable = [message for message in messages if message.startswith(UNABLE_TO_PARTIAL_PARSE)]
    if unable:
        return f"full: {unable[0]}"
    if any(message.startswith(PARTIAL_PARSE) for message in messages):
        return "partial"
    return "full: no partial parsing event in the log (partial parsing disabled?)"


@dataclass
class Parsed:
    seconds: float  # wall time of the `dbt parse` process: start, parse, writing the manifest
    load_seconds: float  # dbt's own figure for loading the manifest (perf_info.json load_all_elapsed)
    mode: str  # 'partial' or 'full: ...', from dbt's perf_info.json (files parsed of files read)


def dbt_parse(settings: DbtSettings, log_path: Path, *, cold: bool = False, target: Path | None = None,
              debug_log: bool = False) -> Parsed:
    """`dbt parse` with the run's settings. cold: `--no-partial-parse` (a full parse, as a fresh target or any
    change of vars or profile would cause)."""
    target = target or settings.target
    run = measured(settings.command("parse", log_path, *(["--no-partial-parse"] if cold else []), debug_log=debug_log),
                   settings.root, settings.env(target))
    if run.returncode != 0:
        raise RuntimeError(f"dbt parse failed for the scale benchmark (exit {run.returncode}); its log: "
                           f"{log_path}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    perf = json.loads((target / "perf_info.json").read_text(encoding="utf-8"))
    # a partial parse that found nothing changed parses no file at all; a full parse parses every file it read
    parsed, read = int(perf.get("parsed_path_count") or 0), int(perf.get("path_count") or 0)
    mode = "partial" if parsed < read else f"full: {parsed} of {read} files parsed"
    return Parsed(run.seconds, float(perf.get("load_all_elapsed") or 0.0), mode)


def msgpack_state(target: Path) -> tuple[int, str] | None:
    """partial_parse.msgpack's mtime and sha256, or None if there is none. dbt rewrites it after every parse
    except a partial parse that found nothing changed (dbt/parser/manifest.py, ManifestLoader.load)."""
    path = target / "partial_parse.msgpack"
    if not path.is_file():
        return None
    return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class RowCount:
    rows: int
    folder: Path  # WORK/rows_N
    data: Path  # the synthetic fact Parquet files
    seeded: Path  # the DuckDB file with the seeds loaded, copied for every contender
    synth_seconds: float


def prepare_rows(project: Path, work: Path, rows: int, *, seed: int, memory_limit: str, duckdb_threads: int,
                 dbt_threads: int) -> RowCount:
    """A fresh WORK/rows_N: the synthetic facts, written by the project's own synth, and the DuckDB file with its
    seeds loaded (untimed but for synth_seconds). `project` is the frozen project folder (frozen.frozen_project)."""
    folder = work / f"rows_{rows}"
    shutil.rmtree(folder, ignore_errors=True)
    data, seeded = folder / "data", folder / "seeded" / PUBLISHED_NAME
    synth_seconds, _ = frozen.frozen_synth(project, data, rows, seed=seed, memory_limit=memory_limit,
                                           threads=duckdb_threads)
    seeded.parent.mkdir(parents=True)
    profile = write_profile(folder / "profile_seed", seeded, memory_limit, duckdb_threads, dbt_threads)
    seeding = subprocess.run([str(Path(sys.executable).parent / "dbt"), "seed", "--profiles-dir", str(profile),
                              "--log-level", "warn", "--log-path", str(folder / "logs" / "seed")], cwd=project,
                             env={**os.environ, "DBT_TARGET_PATH": str(folder / "target_seed"),
                                  "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
                             capture_output=True, text=True, check=False)
    if seeding.returncode != 0:
        raise RuntimeError(f"dbt seed failed for the scale benchmark:\n{seeding.stdout[-2000:]}{seeding.stderr[-2000:]}")
    return RowCount(rows, folder, data, seeded, synth_seconds)


@dataclass
class Built:
    measured: Measured
    parse: str  # 'partial' (partial_parse.msgpack left as it was) or 'full: ...'
    logged_parse: str | None  # parse_mode() of its debug log, if it wrote one (debug_log=True)
    results: list[dict[str, Any]]  # run_results.json's results
    artifacts: Path  # the row count's copy of manifest.json and run_results.json

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r["status"] not in ("pass", "success"))


def dbt_build(settings: DbtSettings, run: RowCount, database: Path, step: str, *, debug_log: bool = False) -> Built:
    """The timed `dbt build` of every model and its data tests into `database` (a fresh copy of the seeded file,
    reached through WORK/current). Primes partial parsing first with an untimed `dbt parse`. debug_log: also
    write dbt's debug log, for trials (it is not what the timed runs do)."""
    shutil.copyfile(run.seeded, database)
    point_current(settings.work, run.folder)
    logs = settings.current / "logs"  # the same string for every row count, a row count's own folder on disk
    dbt_parse(settings, logs / f"{step}_prime")
    primed = msgpack_state(settings.target)
    built = measured(settings.command("build", logs / step, "--select", "resource_type:model",
                                      "--exclude", "resource_type:unit_test", debug_log=debug_log),
                     settings.root, settings.env())
    parse = ("partial" if primed is not None and msgpack_state(settings.target) == primed
             else "full: the build rewrote partial_parse.msgpack, so it parsed files")
    if not (settings.target / "run_results.json").is_file():
        raise RuntimeError(f"dbt build wrote no run_results.json (exit {built.returncode}); its log: {logs / step}:\n"
                           f"{built.stdout[-2000:]}{built.stderr[-2000:]}")
    # the shared target is overwritten by the next build: keep this one's artifacts with its row count
    artifacts = run.folder / f"target_{step}"
    artifacts.mkdir(exist_ok=True)
    for name in ("manifest.json", "run_results.json"):
        shutil.copyfile(settings.target / name, artifacts / name)
    results = json.loads((artifacts / "run_results.json").read_text(encoding="utf-8"))["results"]
    return Built(built, parse, parse_mode(run.folder / "logs" / step) if debug_log else None, results, artifacts)


def compare_dbt_threads(root: Path, work: Path, rows: int, threads: list[int], *, runs: int = 2, seed: int = 0,
                        memory_limit: str = "8GB", duckdb_threads: int = 2,
                        key_constraints: bool = False) -> list[dict[str, Any]]:
    """The warm dbt build alone, as in run_scale (the frozen project of the repository at `root`), for each dbt
    `--threads` (the profile's threads; DuckDB's stay `duckdb_threads`), `runs` times each in rotated order so
    drifting load spreads over the settings."""
    project = frozen.frozen_project(root, work)
    run = prepare_rows(project, work, rows, seed=seed, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                       dbt_threads=threads[0])
    database = run.folder / "dbt" / PUBLISHED_NAME
    database.parent.mkdir(parents=True)
    measurements: list[dict[str, Any]] = []
    for number in range(runs):
        order = threads[number % len(threads):] + threads[:number % len(threads)]
        for dbt_threads in order:
            settings = dbt_settings(project, work, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                                    dbt_threads=dbt_threads, key_constraints=key_constraints)
            load = os.getloadavg()[0]
            build = dbt_build(settings, run, database, f"threads_{dbt_threads}_{number}")
            measurements.append({"rows": rows, "dbt_threads": dbt_threads, "run": number, "load_average": load,
                                 "dbt_seconds": build.measured.seconds, "dbt_peak_mb": build.measured.peak_mb,
                                 "dbt_tests_failed": build.failed, "dbt_build_parse": build.parse,
                                 "dbt_node_seconds": dbt_node_seconds(build.artifacts / "run_results.json")})
            print(json.dumps(measurements[-1]), flush=True)
    return measurements


def threads_main(argv: list[str]) -> int:
    """`python -m security_ties.scale dbt-threads --rows N [N ...] --threads 1 2 4`: the warm dbt build alone per
    dbt --threads setting (one JSON line per build, then a summary; --json writes them all)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m security_ties.scale dbt-threads", description=threads_main.__doc__)
    parser.add_argument("--rows", type=int, nargs="+", required=True)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4], help="dbt threads (default 1 2 4)")
    parser.add_argument("--runs", type=int, default=2, help="builds per setting (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--duckdb-threads", type=int, default=2)
    parser.add_argument("--work", default="warehouse/scale_threads", help="scratch folder (default warehouse/scale_threads)")
    parser.add_argument("--json", help="also write the measurements as JSON")
    arguments = parser.parse_args(argv)
    root = Path.cwd()
    if not (root / "dbt_project.yml").is_file():
        parser.error(f"{root} has no dbt_project.yml: run from the project root")
    measurements: list[dict[str, Any]] = []
    for rows in arguments.rows:
        measurements += compare_dbt_threads(root, Path(arguments.work).resolve(), rows, arguments.threads,
                                            runs=arguments.runs, seed=arguments.seed,
                                            memory_limit=arguments.memory_limit, duckdb_threads=arguments.duckdb_threads)
    print(f"{'rows':>10} {'dbt threads':>11} {'dbt s (each run)':>24} {'median s':>8} {'loads':>16} parse")
    for rows in arguments.rows:
        for dbt_threads in arguments.threads:
            runs = [m for m in measurements if m["rows"] == rows and m["dbt_threads"] == dbt_threads]
            seconds = [m["dbt_seconds"] for m in runs]
            loads = " ".join(f"{m['load_average']:.1f}" for m in runs)
            parses = ",".join(sorted({m["dbt_build_parse"] for m in runs}))
            print(f"{rows:>10,} {dbt_threads:>11} {' '.join(f'{x:.1f}' for x in seconds):>24} "
                  f"{statistics.median(seconds):>8.1f} {loads:>16} {parses}")
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(measurements, indent=2), encoding="utf-8")
    return 0

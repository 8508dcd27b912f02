"""The scale benchmark: the same models on synthetic facts of N rows, dbt vs DuckDB alone, in one run.

For each N: `synth` writes the fact files (Parquet); the reference seeds are loaded once into a DuckDB file,
which is copied so every contender starts from the same bytes; then
- **dbt**: `dbt build` of every model and its data tests (unit tests left out: they do not read the data),
  with the fact sources pointed at the Parquet files (`--vars facts_location`). By default with the var
  `enforce_key_constraints` false: the marts' contracts keep their columns, types and NOT NULL but no PRIMARY
  KEY (an ART index per mart), since dbt's unique + not_null tests check the same rule
  (`key_constraints=True` measures the build with the keys);
- **handwritten**: `benchmarks/handwritten.sql`, the same transforms and the same checks written by hand as one
  DuckDB script (temporary views and tables, `create table as`, one aggregate scan per relation for the checks),
  run in one connection; every marts relation it creates is compared with dbt's, content and column types
  (`EXCEPT ALL` both ways), and `marts.membership_as_of` is compared on the as-of query. dbt / handwritten is
  the headline ratio;
- **direct**: the SQL dbt compiled for exactly those models and tests, run in one DuckDB connection in
  dependency order (views; contracted tables created with the same NOT NULL constraints, and PRIMARY KEY
  when dbt builds them, and filled by `insert ... select`; then `select count(*)` of every test's failing rows): the same
  transforms and the same checks with nothing of dbt around them. It is dbt's compiled SQL, not an
  independently hand-written script, so the ratio measures what dbt adds (process start, parsing, Jinja,
  per-node bookkeeping, column comments);
- the analyst queries on the built marts (as-of, trade by partner and year, provenance search), p50/p95;
- the Great Expectations audit, bounded: each mart is read whole up to `audit_row_limit` rows, above that as
  a repeatable reservoir sample (row counts checked in DuckDB).
Every contender runs as its own process under a small wrapper that reports its peak resident memory
(`getrusage(RUSAGE_CHILDREN).ru_maxrss`). DuckDB's memory_limit and threads are set explicitly, for dbt
through a generated profile.

dbt runs warm, as someone iterating on a large warehouse would run it. dbt re-parses the whole project when
the `--vars` or the profile's connection keys (path, settings) differ from those its target folder's
`partial_parse.msgpack` was written with, or when there is none; so every row count uses the same ones. They
name `WORK/current`, a symlink re-pointed at the row count's folder (`WORK/rows_N`), one profile
(`WORK/profile_dbt`) and one target folder (`WORK/target_dbt`); an untimed `dbt parse` with those settings
before each timed build leaves a current `partial_parse.msgpack`, so the first row count is warm too. The build
counts as having parsed partially (`dbt_build_parse`) when it left that file untouched: dbt rewrites it after
every parse but a partial one that found nothing changed (the smoke test checks this against dbt's debug log).
The parse is measured on its own: `dbt parse --no-partial-parse` into a scratch target (cold, a full parse) and
`dbt parse` into the shared target (warm, a partial parse). Logs go to `WORK/rows_N/logs/<step>/`, at warn as
before. A consequence of the stable path: the staging views of an older row count's dbt file read whatever
`current` points at now.
`python -m security_ties.scale dbt-threads` times the dbt build alone for several dbt `--threads` settings.
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
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from security_ties import synth
from security_ties.project import PUBLISHED_NAME

HANDWRITTEN_SCRIPT = Path("benchmarks") / "handwritten.sql"
FACTS_PLACEHOLDER = "{facts_dir}"

QUERIES = {
    "as_of": "select * from marts.membership_as_of(date '2024-06-01') where country_iso3 = 'ARM'",
    "trade_by_partner_year": ("select partner_iso3, trade_year, sum(value_usd) as value_usd from marts.fct_trade_flow "
                              "where reporter_iso3 = 'ARM' group by partner_iso3, trade_year order by trade_year"),
    "provenance_search": ("select fact_id, doc_id, evidence from marts.fct_fact_provenance "
                          "where contains(lower(evidence), 'exports 2019') limit 100"),
}


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


@dataclass
class ScaleResult:
    rows: int
    synth_seconds: float
    dbt_seconds: float
    dbt_peak_mb: float
    dbt_tests_failed: int
    direct_seconds: float
    direct_peak_mb: float
    direct_checks_failed: int
    ratio_direct: float  # dbt / direct (dbt's compiled SQL replayed)
    handwritten_seconds: float
    handwritten_peak_mb: float
    handwritten_checks: int  # checks the script ran
    handwritten_checks_failed: int
    ratio: float  # dbt / handwritten, the headline
    audit_seconds: float
    audit_peak_mb: float
    audit_sampled: list[str]
    audit_failed: int
    query_p50_ms: dict[str, float] = field(default_factory=dict)
    query_p95_ms: dict[str, float] = field(default_factory=dict)
    rows_differ: list[str] = field(default_factory=list)  # relations whose row counts differ, dbt vs direct
    marts_differ: list[str] = field(default_factory=list)  # marts relations not identical, dbt vs handwritten
    marts_compared: int = 0
    key_constraints: bool = False  # the marts built with their PRIMARY KEY constraints (dbt and direct)
    dbt_node_seconds: dict[str, float] = field(default_factory=dict)  # summed node times by kind (run_results)
    handwritten_build_seconds: float = 0.0  # the script's statements up to the checks
    handwritten_check_seconds: float = 0.0  # the checks
    handwritten_slowest: list[list[Any]] = field(default_factory=list)  # [seconds, statement] of its slowest statements
    relations: int = 0
    load_average: float = 0.0  # the machine's 1-minute load when this row count started
    dbt_threads: int = 2  # the profile's threads (dbt's parallel nodes); DuckDB's threads are set apart
    dbt_build_parse: str = ""  # how the timed dbt build parsed: 'partial', or 'full: <dbt's reason>'
    dbt_parse_cold_seconds: float = 0.0  # `dbt parse --no-partial-parse`, wall time (not part of dbt_seconds)
    dbt_parse_cold_load_seconds: float = 0.0  # its manifest load as dbt times it (perf_info load_all_elapsed)
    dbt_parse_warm_seconds: float = 0.0  # `dbt parse` with a current partial_parse.msgpack, wall time
    dbt_parse_warm_load_seconds: float = 0.0
    dbt_parse_warm: str = ""  # parse_mode() of that warm parse


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


def _ordered_models(manifest: dict[str, Any], selected: set[str]) -> list[dict[str, Any]]:
    nodes = manifest["nodes"]
    order: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in selected:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(uid)

    for uid in sorted(selected):
        visit(uid)
    return [nodes[uid] for uid in order]


def contract_columns(node: dict[str, Any], key_constraints: bool = True) -> str:
    """The column list of a contracted table: each column's type and NOT NULL, then the primary key (if kept)."""
    columns = [f'"{name}" {column["data_type"]}' + (" not null" if any(c["type"] == "not_null" for c in column["constraints"]) else "")
               for name, column in node["columns"].items()]
    if not key_constraints:
        return ", ".join(columns)
    keys = [c["columns"] for c in node.get("constraints", []) if c["type"] == "primary_key"]
    keys += [[name] for name, column in node["columns"].items() if any(c["type"] == "primary_key" for c in column["constraints"])]
    return ", ".join(columns + [f"primary key ({', '.join(key)})" for key in keys])


def run_direct(manifest_path: Path, run_results: Path, database: Path, memory_limit: str, threads: int,
               key_constraints: bool = True) -> dict[str, int]:
    """Run the compiled SQL of the models and tests dbt ran, in one DuckDB connection; returns counts."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    ran = {r["unique_id"]: r for r in json.loads(run_results.read_text(encoding="utf-8"))["results"]}
    models = _ordered_models(manifest, {uid for uid in ran if uid.startswith("model.")})
    tests = [ran[uid] for uid in sorted(ran) if uid.startswith("test.")]
    failed = 0
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set threads = {int(threads)}")
        for node in models:
            connection.execute(f'create schema if not exists "{node["schema"]}"')
            sql = ran[node["unique_id"]]["compiled_code"]
            if node["config"]["materialized"] == "view":
                connection.execute(f"create or replace view {node['relation_name']} as {sql}")
            elif (node["config"].get("contract") or {}).get("enforced"):
                # the contract is a check too: the same NOT NULL (and PRIMARY KEY, if dbt builds them) constraints
                connection.execute(f"create or replace table {node['relation_name']} ({contract_columns(node, key_constraints)})")
                connection.execute(f"insert into {node['relation_name']} by name ({sql})")
            else:
                connection.execute(f"create or replace table {node['relation_name']} as {sql}")
        for test in tests:
            (count,) = connection.execute(f"select count(*) from ({test['compiled_code']}) as failing").fetchone() or (0,)
            failed += int(count > 0)
    return {"models": len(models), "tests": len(tests), "failed": failed}


def run_handwritten(script: Path, facts_dir: Path, database: Path, memory_limit: str, threads: int) -> dict[str, Any]:
    """Run the hand-written script in one DuckDB connection; its last statement returns the checks
    (relation, rule, columns, failing_rows). Returns counts and the failing checks."""
    if not script.is_file():
        raise FileNotFoundError(f"{script}: the hand-written benchmark script is missing (expected benchmarks/handwritten.sql)")
    sql = script.read_text(encoding="utf-8")
    if FACTS_PLACEHOLDER not in sql:
        raise ValueError(f"{script} does not read the facts through {FACTS_PLACEHOLDER}; it would not read this run's data")
    sql = sql.replace(FACTS_PLACEHOLDER, str(facts_dir).replace("'", "''"))
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set threads = {int(threads)}")
        statements = duckdb.extract_statements(sql)
        result = None
        timings: list[tuple[float, str]] = []  # seconds and the statement's first words, in order
        for number, statement in enumerate(statements, start=1):
            started = time.perf_counter()
            try:
                result = connection.execute(statement)
            except duckdb.Error as error:
                raise RuntimeError(f"{script}: statement {number} failed: {error}\n{statement.query[:500]}") from error
            timings.append((time.perf_counter() - started, _statement_label(statement.query)))
        if result is None:
            raise RuntimeError(f"{script} has no statements")
        started = time.perf_counter()
        checks = [(str(a), str(b), str(c), int(d)) for a, b, c, d in result.fetchall()]
        timings[-1] = (timings[-1][0] + time.perf_counter() - started, timings[-1][1])
    failing = [list(check) for check in checks if check[3] > 0]
    # the checks start with the checks table; everything before builds the marts
    first_check = next((i for i, (_, label) in enumerate(timings) if label.startswith("create or replace temp table checks")),
                       len(timings))
    return {"statements": len(statements), "checks": len(checks), "failed": len(failing), "failing": failing,
            "results": [list(check) for check in checks],
            "build_seconds": sum(t for t, _ in timings[:first_check]),
            "check_seconds": sum(t for t, _ in timings[first_check:]),
            "slowest": [[round(t, 2), label] for t, label in sorted(timings, reverse=True)[:8]]}


def _statement_label(query: str) -> str:
    """A statement's first words without its comments: `create or replace table marts.fct_event`."""
    words = " ".join(line for line in query.splitlines() if not line.strip().startswith("--")).split()
    if words[:2] == ["insert", "into"] and len(words) > 4 and words[3] == "select":
        return " ".join(words[:5])  # insert into checks select '<relation>',
    return " ".join(words[:6])


def dbt_node_seconds(run_results: Path) -> dict[str, float]:
    """Seconds of dbt's node execution by kind (model, test, ...), summed over nodes: with two threads the sum can
    exceed the wall time; the rest of dbt's wall time is process start, parse and bookkeeping."""
    seconds: dict[str, float] = {}
    for result in json.loads(run_results.read_text(encoding="utf-8"))["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        seconds[kind] = seconds.get(kind, 0.0) + float(result.get("execution_time") or 0.0)
    return seconds


def compare_marts(expected: Path, actual: Path) -> tuple[list[str], int]:
    """The marts relations that differ between two warehouse files (missing on one side, other column names or
    types, or other rows as multisets: EXCEPT ALL both ways), plus membership_as_of on the as-of query."""
    differ: list[str] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach '{str(expected).replace(chr(39), chr(39) * 2)}' as expected (read_only)")
        connection.execute(f"attach '{str(actual).replace(chr(39), chr(39) * 2)}' as actual (read_only)")

        def columns(catalog: str) -> dict[str, list[tuple[str, str]]]:
            found: dict[str, list[tuple[str, str]]] = {}
            for table, column, data_type in connection.execute(
                    "select table_name, column_name, data_type from information_schema.columns "
                    "where table_catalog = ? and table_schema = 'marts' order by table_name, ordinal_position",
                    [catalog]).fetchall():
                found.setdefault(table, []).append((column, data_type))
            return found

        left, right = columns("expected"), columns("actual")
        for name in sorted(set(left) | set(right)):
            if left.get(name) != right.get(name):
                differ.append(f"{name} (columns)" if name in left and name in right else f"{name} (missing)")
                continue
            for first, second in (("expected", "actual"), ("actual", "expected")):
                (extra,) = connection.execute(f"select count(*) from (select * from {first}.marts.{name} "
                                              f"except all select * from {second}.marts.{name})").fetchone() or (0,)
                if extra:
                    differ.append(f"{name} ({extra} rows only in {'dbt' if first == 'expected' else 'handwritten'})")
                    break
        # a table macro binds its body in the caller's catalog: run the as-of query inside each one
        answers: list[Counter[tuple[Any, ...]]] = []
        try:
            for catalog in ("expected", "actual"):
                connection.execute(f"use {catalog}")
                answers.append(Counter(connection.execute(QUERIES["as_of"]).fetchall()))
            if answers[0] != answers[1]:
                differ.append("membership_as_of (as-of query)")
        except duckdb.Error as error:
            differ.append(f"membership_as_of ({str(error).splitlines()[0]})")
    return differ, len(set(left) | set(right)) + 1


def _relation_counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        names = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where schema_name in ('staging', 'intermediate', 'marts') "
            "union all select schema_name || '.' || view_name from duckdb_views() "
            "where schema_name in ('staging', 'intermediate', 'marts') and not internal").fetchall()
        return {name: int(connection.execute(f"select count(*) from {name}").fetchone()[0]) for (name,) in names}  # type: ignore[index]


def query_latencies(database: Path, repeats: int, memory_limit: str, threads: int) -> tuple[dict[str, float], dict[str, float]]:
    p50: dict[str, float] = {}
    p95: dict[str, float] = {}
    with duckdb.connect(str(database), read_only=True,
                        config={"memory_limit": memory_limit, "threads": str(threads)}) as connection:
        for name, sql in QUERIES.items():
            connection.execute(sql).fetchall()  # warm the cache once, as a dashboard would
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                connection.execute(sql).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            p50[name] = statistics.median(samples)
            p95[name] = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return p50, p95


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


def dbt_settings(root: Path, work: Path, *, memory_limit: str, duckdb_threads: int, dbt_threads: int,
                 key_constraints: bool) -> DbtSettings:
    """The run's dbt settings; writes WORK/profile_dbt/profiles.yml (the same bytes for every row count)."""
    current = work / CURRENT
    profile = write_profile(work / "profile_dbt", current / "dbt" / PUBLISHED_NAME, memory_limit, duckdb_threads,
                            dbt_threads)
    variables = json.dumps({"facts_location": str(current / "data" / "{name}.parquet"),
                            "enforce_key_constraints": key_constraints})
    return DbtSettings(str(Path(sys.executable).parent / "dbt"), root, work, profile, work / "target_dbt", variables)


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


def prepare_rows(root: Path, work: Path, rows: int, *, seed: int, memory_limit: str, duckdb_threads: int,
                 dbt_threads: int) -> RowCount:
    """A fresh WORK/rows_N: the synthetic facts and the seeded DuckDB file (untimed but for synth_seconds)."""
    folder = work / f"rows_{rows}"
    shutil.rmtree(folder, ignore_errors=True)
    data, seeded = folder / "data", folder / "seeded" / PUBLISHED_NAME
    started = time.perf_counter()
    synth.generate(root, data, rows, seed=seed, memory_limit=memory_limit, threads=duckdb_threads)
    synth_seconds = time.perf_counter() - started
    seeded.parent.mkdir(parents=True)
    profile = write_profile(folder / "profile_seed", seeded, memory_limit, duckdb_threads, dbt_threads)
    seeding = subprocess.run([str(Path(sys.executable).parent / "dbt"), "seed", "--profiles-dir", str(profile),
                              "--log-level", "warn", "--log-path", str(folder / "logs" / "seed")], cwd=root,
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


def run_scale(root: Path, work: Path, rows: int, *, seed: int = 0, memory_limit: str = "8GB", duckdb_threads: int = 2,
              dbt_threads: int = 2, audit_row_limit: int = 200_000, repeats: int = 20,
              key_constraints: bool = False) -> ScaleResult:
    """One row count of the scale benchmark (see the module docstring)."""
    load = os.getloadavg()[0]
    work.mkdir(parents=True, exist_ok=True)
    run = prepare_rows(root, work, rows, seed=seed, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                       dbt_threads=dbt_threads)
    folder, data = run.folder, run.data
    settings = dbt_settings(root, work, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                            dbt_threads=dbt_threads, key_constraints=key_constraints)
    dbt_db, direct_db = folder / "dbt" / PUBLISHED_NAME, folder / "direct" / PUBLISHED_NAME
    handwritten_db = folder / "handwritten" / PUBLISHED_NAME
    for copy in (dbt_db, direct_db, handwritten_db):
        copy.parent.mkdir(parents=True)
    for copy in (direct_db, handwritten_db):  # dbt_build copies its own
        shutil.copyfile(run.seeded, copy)

    build = dbt_build(settings, run, dbt_db, "dbt")
    built, target = build.measured, build.artifacts
    # the parse on its own, not part of dbt_seconds: cold into a scratch target, warm into the shared one
    cold = dbt_parse(settings, folder / "logs" / "parse_cold", cold=True, target=folder / "target_parse_cold")
    warm = dbt_parse(settings, folder / "logs" / "parse_warm")

    direct = measured([sys.executable, "-m", "security_ties.scale", "direct", str(target / "manifest.json"),
                       str(target / "run_results.json"), str(direct_db), memory_limit, str(duckdb_threads),
                       str(key_constraints).lower()], root)
    direct_counts = direct.report()

    handwritten = measured([sys.executable, "-m", "security_ties.scale", "handwritten", str(root / HANDWRITTEN_SCRIPT),
                            str(data), str(handwritten_db), memory_limit, str(duckdb_threads)], root)
    try:
        handwritten_report = handwritten.report()
        marts_differ, marts_compared = compare_marts(dbt_db, handwritten_db)
    except RuntimeError as error:  # one failed contender must not lose the others' figures of a long run
        handwritten_report = {"checks": 0, "failed": -1, "build_seconds": 0.0, "check_seconds": 0.0, "slowest": []}
        marts_differ, marts_compared = [f"handwritten run failed: {str(error).splitlines()[-1][:300]}"], 0

    dbt_rows, direct_rows = _relation_counts(dbt_db), _relation_counts(direct_db)
    differ = sorted(name for name in set(dbt_rows) | set(direct_rows) if dbt_rows.get(name) != direct_rows.get(name))
    p50, p95 = query_latencies(dbt_db, repeats, memory_limit, duckdb_threads)

    audit = measured([sys.executable, "-m", "security_ties.scale", "audit", str(root), str(dbt_db), str(audit_row_limit)],
                     root)
    audit_report = audit.report()
    return ScaleResult(
        rows=rows, synth_seconds=run.synth_seconds, dbt_seconds=built.seconds, dbt_peak_mb=built.peak_mb,
        dbt_tests_failed=build.failed, direct_seconds=direct.seconds, direct_peak_mb=direct.peak_mb,
        direct_checks_failed=direct_counts["failed"], ratio_direct=built.seconds / direct.seconds,
        handwritten_seconds=handwritten.seconds, handwritten_peak_mb=handwritten.peak_mb,
        handwritten_checks=handwritten_report["checks"], handwritten_checks_failed=handwritten_report["failed"],
        ratio=built.seconds / handwritten.seconds, audit_seconds=audit_report["seconds"], audit_peak_mb=audit.peak_mb,
        audit_sampled=audit_report["sampled"], audit_failed=audit_report["failed"], query_p50_ms=p50, query_p95_ms=p95,
        rows_differ=differ, marts_differ=marts_differ, marts_compared=marts_compared, key_constraints=key_constraints,
        dbt_node_seconds=dbt_node_seconds(target / "run_results.json"),
        handwritten_build_seconds=handwritten_report["build_seconds"],
        handwritten_check_seconds=handwritten_report["check_seconds"], handwritten_slowest=handwritten_report["slowest"],
        relations=len(dbt_rows), load_average=load, dbt_threads=dbt_threads, dbt_build_parse=build.parse,
        dbt_parse_cold_seconds=cold.seconds, dbt_parse_cold_load_seconds=cold.load_seconds,
        dbt_parse_warm_seconds=warm.seconds, dbt_parse_warm_load_seconds=warm.load_seconds, dbt_parse_warm=warm.mode)


def compare_dbt_threads(root: Path, work: Path, rows: int, threads: list[int], *, runs: int = 2, seed: int = 0,
                        memory_limit: str = "8GB", duckdb_threads: int = 2,
                        key_constraints: bool = False) -> list[dict[str, Any]]:
    """The warm dbt build alone, as in run_scale, for each dbt `--threads` (the profile's threads; DuckDB's stay
    `duckdb_threads`), `runs` times each in rotated order so drifting load spreads over the settings."""
    work.mkdir(parents=True, exist_ok=True)
    run = prepare_rows(root, work, rows, seed=seed, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                       dbt_threads=threads[0])
    database = run.folder / "dbt" / PUBLISHED_NAME
    database.parent.mkdir(parents=True)
    measurements: list[dict[str, Any]] = []
    for number in range(runs):
        order = threads[number % len(threads):] + threads[:number % len(threads)]
        for dbt_threads in order:
            settings = dbt_settings(root, work, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                                    dbt_threads=dbt_threads, key_constraints=key_constraints)
            load = os.getloadavg()[0]
            build = dbt_build(settings, run, database, f"threads_{dbt_threads}_{number}")
            measurements.append({"rows": rows, "dbt_threads": dbt_threads, "run": number, "load_average": load,
                                 "dbt_seconds": build.measured.seconds, "dbt_peak_mb": build.measured.peak_mb,
                                 "dbt_tests_failed": build.failed, "dbt_build_parse": build.parse,
                                 "dbt_node_seconds": dbt_node_seconds(build.artifacts / "run_results.json")})
            print(json.dumps(measurements[-1]), flush=True)
    return measurements


def _audit(root: Path, database: Path, row_limit: int) -> dict[str, Any]:
    from security_ties import audit
    from security_ties.project import Project

    project = Project.from_environment(root)
    started = time.perf_counter()
    results = audit.run_checkpoint(project, database, docs=False, row_limit=row_limit)
    seconds = time.perf_counter() - started
    counts = _relation_counts(database)
    sampled = sorted(name.split(".", 1)[1] for name, rows in counts.items() if name.startswith("marts.") and rows > row_limit)
    return {"seconds": seconds, "sampled": sampled,
            "passed": sum(r.passed for r in results), "failed": sum(r.failed for r in results)}


def render(results: list[ScaleResult]) -> str:
    """The results as a table: ratio = dbt / handwritten (the headline), direct ratio = dbt / dbt's compiled SQL
    replayed; failed = dbt tests / handwritten checks / direct tests; keys = PRIMARY KEY constraints built;
    dbt parse = how the timed build parsed (partial or full); cold/warm parse s = `dbt parse` on its own, full
    and partial (not part of dbt s)."""
    header = (f"{'rows':>10} {'load':>5} {'keys':>4} {'dbt s':>8} {'hand s':>7} {'ratio':>6} {'direct s':>9} {'d.ratio':>7} "
              f"{'dbt MB':>7} {'hand MB':>7} {'dir. MB':>7} {'audit s':>7} {'aud. MB':>7} {'failed d/h/x':>12} {'marts same':>10} "
              + " ".join(f"{name + ' p95 ms':>24}" for name in QUERIES)
              + f" {'dbt parse':>9} {'cold/warm parse s':>17}")
    lines = [header, "-" * len(header)]
    for r in results:
        same = f"{r.marts_compared - len(r.marts_differ)}/{r.marts_compared}"
        failed = f"{r.dbt_tests_failed}/{r.handwritten_checks_failed}/{r.direct_checks_failed}"
        lines.append(f"{r.rows:>10,} {r.load_average:>5.1f} {'on' if r.key_constraints else 'off':>4} {r.dbt_seconds:>8.1f} "
                     f"{r.handwritten_seconds:>7.1f} {r.ratio:>6.2f} {r.direct_seconds:>9.1f} {r.ratio_direct:>7.2f} "
                     f"{r.dbt_peak_mb:>7.0f} {r.handwritten_peak_mb:>7.0f} {r.direct_peak_mb:>7.0f} {r.audit_seconds:>7.1f} "
                     f"{r.audit_peak_mb:>7.0f} {failed:>12} {same:>10} "
                     + " ".join(f"{r.query_p95_ms[name]:>24.1f}" for name in QUERIES)
                     + f" {r.dbt_build_parse.split(':')[0]:>9} {f'{r.dbt_parse_cold_seconds:.1f}/{r.dbt_parse_warm_seconds:.1f}':>17}")
        if r.dbt_build_parse != "partial":
            lines.append(f"{'':>10} the timed dbt build did not parse partially: {r.dbt_build_parse}")
        if r.marts_differ:
            lines.append(f"{'':>10} marts not identical (dbt vs handwritten): {', '.join(r.marts_differ)}")
    return "\n".join(lines)


def to_json(results: list[ScaleResult]) -> str:
    return json.dumps([asdict(r) for r in results], indent=2)


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


def main(argv: list[str]) -> int:
    """Entry points of the measured child processes: `direct MANIFEST RUN_RESULTS DB MEMORY THREADS KEYS`,
    `handwritten SCRIPT FACTS_DIR DB MEMORY THREADS` and `audit ROOT DB ROW_LIMIT`, each printing one JSON line;
    and `dbt-threads ...` (threads_main)."""
    if not argv:
        print("usage: python -m security_ties.scale {direct,handwritten,audit,dbt-threads} ...", file=sys.stderr)
        return 2
    if argv[0] == "dbt-threads":
        return threads_main(argv[1:])
    if argv[0] == "direct":
        print(json.dumps(run_direct(Path(argv[1]), Path(argv[2]), Path(argv[3]), argv[4], int(argv[5]),
                                    key_constraints=argv[6] == "true")))
    elif argv[0] == "handwritten":
        print(json.dumps(run_handwritten(Path(argv[1]), Path(argv[2]), Path(argv[3]), argv[4], int(argv[5]))))
    elif argv[0] == "audit":
        print(json.dumps(_audit(Path(argv[1]), Path(argv[2]), int(argv[3]))))
    else:
        print(f"unknown command {argv[0]!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

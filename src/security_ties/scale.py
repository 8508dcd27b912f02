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
"""

from __future__ import annotations

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


def run_scale(root: Path, work: Path, rows: int, *, seed: int = 0, memory_limit: str = "8GB", duckdb_threads: int = 2,
              dbt_threads: int = 2, audit_row_limit: int = 200_000, repeats: int = 20,
              key_constraints: bool = False) -> ScaleResult:
    """One row count of the scale benchmark (see the module docstring)."""
    load = os.getloadavg()[0]
    folder = work / f"rows_{rows}"
    shutil.rmtree(folder, ignore_errors=True)
    data, seeded = folder / "data", folder / "seeded" / PUBLISHED_NAME
    started = time.perf_counter()
    synth.generate(root, data, rows, seed=seed, memory_limit=memory_limit, threads=duckdb_threads)
    synth_seconds = time.perf_counter() - started
    dbt = str(Path(sys.executable).parent / "dbt")
    variables = json.dumps({"facts_location": str(data / "{name}.parquet"), "enforce_key_constraints": key_constraints})

    def dbt_env(target: Path) -> dict[str, str]:
        return {**os.environ, "DBT_TARGET_PATH": str(target), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    seeded.parent.mkdir(parents=True)
    profile = write_profile(folder / "profile_seed", seeded, memory_limit, duckdb_threads, dbt_threads)
    seeding = subprocess.run([dbt, "seed", "--profiles-dir", str(profile), "--log-level", "warn"], cwd=root,
                             env=dbt_env(folder / "target_seed"), capture_output=True, text=True, check=False)
    if seeding.returncode != 0:
        raise RuntimeError(f"dbt seed failed for the scale benchmark:\n{seeding.stdout[-2000:]}{seeding.stderr[-2000:]}")
    dbt_db, direct_db = folder / "dbt" / PUBLISHED_NAME, folder / "direct" / PUBLISHED_NAME
    handwritten_db = folder / "handwritten" / PUBLISHED_NAME
    for copy in (dbt_db, direct_db, handwritten_db):
        copy.parent.mkdir(parents=True)
        shutil.copyfile(seeded, copy)

    profile = write_profile(folder / "profile_dbt", dbt_db, memory_limit, duckdb_threads, dbt_threads)
    target = folder / "target_dbt"
    built = measured([dbt, "build", "--select", "resource_type:model", "--exclude", "resource_type:unit_test",
                      "--profiles-dir", str(profile), "--vars", variables, "--log-level", "warn", "--no-use-colors"],
                     root, dbt_env(target))
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    dbt_failed = sum(1 for r in results if r["status"] not in ("pass", "success"))

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
        rows=rows, synth_seconds=synth_seconds, dbt_seconds=built.seconds, dbt_peak_mb=built.peak_mb,
        dbt_tests_failed=dbt_failed, direct_seconds=direct.seconds, direct_peak_mb=direct.peak_mb,
        direct_checks_failed=direct_counts["failed"], ratio_direct=built.seconds / direct.seconds,
        handwritten_seconds=handwritten.seconds, handwritten_peak_mb=handwritten.peak_mb,
        handwritten_checks=handwritten_report["checks"], handwritten_checks_failed=handwritten_report["failed"],
        ratio=built.seconds / handwritten.seconds, audit_seconds=audit_report["seconds"], audit_peak_mb=audit.peak_mb,
        audit_sampled=audit_report["sampled"], audit_failed=audit_report["failed"], query_p50_ms=p50, query_p95_ms=p95,
        rows_differ=differ, marts_differ=marts_differ, marts_compared=marts_compared, key_constraints=key_constraints,
        dbt_node_seconds=dbt_node_seconds(target / "run_results.json"),
        handwritten_build_seconds=handwritten_report["build_seconds"],
        handwritten_check_seconds=handwritten_report["check_seconds"], handwritten_slowest=handwritten_report["slowest"],
        relations=len(dbt_rows), load_average=load)


def _audit(root: Path, database: Path, row_limit: int) -> dict[str, Any]:
    from security_ties import quality
    from security_ties.project import Project

    project = Project.from_environment(root)
    started = time.perf_counter()
    results = quality.run_checkpoint(project, database, docs=False, row_limit=row_limit)
    seconds = time.perf_counter() - started
    counts = _relation_counts(database)
    sampled = sorted(name.split(".", 1)[1] for name, rows in counts.items() if name.startswith("marts.") and rows > row_limit)
    return {"seconds": seconds, "sampled": sampled,
            "passed": sum(r.passed for r in results), "failed": sum(r.failed for r in results)}


def render(results: list[ScaleResult]) -> str:
    """The results as a table: ratio = dbt / handwritten (the headline), direct ratio = dbt / dbt's compiled SQL
    replayed; failed = dbt tests / handwritten checks / direct tests; keys = PRIMARY KEY constraints built."""
    header = (f"{'rows':>10} {'load':>5} {'keys':>4} {'dbt s':>8} {'hand s':>7} {'ratio':>6} {'direct s':>9} {'d.ratio':>7} "
              f"{'dbt MB':>7} {'hand MB':>7} {'dir. MB':>7} {'audit s':>7} {'aud. MB':>7} {'failed d/h/x':>12} {'marts same':>10} "
              + " ".join(f"{name + ' p95 ms':>24}" for name in QUERIES))
    lines = [header, "-" * len(header)]
    for r in results:
        same = f"{r.marts_compared - len(r.marts_differ)}/{r.marts_compared}"
        failed = f"{r.dbt_tests_failed}/{r.handwritten_checks_failed}/{r.direct_checks_failed}"
        lines.append(f"{r.rows:>10,} {r.load_average:>5.1f} {'on' if r.key_constraints else 'off':>4} {r.dbt_seconds:>8.1f} "
                     f"{r.handwritten_seconds:>7.1f} {r.ratio:>6.2f} {r.direct_seconds:>9.1f} {r.ratio_direct:>7.2f} "
                     f"{r.dbt_peak_mb:>7.0f} {r.handwritten_peak_mb:>7.0f} {r.direct_peak_mb:>7.0f} {r.audit_seconds:>7.1f} "
                     f"{r.audit_peak_mb:>7.0f} {failed:>12} {same:>10} "
                     + " ".join(f"{r.query_p95_ms[name]:>24.1f}" for name in QUERIES))
        if r.marts_differ:
            lines.append(f"{'':>10} marts not identical (dbt vs handwritten): {', '.join(r.marts_differ)}")
    return "\n".join(lines)


def to_json(results: list[ScaleResult]) -> str:
    return json.dumps([asdict(r) for r in results], indent=2)


def main(argv: list[str]) -> int:
    """Entry points of the measured child processes: `direct MANIFEST RUN_RESULTS DB MEMORY THREADS KEYS`,
    `handwritten SCRIPT FACTS_DIR DB MEMORY THREADS` and `audit ROOT DB ROW_LIMIT`; each prints one JSON line."""
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

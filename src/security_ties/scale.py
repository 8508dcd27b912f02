"""The scale benchmark: the same models on synthetic facts of N rows, dbt vs DuckDB alone, in one run.

What is measured is the project as of one fixed commit (`frozen.FROZEN_COMMIT`, extracted into the work folder):
its models, seeds, tests, the hand-written script that mirrors exactly those models, and its `synth`. So a model
changed today is changed once; benchmarks/handwritten.sql never follows it. The code here runs it:
`scale_dbt` (dbt, warm, measured), `scale_contenders` (direct, handwritten, the comparisons), this module (one
row count from end to end, the results).

For each N: the frozen `synth` writes the fact files (Parquet); the reference seeds are loaded once into a DuckDB file,
which is copied so every contender starts from the same bytes; then
- **dbt**: `dbt build` of every model and its data tests (unit tests left out: they do not read the data),
  with the fact sources pointed at the Parquet files (`--vars facts_location`). By default with the var
  `enforce_key_constraints` false: the marts' contracts keep their columns, types and NOT NULL but no PRIMARY
  KEY (an ART index per mart), since dbt's unique + not_null tests check the same rule
  (`key_constraints=True` measures the build with the keys);
- **handwritten**: `benchmarks/handwritten.sql` of the frozen commit, the same transforms and the same checks written by hand as one
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
- the Great Expectations audit, bounded: each mart is read whole up to `audit_row_limit` rows; above that its
  row count is checked in DuckDB instead.
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

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from security_ties import frozen
from security_ties.project import PUBLISHED_NAME
from security_ties.scale_contenders import (
    HANDWRITTEN_SCRIPT, QUERIES, compare_marts, query_latencies, relation_counts, run_direct, run_handwritten,
)
from security_ties.scale_dbt import (
    dbt_build, dbt_node_seconds, dbt_parse, dbt_settings, measured, prepare_rows, threads_main,
)


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


def run_scale(root: Path, work: Path, rows: int, *, seed: int = 0, memory_limit: str = "8GB", duckdb_threads: int = 2,
              dbt_threads: int = 2, audit_row_limit: int = 200_000, repeats: int = 20,
              key_constraints: bool = False) -> ScaleResult:
    """One row count of the scale benchmark on the frozen project of the repository at `root` (see the module
    docstring)."""
    load = os.getloadavg()[0]
    project = frozen.frozen_project(root, work)
    run = prepare_rows(project, work, rows, seed=seed, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
                       dbt_threads=dbt_threads)
    folder, data = run.folder, run.data
    settings = dbt_settings(project, work, memory_limit=memory_limit, duckdb_threads=duckdb_threads,
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

    handwritten = measured([sys.executable, "-m", "security_ties.scale", "handwritten", str(project / HANDWRITTEN_SCRIPT),
                            str(data), str(handwritten_db), memory_limit, str(duckdb_threads)], root)
    try:
        handwritten_report = handwritten.report()
        marts_differ, marts_compared = compare_marts(dbt_db, handwritten_db)
    except RuntimeError as error:  # one failed contender must not lose the others' figures of a long run
        handwritten_report = {"checks": 0, "failed": -1, "build_seconds": 0.0, "check_seconds": 0.0, "slowest": []}
        marts_differ, marts_compared = [f"handwritten run failed: {str(error).splitlines()[-1][:300]}"], 0

    dbt_rows, direct_rows = relation_counts(dbt_db), relation_counts(direct_db)
    differ = sorted(name for name in set(dbt_rows) | set(direct_rows) if dbt_rows.get(name) != direct_rows.get(name))
    p50, p95 = query_latencies(dbt_db, repeats, memory_limit, duckdb_threads)

    # the frozen commit's own audit: its rules name the frozen marts and read the frozen project's vars
    audit = measured([sys.executable, "-m", "security_ties.scale", "audit", str(project), str(dbt_db), str(audit_row_limit)],
                     root, env=frozen.frozen_env(project))
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


def _audit(root: Path, database: Path, row_limit: int) -> dict[str, Any]:
    from security_ties import audit
    from security_ties.project import Project

    project = Project.from_environment(root)
    started = time.perf_counter()
    results = audit.run_checkpoint(project, database, docs=False, row_limit=row_limit)
    seconds = time.perf_counter() - started
    counts = relation_counts(database)
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

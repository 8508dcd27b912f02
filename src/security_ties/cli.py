"""The security-ties command line: build, check, inspect and roll back the warehouse."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from security_ties import build as build_module
from security_ties import info as info_module
from security_ties.evidence import EvidenceError, verify
from security_ties.mentions import coverage
from security_ties.project import Project
from security_ties.steps import Progress
from security_ties.validate import SeedValidationError, validate_seeds

DESCRIPTION = """\
security-ties: a cited fact warehouse of Armenia's security ties (dbt on DuckDB).

Run every command from the repository's top folder. Paths come from the environment:
  CORPUS_DIR                    the five source texts (default ../shared/corpus)
  SECURITY_TIES_WAREHOUSE_DIR   where the published file lives (default warehouse/)
  SECURITY_TIES_KEEP_RELEASES   how many previous published files to keep (default 3)
"""


def audit_imported_meanwhile() -> build_module.Auditor:
    """The GX audit, with Great Expectations imported in a background thread while the build validates and runs
    dbt (a separate process): the import takes seconds of CPU that would otherwise delay the audit step."""
    loader = threading.Thread(target=importlib.import_module, args=("security_ties.quality",), daemon=True)
    loader.start()

    def audit(candidate: Path, **options: Any) -> dict[str, int]:
        loader.join()
        from security_ties import quality

        return quality.audit(candidate, **options)

    return audit


def command_build(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import exports

    audit = None if arguments.skip_expectations else audit_imported_meanwhile()
    progress = Progress(quiet=arguments.quiet)
    result = build_module.build(project, audit=audit, export=exports.export_marts, progress=progress,
                                changed=arguments.changed, threads=arguments.threads)
    if not result.published:
        print(f"nothing changed since build {result.build_id}; {result.published_path} stays as it is")
        return 0
    print(f"published build {result.build_id} -> {result.published_path}")
    print(f"  seed rows validated: {result.seed_rows}")
    print("  dbt: " + ", ".join(f"{k} {v}" for k, v in result.dbt_counts.items()))
    if result.quality_summary:
        print("  expectations: " + ", ".join(f"{k} {v}" for k, v in result.quality_summary.items()))
    if not arguments.quiet:
        print("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items()))
    if arguments.timings_json:
        Path(arguments.timings_json).write_text(json.dumps(result.timings), encoding="utf-8")
    return 0


def command_bench(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import bench

    print(bench.benchmark(project, runs=arguments.runs, baseline_ref=arguments.baseline, threads=arguments.threads))
    return 0


def command_synth(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import synth

    written = synth.generate(project.root, Path(arguments.out), arguments.rows, seed=arguments.seed, fmt=arguments.format)
    for name, rows in written.items():
        print(f"  {name}: {rows} rows")
    print(f"{sum(written.values())} synthetic fact rows written to {arguments.out} ({arguments.format}); build on them with "
          f"dbt build --vars '{{facts_location: \"{Path(arguments.out).resolve()}/{{name}}.parquet\"}}'")
    return 0


def command_bench_scale(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import bench, scale

    print(f"scale benchmark; memory_limit {arguments.memory_limit}, DuckDB threads {arguments.duckdb_threads}, "
          f"audit row limit {arguments.audit_row_limit}; {bench.load_average()}")
    results = []
    for rows in arguments.rows:
        results.append(scale.run_scale(project.root, Path(arguments.work).resolve(), rows, seed=arguments.seed,
                                       memory_limit=arguments.memory_limit, duckdb_threads=arguments.duckdb_threads,
                                       audit_row_limit=arguments.audit_row_limit, repeats=arguments.repeats))
        print(scale.render(results[-1:]), flush=True)
    print(scale.render(results))
    print(bench.load_average())
    if arguments.json:
        Path(arguments.json).write_text(scale.to_json(results), encoding="utf-8")
    return 0


def command_validate_seeds(project: Project, arguments: argparse.Namespace) -> int:
    rows = validate_seeds(project.seeds_dir)
    print(f"seeds OK: {rows} rows checked against their YAML column_types and tests")
    return 0


def command_verify_evidence(project: Project, arguments: argparse.Namespace) -> int:
    checked, problems = verify(project.corpus_dir, project.seeds_dir)
    for problem in problems:
        print(f"  - {problem}")
    print(f"{checked} quotes checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def command_coverage(project: Project, arguments: argparse.Namespace) -> int:
    result = coverage(project.corpus_dir, project.seeds_dir)
    for mention in result.uncovered:
        print(f"  uncovered: {mention}")
    covered = len(result.mentions) - len(result.uncovered)
    print(f"extraction coverage: {covered}/{len(result.mentions)} quantitative mentions = {result.percent:.1f} %")
    return 1 if result.uncovered else 0


def command_info(project: Project, arguments: argparse.Namespace) -> int:
    print(info_module.render(project))
    return 0


def command_rollback(project: Project, arguments: argparse.Namespace) -> int:
    restored = build_module.rollback(project, arguments.build_id)
    print(f"published release {restored} again -> {project.published_path}")
    return 0


def command_validate(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import quality

    database = Path(arguments.database) if arguments.database else project.published_path
    results = quality.run_checkpoint(project, database)
    print(quality.summary_table(results))
    return 0 if all(r.success for r in results) else 1


def command_report(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import report

    path = report.write_report(project, project.published_path, Path(arguments.output) if arguments.output else None)
    print(f"report written to {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="security-ties", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[Project, argparse.Namespace], int], help_text: str,
            aliases: tuple[str, ...] = ()) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, aliases=list(aliases))
        sub.set_defaults(handler=handler)
        return sub

    build = add(
        "build", command_build,
        "Validate the seeds and evidence, dbt build into a new file, run the Great Expectations checkpoint, "
        "then publish it atomically over warehouse/security_ties.duckdb (keeping previous releases) and "
        "export every mart as Parquet and CSV. Any failure publishes nothing.",
    )
    build.add_argument("--skip-expectations", action="store_true", help="do not run the GX checkpoint (debugging only)")
    build.add_argument("--changed", action="store_true",
                       help="rebuild only what changed since the published build (and everything downstream) on a copy "
                            "of the published file, audit only the marts rebuilt, publish atomically; the full build "
                            "stays the default and CI's")
    build.add_argument("--threads", type=int, help="dbt threads (default: the profile's)")
    build.add_argument("--quiet", action="store_true", help="print only the result, no progress (for scripts)")
    build.add_argument("--timings-json", help="also write each step's wall seconds to this JSON file (benchmarks)")
    bench = add("bench", command_bench,
                "Run the real build into warehouse/bench/ and print where its time goes (seconds and share per step); "
                "--baseline/--threads compare configurations as ratios measured in the same run.")
    bench.add_argument("--runs", type=int, default=1, help="measured runs per configuration (after one warm-up)")
    bench.add_argument("--baseline", help="a git commit whose build is the baseline (e.g. main)")
    bench.add_argument("--threads", type=int, nargs="+", help="dbt thread counts to compare (the first is the baseline)")
    synth = add("synth", command_synth,
                "Write deterministic synthetic fact files with the fact seeds' shapes (for the scale benchmark).")
    synth.add_argument("--rows", type=int, required=True, help="fact rows in all, spread over the fact seeds")
    synth.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same files")
    synth.add_argument("--out", default="warehouse/synth", help="output folder (default warehouse/synth)")
    synth.add_argument("--format", default="parquet", choices=("parquet", "csv"), help="file format (models read Parquet)")
    scale_bench = add("bench-scale", command_bench_scale,
                      "Synthetic scale benchmark: dbt build vs the same SQL run directly in DuckDB, memory, analyst "
                      "query p95 and the bounded audit, for each row count.")
    scale_bench.add_argument("--rows", type=int, nargs="+", default=[10_000], help="row counts (default 10000)")
    scale_bench.add_argument("--seed", type=int, default=0)
    scale_bench.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit for every contender")
    scale_bench.add_argument("--duckdb-threads", type=int, default=2, help="DuckDB threads for every contender")
    scale_bench.add_argument("--audit-row-limit", type=int, default=200_000, help="rows read per mart by the audit")
    scale_bench.add_argument("--repeats", type=int, default=20, help="runs of each analyst query")
    scale_bench.add_argument("--work", default="warehouse/scale", help="scratch folder (default warehouse/scale)")
    scale_bench.add_argument("--json", help="also write the results as JSON (for docs/benchmarks.md's chart)")
    add("validate-seeds", command_validate_seeds,
        "Check every seed row against its YAML (types, dates, keys, codes); errors name file, line and problem.")
    add("verify-evidence", command_verify_evidence,
        "Check that every evidence quote occurs in its document and every document's sha256 matches.")
    add("coverage", command_coverage,
        "List the corpus's quantitative mentions not covered by a fact or an exclusion, and print the coverage percentage.")
    add("info", command_info, "Print versions, paths, the published build, row counts per table and seed, "
        "and the extraction coverage.", aliases=("doctor",))
    rollback = add("rollback", command_rollback, "Publish a kept release again: by default the newest release older than the published one; --build-id picks any kept release.")
    rollback.add_argument("--build-id", help="the release to restore (see `security-ties info`)")
    validate = add("validate", command_validate,
                   "Run the Great Expectations checkpoint on every mart and build the Data Docs site.")
    validate.add_argument("--database", help="warehouse file to validate (default: the published one)")
    report = add("report", command_report, "Write the static offline HTML report with charts of the published warehouse.")
    report.add_argument("--output", help="output folder (default reports/)")
    return root


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    try:
        project = Project.from_environment()
        return arguments.handler(project, arguments)
    except (build_module.BuildError, SeedValidationError, EvidenceError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

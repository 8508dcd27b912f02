"""`security-ties-dev`: the developers' commands - the build benchmark, the scale benchmark and the synthetic
data it builds on. Analysts and operators use `security-ties` (cli.py); these commands build scratch warehouses
and never touch the published one."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from security_ties.cli import run_command
from security_ties.project import Project


def command_bench(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import bench

    print(bench.benchmark(project, runs=arguments.runs, baseline_ref=arguments.baseline, threads=arguments.threads,
                          with_edit_loop=arguments.edit_loop))
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
          f"audit row limit {arguments.audit_row_limit}, marts' PRIMARY KEY constraints "
          f"{'on' if arguments.key_constraints else 'off (enforce_key_constraints=false)'}; {bench.load_average()}")
    results = []
    for rows in arguments.rows:
        results.append(scale.run_scale(project.root, Path(arguments.work).resolve(), rows, seed=arguments.seed,
                                       memory_limit=arguments.memory_limit, duckdb_threads=arguments.duckdb_threads,
                                       audit_row_limit=arguments.audit_row_limit, repeats=arguments.repeats,
                                       key_constraints=arguments.key_constraints))
        print(scale.render(results[-1:]), flush=True)
    print(scale.render(results))
    print(bench.load_average())
    if arguments.json:
        Path(arguments.json).write_text(scale.to_json(results), encoding="utf-8")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="security-ties-dev", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[Project, argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    bench = add("bench", command_bench,
                "Run the real build into warehouse/bench/ and print where its time goes (seconds and share per step); "
                "--baseline/--threads compare configurations as ratios measured in the same run.")
    bench.add_argument("--runs", type=int, default=1, help="measured runs per configuration (after one warm-up)")
    bench.add_argument("--baseline", help="a git commit whose build is the baseline (e.g. main)")
    bench.add_argument("--threads", type=int, nargs="+", help="dbt thread counts to compare (the first is the baseline)")
    bench.add_argument("--edit-loop", action="store_true",
                       help="also time the edit loop in a copy of the project: a full build, then one seed row "
                            "edited and `build --changed`, then the edit undone and `build --changed` again")
    synth = add("synth", command_synth,
                "Write deterministic synthetic fact files with the fact seeds' shapes (for the scale benchmark).")
    synth.add_argument("--rows", type=int, required=True, help="fact rows in all, spread over the fact seeds")
    synth.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same files")
    synth.add_argument("--out", default="warehouse/synth", help="output folder (default warehouse/synth)")
    synth.add_argument("--format", default="parquet", choices=("parquet", "csv"), help="file format (models read Parquet)")
    scale_bench = add("bench-scale", command_bench_scale,
                      "Synthetic scale benchmark: dbt build vs a hand-written DuckDB script doing the same transforms "
                      "and checks (and vs dbt's compiled SQL replayed), memory, analyst query p95 and the bounded audit, "
                      "for each row count.")
    scale_bench.add_argument("--rows", type=int, nargs="+", default=[10_000], help="row counts (default 10000)")
    scale_bench.add_argument("--seed", type=int, default=0)
    scale_bench.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit for every contender")
    scale_bench.add_argument("--duckdb-threads", type=int, default=2, help="DuckDB threads for every contender")
    scale_bench.add_argument("--audit-row-limit", type=int, default=200_000, help="rows read per mart by the audit")
    scale_bench.add_argument("--repeats", type=int, default=20, help="runs of each analyst query")
    scale_bench.add_argument("--work", default="warehouse/scale", help="scratch folder (default warehouse/scale)")
    scale_bench.add_argument("--json", help="also write the results as JSON (for docs/benchmarks.md's chart)")
    scale_bench.add_argument("--key-constraints", action="store_true",
                             help="build the marts with their PRIMARY KEY constraints (default: without, "
                                  "enforce_key_constraints=false; the unique + not_null tests check the keys either way)")
    return root


def main(argv: list[str] | None = None) -> int:
    return run_command(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

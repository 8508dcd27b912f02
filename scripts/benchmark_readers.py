"""Read latency of the published warehouse while `security-ties build` replaces it, against an idle baseline.

    .venv/bin/python scripts/benchmark_readers.py [--readers 4] [--pause 0.25] [--skip-expectations] [--project DIR]

N reader processes loop over read-only reads of the published file. The script runs one full rebuild
(timed), then an idle baseline of the same length, and prints per phase the reads done, failed reads and
p50/p95 latency, and the rebuild/baseline ratios. It exits 1 if any read failed or saw two builds inside
one connection. Paths come from the environment like the CLI's (SECURITY_TIES_WAREHOUSE_DIR, CORPUS_DIR).

One read = a new read-only connection running two queries (the build id, then the build id again with a
count over two marts), so a read that saw a half-published state would report two build ids.
`--read DATABASE --out FILE --stop FILE` runs one reader (the tests use it): one JSON line per read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from security_ties.project import Project

ROOT = Path(__file__).resolve().parent.parent
READ_SQL = (
    "select (select build_id from meta.build_info) as build_id,"
    " (select count(*) from marts.dim_date) + (select count(*) from marts.dim_country) as row_count"
)


Read = dict[str, Any]


def one_read(database: str) -> Read:
    """Open, query twice, close; never raises: a failure is a record with its error."""
    started = time.time()
    clock = time.perf_counter()
    try:
        with duckdb.connect(database, read_only=True) as connection:
            first = connection.execute("select build_id from meta.build_info").fetchone()
            second = connection.execute(READ_SQL).fetchone()
        ids = [first[0] if first else None, second[0] if second else None]
        return {"start": started, "seconds": time.perf_counter() - clock, "ok": True, "ids": ids}
    except Exception as error:  # noqa: BLE001 - a reader reports every failure instead of dying
        return {"start": started, "seconds": time.perf_counter() - clock, "ok": False,
                "error": f"{type(error).__name__}: {error}", "ids": []}


def reader_loop(database: str, out: Path, stop: Path, pause: float) -> None:
    with out.open("w", encoding="utf-8") as handle:
        while not stop.exists():
            handle.write(json.dumps(one_read(database)) + "\n")
            handle.flush()
            time.sleep(pause)


def start_readers(database: Path, folder: Path, count: int, pause: float) -> tuple[list[subprocess.Popen[bytes]], list[Path], Path]:
    """`count` reader processes; returns them, their output files and the stop file that ends them."""
    stop = folder / "stop"
    outputs = [folder / f"reader-{i}.jsonl" for i in range(count)]
    processes = [
        subprocess.Popen([sys.executable, __file__, "--read", str(database), "--out", str(out), "--stop", str(stop),
                          "--pause", str(pause)])
        for out in outputs
    ]
    deadline = time.monotonic() + 60
    while not all(p.exists() and p.stat().st_size > 0 for p in outputs):
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            stop_readers(processes, stop)
            raise RuntimeError("the reader processes did not start reading")
        time.sleep(0.05)
    return processes, outputs, stop


def stop_readers(processes: list[subprocess.Popen[bytes]], stop: Path) -> None:
    stop.touch()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load_reads(outputs: list[Path]) -> list[Read]:
    return [json.loads(line) for out in outputs for line in out.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class PhaseStats:
    name: str
    seconds: float
    reads: int
    failed: int
    mixed: int
    p50_ms: float
    p95_ms: float


def phase_stats(name: str, reads: list[Read], start: float, end: float) -> PhaseStats:
    inside = [r for r in reads if start <= r["start"] < end]
    latencies = sorted(r["seconds"] * 1000 for r in inside if r["ok"])
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) >= 2 else [float("nan")] * 99
    mixed = sum(1 for r in inside if r["ok"] and len(set(r["ids"])) != 1)
    return PhaseStats(name, end - start, len(inside), sum(1 for r in inside if not r["ok"]), mixed, cuts[49], cuts[94])


def run_build(root: Path, skip_expectations: bool) -> float:
    command = [str(Path(sys.executable).parent / "security-ties"), "build"]
    if skip_expectations:
        command.append("--skip-expectations")
    started = time.monotonic()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return time.monotonic() - started


def benchmark(root: Path, readers: int, pause: float, skip_expectations: bool) -> int:
    published = Project.from_environment(root).published_path
    if not published.exists():
        print(f"no published warehouse at {published}; building one first (not measured)")
        run_build(root, skip_expectations)
    with tempfile.TemporaryDirectory(prefix="benchmark-readers-") as scratch:
        processes, outputs, stop = start_readers(published, Path(scratch), readers, pause)
        try:
            time.sleep(2)  # warm-up, not measured
            rebuild_start = time.time()
            run_build(root, skip_expectations)
            rebuild_end = time.time()
            time.sleep(2)  # let readers move to the new file before the baseline starts
            baseline_start = time.time()
            time.sleep(rebuild_end - rebuild_start)
            baseline_end = time.time()
        finally:
            stop_readers(processes, stop)
        reads = load_reads(outputs)
    phases = [phase_stats("rebuild", reads, rebuild_start, rebuild_end),
              phase_stats("baseline", reads, baseline_start, baseline_end)]
    print(f"{readers} reader processes, pause {pause * 1000:.0f} ms between reads, file {published}")
    print(f"{'phase':10} {'seconds':>8} {'reads':>7} {'failed':>7} {'mixed':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for p in phases:
        print(f"{p.name:10} {p.seconds:8.1f} {p.reads:7d} {p.failed:7d} {p.mixed:6d} {p.p50_ms:8.2f} {p.p95_ms:8.2f}")
    rebuild, baseline = phases
    print(f"ratio rebuild/baseline: p50 {rebuild.p50_ms / baseline.p50_ms:.2f}, p95 {rebuild.p95_ms / baseline.p95_ms:.2f}")
    build_ids = sorted({i for r in reads for i in r["ids"]})
    print(f"build ids seen: {', '.join(build_ids)}")
    errors = sorted({str(r["error"]) for r in reads if not r["ok"]})
    for error in errors[:10]:
        print(f"  failed read: {error}")
    return 1 if any(p.failed or p.mixed for p in phases) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=4, help="reader processes (default 4)")
    parser.add_argument("--pause", type=float, default=0.25, help="seconds each reader sleeps between reads (default 0.25)")
    parser.add_argument("--skip-expectations", action="store_true", help="build without the GX checkpoint")
    parser.add_argument("--project", type=Path, default=ROOT, help="project root to build (default this repository)")
    parser.add_argument("--read", metavar="DATABASE", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.read:
        reader_loop(arguments.read, arguments.out, arguments.stop, arguments.pause)
        return 0
    return benchmark(arguments.project.resolve(), arguments.readers, arguments.pause, arguments.skip_expectations)


if __name__ == "__main__":
    sys.exit(main())

"""The build benchmark: where the time of a real `security-ties build` goes, and how it compares.

`security-ties-dev bench` runs the real write-audit-publish build (every dbt data test and expectation)
as a subprocess into a scratch warehouse folder (warehouse/bench/, so the published warehouse is untouched and
dbt's partial parse stays warm from run to run), and prints each step's seconds and share of the whole:
pre-flight, values, evidence, dbt start-up (import and parse), seeds, models, tests, unit tests, audit,
publish, exports. dbt's one `dbt build` is split by node type in proportion to the node times in its
run_results.json.

Machines here are shared, so wall seconds are noisy: every figure is also given as CPU seconds (user +
system of the build and all its children), and comparisons are ratios against a baseline measured in the
same run, interleaved (baseline, candidate, baseline, candidate ...), medians of `runs`:
- `--baseline REF`: the build of another commit (its tree exported with `git archive`, run with this venv);
- `--threads 1 2 4`: the build with each dbt thread count, against the first one given;
- `--edit-loop`: in a copy of the project, a full build, then one seed row edited and `build --changed`, then
  the edit undone and `build --changed` again, each against the full build; with `--baseline`, the same loop
  in a copy of the baseline's tree, and each build's ratio against it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from collections.abc import Sequence

from security_ties.project import Project

STEP_ORDER = ("pre-flight", "values", "evidence", "dbt start-up", "seeds", "models", "tests", "unit tests", "audit",
              "publish", "exports")
KIND_NAMES = {"seed": "seeds", "model": "models", "test": "tests", "unit_test": "unit tests"}


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    steps: dict[str, float] = field(default_factory=dict)


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def breakdown(timings: dict[str, float], target: Path) -> dict[str, float]:
    """The build's step timings in STEP_ORDER: dbt's wall time after its start-up (import and parse) is split
    into seeds, models, tests and unit tests in proportion to their node times in run_results.json."""
    steps = {name: timings.get(name, 0.0) for name in STEP_ORDER}
    nodes_wall = max(0.0, timings.get("dbt", 0.0) - timings.get("dbt start-up", 0.0))
    node_time: dict[str, float] = {}
    path = target / "run_results.json"
    if path.is_file():
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            kind = KIND_NAMES.get(result["unique_id"].split(".", 1)[0])
            if kind:
                node_time[kind] = node_time.get(kind, 0.0) + float(result.get("execution_time") or 0.0)
    total = sum(node_time.values()) or 1.0
    for kind, seconds in node_time.items():
        steps[kind] = nodes_wall * seconds / total
    return steps


def run_build(root: Path, warehouse: Path, corpus: Path, label: str, options: Sequence[str] = (),
              src: Path | None = None, changed: bool = False) -> Run:
    """One real build as a subprocess, with the build `options` (e.g. --threads 4); `src` runs another tree's
    package (a baseline) with this venv; `changed` runs `build --changed`."""
    timings_file = warehouse / "bench-timings.json"
    timings_file.unlink(missing_ok=True)
    env = {**os.environ, "SECURITY_TIES_WAREHOUSE_DIR": str(warehouse), "CORPUS_DIR": str(corpus)}
    command = [sys.executable, "-m", "security_ties.cli", "build", "--quiet"] + (["--changed"] if changed else [])
    if src is None:
        command += ["--timings-json", str(timings_file), *options]
    else:
        env["PYTHONPATH"] = str(src)
    cpu_before, started = _cpu_of_children(), time.perf_counter()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - started, _cpu_of_children() - cpu_before
    if result.returncode != 0:
        raise RuntimeError(f"the {label} build failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    steps = {}
    if timings_file.is_file():
        steps = breakdown(json.loads(timings_file.read_text(encoding="utf-8")), warehouse / "dbt" / "target")
    return Run(label, wall, cpu, steps)


EDITED_SEED = Path("seeds") / "facts" / "trade_figures.csv"
COPY_IGNORES = (".venv*", "warehouse", "target", "logs", ".git", "__pycache__", "reports", "gx")


def edit_one_row(seed: Path) -> str:
    """The edit of the edit-loop benchmark (and of the test that a `--changed` build equals a full one):
    shorten the evidence quote of the trade seed's first row (TRD-001-01) to the clause that states its value,
    an edit the pre-flight, the value check and the evidence check accept and that flows into the trade marts
    and the provenance; returns the edited fact id."""
    text = seed.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    if rows[0]["fact_id"] != "TRD-001-01" or "growing from $2.2 billion in 2019" not in rows[0]["evidence"]:
        raise RuntimeError(f"{seed}: the first row is no longer TRD-001-01 with its 2019 quote; update edit_one_row")
    rows[0]["evidence"] = "growing from $2.2 billion in 2019"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    seed.write_text(out.getvalue(), encoding="utf-8")
    return rows[0]["fact_id"]


def copy_tree(root: Path, destination: Path) -> Path:
    """The project's sources without venvs, warehouses or build output: a checkout to edit freely."""
    shutil.copytree(root, destination, ignore=shutil.ignore_patterns(*COPY_IGNORES))
    return destination


EDIT_LOOP = ("full build", "--changed after a one-row edit", "--changed after undoing it")


def edit_loop(project: Project, trees: dict[str, tuple[Path, Path | None]], runs: int = 1) -> dict[str, dict[str, list[Run]]]:
    """The edit loop in a copy of each tree (label -> (its files, the `src` to run them with: None for this
    checkout)), interleaved build by build: a warm-up full build (it parses from scratch), then `runs` times a
    full build, one seed row edited and `build --changed`, the edit undone and `build --changed` again. Returns,
    per tree, the runs of each of the three, by EDIT_LOOP name."""
    scratch = Path(tempfile.mkdtemp(prefix="security-ties-edit-loop-"))
    try:
        copies = {label: copy_tree(tree, scratch / f"project-{index}") for index, (label, (tree, _)) in enumerate(trees.items())}
        originals = {label: (root / EDITED_SEED).read_bytes() for label, root in copies.items()}
        results: dict[str, dict[str, list[Run]]] = {label: {name: [] for name in EDIT_LOOP} for label in trees}

        def each(step: str, edit: bool | None, changed: bool, keep: bool) -> None:
            for index, (label, (_, src)) in enumerate(trees.items()):
                root, warehouse = copies[label], scratch / f"warehouse-{index}"
                if edit is True:
                    edit_one_row(root / EDITED_SEED)
                elif edit is False:
                    (root / EDITED_SEED).write_bytes(originals[label])
                run = run_build(root, warehouse, project.corpus_dir, f"{label} {step}", src=src, changed=changed)
                if keep:
                    results[label][step].append(run)

        each(EDIT_LOOP[0], None, False, keep=False)  # the warm-up
        for _ in range(runs):
            each(EDIT_LOOP[0], None, False, keep=True)
            each(EDIT_LOOP[1], True, True, keep=True)
            each(EDIT_LOOP[2], False, True, keep=True)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def render_edit_loop(ours: dict[str, list[Run]], baseline: dict[str, list[Run]] | None, runs: int) -> str:
    """Each edit-loop build against the full build of the same tree, and (with a baseline) against the same
    build of the baseline, measured interleaved with it."""
    lines = [f"Edit loop ({EDITED_SEED}, first row's quote shortened), {runs} run(s), medians:",
             render_comparison(ours[EDIT_LOOP[0]], {name: ours[name] for name in EDIT_LOOP[1:]})]
    if baseline:
        lines += ["", "Edit loop against the baseline, interleaved (ratios: this checkout / baseline):",
                  f"{'build':<32} {'base wall':>9} {'wall':>6} {'ratio':>6} {'base CPU':>9} {'CPU':>6} {'ratio':>6}",
                  "-" * 80]
        for name in EDIT_LOOP:
            wall_before, wall_after = (statistics.median(r.wall for r in runs_of[name]) for runs_of in (baseline, ours))
            cpu_before, cpu_after = (statistics.median(r.cpu for r in runs_of[name]) for runs_of in (baseline, ours))
            lines.append(f"{name:<32} {wall_before:>9.1f} {wall_after:>6.1f} {wall_after / wall_before:>6.2f} "
                         f"{cpu_before:>9.1f} {cpu_after:>6.1f} {cpu_after / cpu_before:>6.2f}")
    return "\n".join(lines + ["", "Breakdown of `--changed` after the edit:", render_breakdown(ours[EDIT_LOOP[1]])])


def export_tree(root: Path, ref: str, destination: Path) -> Path:
    """The files of commit `ref` (git archive) in `destination`, with the corpus path of this checkout."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=root, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def render_breakdown(runs: list[Run]) -> str:
    """Median seconds and share per step over the runs of one configuration."""
    medians = {name: statistics.median(r.steps.get(name, 0.0) for r in runs) for name in STEP_ORDER}
    total = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    lines = [f"{'step':<14} {'seconds':>8} {'share':>7}", "-" * 31]
    lines += [f"{name:<14} {seconds:>8.1f} {100 * seconds / total:>6.1f}%" for name, seconds in medians.items()]
    lines += ["-" * 31, f"{'total (wall)':<14} {total:>8.1f} {100.0:>6.1f}%", f"{'total (CPU)':<14} {cpu:>8.1f}"]
    return "\n".join(lines)


def render_comparison(baseline: list[Run], candidates: dict[str, list[Run]]) -> str:
    base_wall = statistics.median(r.wall for r in baseline)
    base_cpu = statistics.median(r.cpu for r in baseline)
    lines = [f"{'configuration':<28} {'wall s':>8} {'CPU s':>8} {'wall ratio':>11} {'CPU ratio':>10}", "-" * 69,
             f"{baseline[0].label + ' (baseline)':<28} {base_wall:>8.1f} {base_cpu:>8.1f} {1.0:>11.2f} {1.0:>10.2f}"]
    for label, runs in candidates.items():
        wall, cpu = statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs)
        lines.append(f"{label:<28} {wall:>8.1f} {cpu:>8.1f} {wall / base_wall:>11.2f} {cpu / base_cpu:>10.2f}")
    return "\n".join(lines)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def configurations_of(threads: list[int] | None) -> list[tuple[str, list[str]]]:
    """(label, build options) of this checkout's configurations: one per thread count, or the default."""
    if threads:
        return [(f"this checkout, {count} threads", ["--threads", str(count)]) for count in threads]
    return [("this checkout", [])]


def benchmark(project: Project, runs: int = 1, baseline_ref: str | None = None, threads: list[int] | None = None,
              with_edit_loop: bool = False) -> str:
    """Run the benchmark and return the report (see the module docstring)."""
    root = project.root
    bench_dir = root / "warehouse" / "bench"
    report = [f"security-ties build benchmark, {runs} run(s) per configuration, medians; {load_average()} at start"]
    configurations: list[tuple[str, list[str], Path | None]] = []
    # dbt's partial parse keeps the paths of the last run's baseline tree (a temporary folder): start afresh
    shutil.rmtree(bench_dir, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix="security-ties-bench-"))
    try:
        if baseline_ref:
            tree = export_tree(root, baseline_ref, scratch / "baseline")
            configurations.append((f"commit {baseline_ref}", [], tree))
        configurations += [(label, options, None) for label, options in configurations_of(threads)]
        results: dict[str, list[Run]] = {label: [] for label, _, _ in configurations}
        # one warm-up each (not counted): the first build in a folder parses the project from scratch
        for measured in [False] + [True] * runs:
            for label, options, tree in configurations:
                folder = bench_dir / label.replace(" ", "_").replace(",", "").replace("(", "").replace(")", "")
                run = run_build(tree or root, folder, project.corpus_dir, label, options, (tree / "src") if tree else None)
                if measured:
                    results[label].append(run)
        ours = [label for label, _, tree in configurations if tree is None]
        report += ["", f"Breakdown of the build ({ours[0]}):", render_breakdown(results[ours[0]])]
        if len(configurations) > 1:
            first, *rest = configurations
            report += ["", "Comparison (ratios against the first configuration, measured in this run):",
                       render_comparison(results[first[0]], {label: results[label] for label, _, _ in rest})]
        if with_edit_loop:
            trees = {label: (tree, tree / "src") for label, _, tree in configurations if tree is not None}
            trees["this checkout"] = (root, None)
            loops = edit_loop(project, trees, runs)
            baseline = next((loops[label] for label in loops if label != "this checkout"), None)
            report += ["", render_edit_loop(loops["this checkout"], baseline, runs)]
        report.append(f"\n{load_average()} at the end")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "\n".join(report)

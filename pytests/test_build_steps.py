"""The build's orchestration in small pieces: the step timer, the dbt invocation of a full and of a `--changed`
build, the seed -> staging edges it relies on, the completeness check over dbt's results, the benchmark's
breakdown and dbt's node counter."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from security_ties import dbt_runner
from security_ties.bench import STEP_ORDER, breakdown
from security_ties.dbt_runner import Counter, DbtRun, build_arguments, failed_nodes, unrun_nodes
from security_ties.progress import Progress
from security_ties.project import Project

ROOT = Path(__file__).resolve().parents[1]


def write_results(target: Path, results: list[dict[str, object]], elapsed: float = 0.0) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "run_results.json").write_text(json.dumps({"results": results, "elapsed_time": elapsed}),
                                             encoding="utf-8")


def test_progress_prints_each_step_start_and_end_with_its_time_and_keeps_it() -> None:
    stream = io.StringIO()
    progress = Progress(stream=stream)
    with progress.step("pre-flight"):
        pass
    with pytest.raises(RuntimeError), progress.step("dbt"):
        raise RuntimeError("boom")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[pre-flight] started" and lines[1].startswith("[pre-flight] done in ")
    assert lines[2] == "[dbt] started" and lines[3].startswith("[dbt] FAILED after ")
    assert set(progress.timings) == {"pre-flight", "dbt"}


def test_quiet_progress_prints_nothing_but_keeps_the_times() -> None:
    stream = io.StringIO()
    progress = Progress(quiet=True, stream=stream)
    with progress.step("audit"):
        progress.suite_counter(1, 21, "dim_country")
    assert stream.getvalue() == "" and "audit" in progress.timings


def test_a_node_that_dbt_did_not_run_is_reported(tmp_path: Path) -> None:
    project = Project(root=tmp_path, corpus_dir=tmp_path, warehouse_dir=tmp_path / "warehouse")
    manifest = {"nodes": {"seed.p.countries": {}, "model.p.stg": {}, "test.p.orphan": {}, "analysis.p.a": {}},
                "unit_tests": {"unit_test.p.stg.case": {}}}
    target = dbt_runner.target_path(project)
    target.mkdir(parents=True)
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    results = [{"unique_id": "seed.p.countries", "status": "success"}, {"unique_id": "model.p.stg", "status": "success"}]
    assert unrun_nodes(project, results) == ["test.p.orphan"]  # the unit test runs in `make test`, not the build


def test_a_full_build_builds_everything_and_a_changed_one_passes_the_published_state_to_the_worker() -> None:
    assert build_arguments(None, None) == []
    state = Path("/w/dbt/state/b1")
    assert build_arguments(state, 4) == ["--state", str(state), "--threads", "4"]


def test_every_staging_model_declares_the_seed_it_reads_so_one_dbt_build_orders_and_selects_it() -> None:
    """Staging reads each seed through `source()` (so the scale benchmark can swap in Parquet files), which gives
    dbt no edge seed -> staging; the `-- depends_on: ref(seed)` line adds it, so one `dbt build` loads a seed
    before its staging model and `state:modified+` of a seed reaches everything downstream."""
    staging = sorted((ROOT / "models" / "staging").rglob("stg_*.sql"))
    assert len(staging) > 20
    missing = []
    for path in staging:
        text = path.read_text(encoding="utf-8")
        for table in re.findall(r"source\('[a-z_]+', '([a-z_]+)'\)", text):
            if f"-- depends_on: {{{{ ref('{table}') }}}}" not in text:
                missing.append(f"{path.relative_to(ROOT)}: {table}")
    assert not missing, f"staging models without a depends_on line for the seed they read: {missing}"


def test_a_failed_build_names_the_failing_nodes_or_else_what_dbt_logged() -> None:
    results = [{"unique_id": "test.p.t", "status": "fail", "message": "Got 1 result"},
               {"unique_id": "model.p.m", "status": "success"}]
    assert failed_nodes(DbtRun(1, results, [], 1.0)) == ["test.p.t: fail - Got 1 result"]
    parse_error = DbtRun(2, [], ["Compilation Error in model m: unknown macro"], 0.0)
    assert failed_nodes(parse_error) == ["Compilation Error in model m: unknown macro"]
    assert failed_nodes(DbtRun(2, [], [], 0.0)) == ["dbt failed without a message"]


def test_the_breakdown_splits_dbt_after_its_start_up_by_node_time(tmp_path: Path) -> None:
    write_results(tmp_path, [{"unique_id": "seed.p.a", "execution_time": 3.0},
                             {"unique_id": "model.p.m", "execution_time": 2.0},
                             {"unique_id": "test.p.t1", "execution_time": 1.0},
                             {"unique_id": "unit_test.p.m.u", "execution_time": 4.0}])
    timings = {"pre-flight": 1.0, "values": 0.2, "evidence": 0.5, "dbt": 25.0, "dbt start-up": 5.0, "audit": 6.0,
               "publish": 0.5, "exports": 1.0}
    steps = breakdown(timings, tmp_path)
    assert list(steps) == list(STEP_ORDER)
    assert steps["seeds"] == pytest.approx(6.0) and steps["models"] == pytest.approx(4.0)
    assert steps["tests"] == pytest.approx(2.0) and steps["unit tests"] == pytest.approx(8.0)
    assert steps["dbt start-up"] == pytest.approx(5.0) and steps["values"] == pytest.approx(0.2)


def event(name: str, index: int, total: int, status: str, level: str = "info") -> str:
    """One line of dbt's `--log-format json` output."""
    return json.dumps({"info": {"name": name, "level": level, "msg": f"{status.upper()} node {index}"},
                       "data": {"index": index, "total": total, "status": status}})


def test_the_node_counter_prints_n_of_total_and_every_failure() -> None:
    stream = io.StringIO()
    counter = Counter(Progress(stream=stream))
    counter(event("LogModelResult", 1, 3, "success"))
    counter(event("LogTestResult", 2, 3, "fail"))
    counter(event("LogTestResult", 3, 3, "pass"))
    counter(event("MainReportVersion", 0, 0, ""))  # not a node result
    counter(event("RunningOperationCaughtError", 0, 0, "boom", level="error"))
    counter("Traceback (most recent call last):\n")  # not dbt's JSON: kept for the error message
    printed = stream.getvalue().splitlines()
    assert printed == ["  dbt build 1/3", "  dbt build 2/3 FAIL node 2", "  dbt build 3/3"]
    assert (counter.done, counter.total) == (3, 3)
    assert counter.errors == ["BOOM node 0", "Traceback (most recent call last):"]

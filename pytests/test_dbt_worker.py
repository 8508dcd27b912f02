"""The build's one speed mechanism (dbt_worker.py): dbt parses once, the seeds and models are built in a forked
child, and the data tests run in two parts side by side in forked children, each on a copy of
the built file. Both parts run and together run every test, a failing test in either part fails the build
and publishes nothing, no copy or DuckDB log file is left behind, and killing the build kills every child."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from conftest import command_line, copy_project, descendants, run_cli, running
from security_ties.dbt_runner import Counter
from security_ties.dbt_worker import PARTS_EVENT, TEST_PARTS, split
from security_ties.progress import Progress
from security_ties.project import PUBLISHED_NAME
from security_ties.publish import published_build_id

# Two singular tests whose ids are neighbours in sorted order, so the round robin puts them in different parts.
FAILING_TESTS = ("test_zz_injected_part_a", "test_zz_injected_part_b")
TEST_KINDS = ("test.",)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_tests_are_split_round_robin_into_balanced_disjoint_parts() -> None:
    tests = sorted(f"test.p.t{index:03d}" for index in range(11))
    parts = split(tests, TEST_PARTS)
    assert len(parts) == 2 and sorted(parts[0] + parts[1]) == tests
    assert abs(len(parts[0]) - len(parts[1])) <= 1
    assert split(["test.p.only"], TEST_PARTS) == [["test.p.only"]]  # no empty part
    assert split(["test.p.a", "test.p.b"], TEST_PARTS) == [["test.p.a"], ["test.p.b"]]  # neighbours split


def result_line(name: str, index: int, total: int, status: str) -> str:
    return json.dumps({"info": {"name": name, "level": "info", "msg": f"{status.upper()} {index}"},
                       "data": {"index": index, "total": total, "status": status}})


def test_the_node_counter_counts_the_models_step_and_every_test_part_as_one_total() -> None:
    stream = io.StringIO()
    counter = Counter(Progress(stream=stream))
    counter(result_line("LogModelResult", 1, 2, "success"))
    counter(result_line("LogModelResult", 2, 2, "success"))
    counter(json.dumps({"info": {"name": PARTS_EVENT, "level": "info", "msg": "tests in 2 parallel parts: 2 + 1"},
                        "data": {"total": 3, "parts": [2, 1]}}))
    counter(result_line("LogTestResult", 1, 2, "pass"))  # part 1
    counter(result_line("LogTestResult", 1, 1, "fail"))  # part 2, numbered by its own dbt
    counter(result_line("LogTestResult", 2, 2, "pass"))
    assert (counter.done, counter.total) == (5, 5)
    printed = stream.getvalue().splitlines()
    assert "  dbt: tests in 2 parallel parts: 2 + 1" in printed
    assert "  dbt build 4/5 FAIL 1" in printed and printed[-1] == "  dbt build 5/5"


@dataclass(frozen=True)
class Workspace:
    root: Path
    warehouse: Path
    corpus: Path

    @property
    def env(self) -> dict[str, str]:
        return {"SECURITY_TIES_WAREHOUSE_DIR": str(self.warehouse), "CORPUS_DIR": str(self.corpus)}

    @property
    def published(self) -> Path:
        return self.warehouse / PUBLISHED_NAME

    @property
    def target(self) -> Path:
        return self.warehouse / "dbt" / "target"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, published_warehouse: Path, corpus_dir: Path) -> Workspace:
    """A project copy whose warehouse starts as a copy of the published file."""
    base = tmp_path_factory.mktemp("worker")
    space = Workspace(copy_project(base / "project"), base / "warehouse", corpus_dir)
    space.warehouse.mkdir()
    shutil.copy2(published_warehouse, space.published)
    return space


@dataclass(frozen=True)
class FailingBuild:
    result: subprocess.CompletedProcess[str]
    sha_before: str
    id_before: str | None


@pytest.fixture(scope="module")
def failing_build(workspace: Workspace) -> FailingBuild:
    """A full build with one always-failing singular test in each part."""
    sha_before, id_before = sha256(workspace.published), published_build_id(workspace.published)
    injected = [workspace.root / "tests" / f"{name}.sql" for name in FAILING_TESTS]
    for path in injected:
        path.write_text("-- injected by pytests/test_dbt_worker.py: always one failing row\nselect 1 as failing_row\n",
                        encoding="utf-8")
    try:
        result = run_cli(workspace.root, "build", "--skip-expectations", env=workspace.env)
    finally:
        for path in injected:
            path.unlink()
    return FailingBuild(result, sha_before, id_before)


def part_results(target: Path) -> list[dict[str, str]]:
    """Test unique id -> status, for each test part's own run results (which also list the project's hooks)."""
    files = sorted((target / "parts").glob("tests-*.json"))
    return [{r["unique_id"]: r["status"] for r in json.loads(path.read_text(encoding="utf-8"))["results"]
             if r["unique_id"].startswith(TEST_KINDS)} for path in files]


def test_both_test_parts_ran_and_together_ran_every_test_once(workspace: Workspace, failing_build: FailingBuild) -> None:
    parts = part_results(workspace.target)
    assert len(parts) == TEST_PARTS and all(parts), "each part runs its own share of the tests"
    assert not set(parts[0]) & set(parts[1])
    manifest = json.loads((workspace.target / "manifest.json").read_text(encoding="utf-8"))
    every_test = {uid for uid in manifest["nodes"] if uid.startswith(TEST_KINDS)}
    assert set(parts[0]) | set(parts[1]) == every_test and len(every_test) > 500
    merged = json.loads((workspace.target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert {r["unique_id"] for r in merged if r["unique_id"].startswith(TEST_KINDS)} == every_test
    assert not any(r["unique_id"].startswith("unit_test.") for r in merged)  # they run in `make test`
    sizes = [len(part) for part in parts]
    assert f"data tests in 2 parallel parts: {sizes[0]} + {sizes[1]}" in failing_build.result.stdout


def test_a_failing_test_in_either_part_fails_the_build_and_publishes_nothing(workspace: Workspace,
                                                                            failing_build: FailingBuild) -> None:
    result = failing_build.result
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "dbt build failed; the published warehouse was not changed" in result.stderr
    parts = part_results(workspace.target)
    for name in FAILING_TESTS:
        uid = f"test.security_ties.{name}"
        assert uid in result.stderr
        assert [part.get(uid) for part in parts].count("fail") == 1
    failing_parts = {index for index, part in enumerate(parts) for name in FAILING_TESTS
                     if part.get(f"test.security_ties.{name}") == "fail"}
    assert failing_parts == {0, 1}, "one injected failure in each part"
    assert sha256(workspace.published) == failing_build.sha_before
    assert published_build_id(workspace.published) == failing_build.id_before
    assert list((workspace.warehouse / "builds").iterdir()) == []


def test_the_worker_leaves_the_built_file_complete_and_no_copy_or_log_file(workspace: Workspace,
                                                                           failing_build: FailingBuild) -> None:
    """Run the worker alone (the build would remove its candidate folder anyway): after it, the folder of the
    built file holds that file only, and the file alone holds every mart (the on-run-end checkpoint)."""
    database = workspace.warehouse / "alone" / PUBLISHED_NAME
    database.parent.mkdir()
    target = workspace.warehouse / "alone-target"
    done = subprocess.run([sys.executable, "-m", "security_ties.dbt_worker", "--target-path", str(target),
                           "--log-path", str(target / "logs")], cwd=workspace.root, capture_output=True, text=True,
                          env={**os.environ, **workspace.env, "SECURITY_TIES_DB": str(database)}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(path.name for path in database.parent.iterdir()) == [PUBLISHED_NAME]
    with duckdb.connect(str(database), read_only=True) as connection:
        marts = connection.execute("select count(*) from duckdb_tables() where schema_name = 'marts'").fetchone()
        rows = connection.execute("select count(*) from marts.fct_trade_flow").fetchone()
    assert marts is not None and marts[0] > 20 and rows is not None and rows[0] > 0
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert results and all(r["status"] in ("pass", "success", "no-op") for r in results)


def test_killing_the_build_kills_the_worker_and_both_test_parts(workspace: Workspace,
                                                               failing_build: FailingBuild) -> None:
    """SIGKILL of the build process alone while both parts run: every dbt process under it dies within 2 s."""
    builds = workspace.warehouse / "builds"
    process = subprocess.Popen([str(Path(sys.executable).parent / "security-ties"), "build", "--skip-expectations"],
                               cwd=workspace.root, env={**os.environ, **workspace.env}, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dbt_pids: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            dbt_pids = [pid for pid in descendants(process.pid) if "security_ties.dbt_worker" in command_line(pid)]
            if len(dbt_pids) >= 1 + TEST_PARTS and any(builds.glob("*/test-part-2")):
                break
            time.sleep(0.05)
        assert process.poll() is None and len(dbt_pids) >= 1 + TEST_PARTS, \
            f"the worker and its {TEST_PARTS} test parts were never seen running: {dbt_pids}"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 2
        while any(running(pid) for pid in dbt_pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in dbt_pids if running(pid)] == []
    finally:
        for pid in descendants(process.pid) + dbt_pids:  # never leave a stray dbt behind a failed test
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()

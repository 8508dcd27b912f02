"""Publishing is safe: readers during a rebuild, a build killed with SIGKILL, a build whose dbt tests fail,
the exports, and rollback. Every build here runs `security-ties build --skip-expectations` as a subprocess
in a copy of the project with its own SECURITY_TIES_WAREHOUSE_DIR, starting from a copy of the published
warehouse. Two real builds are shared through module fixtures: the killed one, then the one under load
(which is also the "later build" that must succeed after the kill).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import ROOT, command_line, copy_project, descendants, run_cli, running, write_mode_client
from security_ties.publish import list_releases, published_build_id
from security_ties.exports import MANIFEST, export_marts
from security_ties.project import PUBLISHED_NAME, Project

BENCHMARK = ROOT / "scripts" / "benchmark_readers.py"
READERS = 4
INJECTED_TEST = "test_injected__always_fails"

# A BI-style client: one SQLAlchemy connection (the Superset URI) held open for the whole build.
HOLDER = """
import json, sys, time
from pathlib import Path
import sqlalchemy as sa
database, ready, stop = sys.argv[1:4]
engine = sa.create_engine(f"duckdb:///{database}?access_mode=read_only")
query = sa.text("select build_id from meta.build_info")
with engine.connect() as connection:
    first = connection.execute(query).scalar()
    Path(ready).write_text(first)
    while not Path(stop).exists():
        time.sleep(0.05)
    second = connection.execute(query).scalar()
print(json.dumps({"first": first, "second": second}))
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(connection: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = connection.execute(f"select count(*) from {relation}").fetchone()
    assert row is not None
    return int(row[0])


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.05)


@dataclass(frozen=True)
class Workspace:
    root: Path
    warehouse: Path
    corpus: Path

    @property
    def project(self) -> Project:
        return Project(root=self.root, corpus_dir=self.corpus, warehouse_dir=self.warehouse, keep_releases=3)

    @property
    def published(self) -> Path:
        return self.warehouse / PUBLISHED_NAME

    @property
    def env(self) -> dict[str, str]:
        return {"SECURITY_TIES_WAREHOUSE_DIR": str(self.warehouse), "SECURITY_TIES_KEEP_RELEASES": "3",
                "CORPUS_DIR": str(self.corpus)}

    def cli(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return run_cli(self.root, *arguments, env=self.env)

    def build_command(self) -> list[str]:
        return [str(Path(sys.executable).parent / "security-ties"), "build", "--skip-expectations"]

    def current_export(self) -> dict[str, Any]:
        return json.loads((self.warehouse / "exports" / "current" / MANIFEST).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, published_warehouse: Path, project: Project) -> Workspace:
    """A project copy whose warehouse starts as a copy of the published file, exported once."""
    base = tmp_path_factory.mktemp("publish")
    space = Workspace(copy_project(base / "project"), base / "warehouse", project.corpus_dir)
    space.warehouse.mkdir()
    shutil.copy2(published_warehouse, space.published)
    build_id = published_build_id(space.published)
    assert build_id, f"{published_warehouse} has no meta.build_info"
    export_marts(space.project, space.published, build_id)
    return space


@dataclass
class KilledBuild:
    sha_before: str
    sha_after: str
    id_before: str
    id_after: str | None
    returncode: int
    stale: list[Path]
    dbt_pids: list[int]
    dbt_left: list[int]


@pytest.fixture(scope="module")
def killed_build(workspace: Workspace) -> KilledBuild:
    """A build SIGKILLed while dbt writes the candidate: the build process alone, not its process group, as a
    user's `kill -9 <pid>` or an OOM killer would. dbt must die with it."""
    sha_before, id_before = sha256(workspace.published), published_build_id(workspace.published)
    builds = workspace.warehouse / "builds"
    process = subprocess.Popen(workspace.build_command(), cwd=workspace.root, env={**os.environ, **workspace.env},
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dbt_pids: list[int] = []
    try:
        wait_for(lambda: any(builds.glob(f"*/{PUBLISHED_NAME}")) or process.poll() is not None, 180,
                 "dbt to create the candidate file")
        time.sleep(2)  # dbt is loading seeds / building models into the candidate
        assert process.poll() is None, "the build ended before it could be killed mid-way"
        dbt_pids = [pid for pid in descendants(process.pid) if "dbt" in command_line(pid)]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 2
        while any(running(pid) for pid in dbt_pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        dbt_left = [pid for pid in dbt_pids if running(pid)]
    finally:
        for pid in descendants(process.pid) + dbt_pids:  # never leave a stray dbt behind a failed test
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert id_before
    return KilledBuild(sha_before, sha256(workspace.published), id_before, published_build_id(workspace.published),
                       process.returncode, sorted(builds.iterdir()), dbt_pids, dbt_left)


def watch_exports(exports_dir: Path, stop: threading.Event, seen: set[str], problems: list[str]) -> None:
    """Follow exports/current as a reader would: it must always be a complete export folder."""
    while not stop.is_set():
        try:
            folder = (exports_dir / "current").resolve(strict=True)
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            expected = {f"{t}.{f}" for t in manifest["tables"] for f in manifest["formats"]}
            missing = expected - set(os.listdir(folder))
            if missing or not manifest["tables"] or folder.name != manifest["build_id"]:
                problems.append(f"{folder.name}: incomplete (missing {sorted(missing)[:3]})")
            seen.add(manifest["build_id"])
        except Exception as error:  # noqa: BLE001 - every surprise is a finding
            problems.append(repr(error))
        time.sleep(0.01)


@dataclass
class RebuildUnderLoad:
    result: subprocess.CompletedProcess[str]
    seconds: float
    id_before: str
    id_after: str | None
    reads: dict[int, list[dict[str, Any]]]
    holder: dict[str, str]
    exports_seen: set[str] = field(default_factory=set)
    export_problems: list[str] = field(default_factory=list)
    builds_left: list[Path] = field(default_factory=list)


@pytest.fixture(scope="module")
def rebuild_under_load(workspace: Workspace, killed_build: KilledBuild, tmp_path_factory: pytest.TempPathFactory) -> RebuildUnderLoad:
    """After the kill: a full build while 4 reader processes loop, a BI client holds a connection open and a
    thread follows exports/current."""
    scratch = tmp_path_factory.mktemp("load")
    id_before = published_build_id(workspace.published)
    assert id_before
    stop = scratch / "stop"
    outputs = [scratch / f"reader-{i}.jsonl" for i in range(READERS)]
    readers = [subprocess.Popen([sys.executable, str(BENCHMARK), "--read", str(workspace.published), "--out", str(out),
                                 "--stop", str(stop), "--pause", "0.5"]) for out in outputs]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(workspace.published), str(scratch / "ready"), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    watch_stop = threading.Event()
    seen: set[str] = set()
    problems: list[str] = []
    watcher = threading.Thread(target=watch_exports, args=(workspace.warehouse / "exports", watch_stop, seen, problems))
    watcher.start()
    try:
        wait_for(lambda: all(o.exists() and o.stat().st_size for o in outputs) and (scratch / "ready").exists(), 60,
                 "the readers and the BI client to read")
        started = time.monotonic()
        result = subprocess.run(workspace.build_command(), cwd=workspace.root, env={**os.environ, **workspace.env},
                                capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        time.sleep(1.5)  # readers open the new file
    finally:
        stop.touch()
        watch_stop.set()
        watcher.join()
        for reader in readers:
            reader.wait(timeout=60)
        holder_out, _ = holder.communicate(timeout=60)
    reads = {i: [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] for i, out in enumerate(outputs)}
    return RebuildUnderLoad(result, seconds, id_before, published_build_id(workspace.published), reads,
                            json.loads(holder_out), seen, problems, sorted((workspace.warehouse / "builds").iterdir()))


def test_a_build_killed_with_sigkill_takes_its_dbt_with_it_within_two_seconds(killed_build: KilledBuild) -> None:
    assert killed_build.dbt_pids, "no dbt process was running under the build when it was killed"
    assert killed_build.dbt_left == []


def test_a_build_killed_with_sigkill_leaves_the_published_file_byte_identical(killed_build: KilledBuild) -> None:
    assert killed_build.returncode == -signal.SIGKILL
    assert killed_build.stale, "the kill should have left the candidate of the dead build behind"
    assert killed_build.sha_after == killed_build.sha_before
    assert killed_build.id_after == killed_build.id_before  # and it still opens and answers


def test_a_later_build_succeeds_after_the_kill_and_removes_its_leftovers(killed_build: KilledBuild,
                                                                          rebuild_under_load: RebuildUnderLoad) -> None:
    assert rebuild_under_load.result.returncode == 0, rebuild_under_load.result.stderr
    assert not any(path.exists() for path in killed_build.stale)
    assert rebuild_under_load.builds_left == []


def test_readers_never_fail_during_a_rebuild(rebuild_under_load: RebuildUnderLoad) -> None:
    reads = [r for per_reader in rebuild_under_load.reads.values() for r in per_reader]
    failed = [r["error"] for r in reads if not r["ok"]]
    assert failed == []
    assert all(len(per_reader) >= 10 for per_reader in rebuild_under_load.reads.values()), \
        {i: len(r) for i, r in rebuild_under_load.reads.items()}


def test_both_queries_of_one_connection_see_one_build(rebuild_under_load: RebuildUnderLoad) -> None:
    reads = [r for per_reader in rebuild_under_load.reads.values() for r in per_reader]
    mixed = [r for r in reads if len(r["ids"]) != 2 or r["ids"][0] != r["ids"][1]]
    assert mixed == []


def test_the_rebuild_published_a_new_build_and_readers_moved_to_it(rebuild_under_load: RebuildUnderLoad) -> None:
    load = rebuild_under_load
    assert load.id_after and load.id_after != load.id_before
    for per_reader in load.reads.values():
        assert per_reader[0]["ids"][0] == load.id_before
        assert per_reader[-1]["ids"][0] == load.id_after


def test_a_bi_client_holding_the_file_open_neither_fails_the_build_nor_sees_it_change(
        rebuild_under_load: RebuildUnderLoad) -> None:
    assert rebuild_under_load.result.returncode == 0, rebuild_under_load.result.stderr
    assert rebuild_under_load.holder == {"first": rebuild_under_load.id_before, "second": rebuild_under_load.id_before}


def test_exports_current_always_resolves_to_a_complete_folder(rebuild_under_load: RebuildUnderLoad) -> None:
    assert rebuild_under_load.export_problems == []
    assert {rebuild_under_load.id_before, rebuild_under_load.id_after} <= rebuild_under_load.exports_seen


def test_exports_hold_every_mart_as_parquet_and_csv_with_the_warehouse_row_counts(
        workspace: Workspace, rebuild_under_load: RebuildUnderLoad) -> None:
    current = (workspace.warehouse / "exports" / "current").resolve()
    assert current.name == rebuild_under_load.id_after == workspace.current_export()["build_id"]
    with duckdb.connect() as connection:
        connection.execute(f"attach '{workspace.published}' as published (read_only)")
        tables = [name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where database_name = 'published' and schema_name = 'marts'"
        ).fetchall()]
        assert len(tables) >= 10
        assert sorted(workspace.current_export()["tables"]) == sorted(tables)
        for table in tables:
            rows = count(connection, f"published.marts.{table}")
            parquet = count(connection, f"read_parquet('{current / table}.parquet')")
            csv = count(connection, f"read_csv('{current / table}.csv', header = true)")
            assert (table, parquet, csv) == (table, rows, rows)
            assert workspace.current_export()["tables"][table] == rows


def test_a_build_whose_dbt_tests_fail_publishes_nothing_and_names_the_failing_node(workspace: Workspace) -> None:
    sha_before, export_before = sha256(workspace.published), workspace.current_export()["build_id"]
    injected = workspace.root / "tests" / f"{INJECTED_TEST}.sql"
    injected.write_text("-- injected by pytests/test_publish.py: always one failing row\nselect 1 as failing_row\n",
                        encoding="utf-8")
    try:
        result = workspace.cli("build", "--skip-expectations")
    finally:
        injected.unlink()
    assert result.returncode == 1
    assert "dbt build failed; the published warehouse was not changed" in result.stderr
    assert f"test.security_ties.{INJECTED_TEST}" in result.stderr
    assert sha256(workspace.published) == sha_before
    assert workspace.current_export()["build_id"] == export_before
    assert list((workspace.warehouse / "builds").iterdir()) == []


def test_rollback_restores_the_previous_release_and_its_exports(workspace: Workspace,
                                                                 rebuild_under_load: RebuildUnderLoad) -> None:
    newer, older = rebuild_under_load.id_after, rebuild_under_load.id_before
    assert published_build_id(workspace.published) == newer
    assert [p.parent.name for p in list_releases(workspace.project)] == [newer, older]

    result = workspace.cli("rollback")
    assert result.returncode == 0, result.stderr
    assert published_build_id(workspace.published) == older
    assert workspace.current_export()["build_id"] == older
    assert {p.parent.name for p in list_releases(workspace.project)} == {older, newer}

    nothing_older = workspace.cli("rollback")
    assert nothing_older.returncode == 1
    assert "no release older than the published build to roll back to" in nothing_older.stderr

    forward = workspace.cli("rollback", "--build-id", str(newer))
    assert forward.returncode == 0, forward.stderr
    assert published_build_id(workspace.published) == newer
    assert workspace.current_export()["build_id"] == newer


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_a_build_stopped_by_sigterm_or_sigint_cleans_up_and_leaves_no_dbt(workspace: Workspace,
                                                                          signal_number: int) -> None:
    sha_before = sha256(workspace.published)
    builds = workspace.warehouse / "builds"
    process = subprocess.Popen(workspace.build_command(), cwd=workspace.root, env={**os.environ, **workspace.env},
                               start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dbt_pids: list[int] = []
    try:
        wait_for(lambda: any(builds.glob(f"*/{PUBLISHED_NAME}")) or process.poll() is not None, 180,
                 "dbt to create the candidate file")
        time.sleep(1)
        dbt_pids = [pid for pid in descendants(process.pid) if "dbt" in command_line(pid)]
        assert dbt_pids and process.poll() is None, "no dbt was running under the build"
        os.kill(process.pid, signal_number)
        _, stderr = process.communicate(timeout=60)
        deadline = time.monotonic() + 2
        while any(running(pid) for pid in dbt_pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in dbt_pids if running(pid)] == []
    finally:
        for pid in dbt_pids:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == (143 if signal_number == signal.SIGTERM else 130), stderr
    assert "what was not yet published was discarded" in stderr
    assert list(builds.iterdir()) == []  # the build's own cleanup ran
    assert sha256(workspace.published) == sha_before


def test_a_write_mode_client_during_a_build_changes_no_release_and_rollback_still_works(
        workspace: Workspace, tmp_path: Path) -> None:
    """The scenario of issue 15: a write-mode connection held open through a build, then used to write."""
    previous = published_build_id(workspace.published)
    assert previous
    workspace.published.chmod(0o644)  # as root ignores the read-only bit (the tests may not run as root)
    with write_mode_client(workspace.published, tmp_path) as writer:
        result = workspace.cli("build", "--skip-expectations")
        assert result.returncode == 0, result.stderr
        assert f"process {writer.pid}" in result.stderr and "read_only=True" in result.stderr
        releases = {p.parent.name: sha256(p) for p in list_releases(workspace.project)}
        assert previous in releases and len(releases) >= 2
        writer.write()

        assert {p.parent.name: sha256(p) for p in list_releases(workspace.project)} == releases
        back = workspace.cli("rollback", "--build-id", previous)
        assert back.returncode == 0, back.stderr
        assert published_build_id(workspace.published) == previous
        assert workspace.current_export()["build_id"] == previous
        with duckdb.connect(str(workspace.published), read_only=True) as connection:
            assert connection.execute("select count(*) from duckdb_tables() where table_name = 'x'").fetchone() == (0,)

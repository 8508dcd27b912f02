"""Publish, keep-N pruning, rollback, the build lock, export leftovers, a write-mode client, self-healing, a
full disk and a read-only folder, on small stand-in warehouse files (no dbt: these run in seconds)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from security_ties import build as build_module
from security_ties import cli, dbt_runner, info, publish as publish_module, warehouse
from security_ties.publish import list_releases, publish, published_build_id, read_release_manifest, rollback
from security_ties.warehouse import BuildError, build_lock, candidate_path, remove_stale_candidates
from conftest import ROOT, run_cli, write_mode_client
from security_ties.exports import MANIFEST, export_marts
from security_ties.project import Project

LOCK_HOLDER = """
import fcntl, sys, time
handle = open(sys.argv[1], "w")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(600)
"""


def stand_in(path: Path, build_id: str, rows: int = 3) -> Path:
    """A warehouse file with meta.build_info and one mart, like a real build's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema meta; create schema marts")
        connection.execute("create table meta.build_info as select ?::varchar as build_id", [build_id])
        connection.execute(f"create table marts.fct_example as select range as id from range({rows})")
        connection.execute("checkpoint")
    return path


@pytest.fixture
def small_project(tmp_path: Path) -> Project:
    return Project(root=tmp_path, corpus_dir=tmp_path / "corpus", warehouse_dir=tmp_path / "warehouse", keep_releases=3)


def publish_builds(project: Project, build_ids: list[str]) -> None:
    """Publish stand-ins in order, each with a later mtime (as successive builds would have)."""
    start = time.time() - 1000
    for offset, build_id in enumerate(build_ids):
        candidate = stand_in(candidate_path(project, build_id), build_id)
        os.utime(candidate, (start + offset * 10, start + offset * 10))
        publish(project, candidate, build_id)
        candidate.parent.rmdir()


def release_ids(project: Project) -> list[str]:
    return [p.parent.name for p in list_releases(project)]


def test_publish_keeps_the_published_release_and_the_newest_keep_n_others(small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2", "b3", "b4", "b5"])
    assert published_build_id(small_project.published_path) == "b5"
    assert release_ids(small_project) == ["b5", "b4", "b3", "b2"]
    assert not (small_project.releases_dir / "b1").exists()
    manifest = read_release_manifest(small_project)
    assert manifest["published"] == "b5"
    assert [e["build_id"] for e in manifest["releases"]] == ["b2", "b3", "b4", "b5"]


def test_a_release_is_a_read_only_copy_that_never_shares_an_inode_with_the_published_file(
        small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2"])
    published = small_project.published_path.stat()
    for release in list_releases(small_project):
        assert (release.stat().st_dev, release.stat().st_ino) != (published.st_dev, published.st_ino)
        assert release.stat().st_nlink == 1
        assert release.stat().st_mode & 0o222 == 0
    assert published.st_mode & 0o222 == 0
    recorded = {e["build_id"]: e["sha256"] for e in read_release_manifest(small_project)["releases"]}
    assert recorded == {p.parent.name: publish_module.sha256_file(p) for p in list_releases(small_project)}


def test_keep_releases_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dbt_project.yml").touch()
    monkeypatch.setenv("SECURITY_TIES_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SECURITY_TIES_KEEP_RELEASES", "1")
    project = Project.from_environment(tmp_path)
    publish_builds(project, ["b1", "b2", "b3"])
    assert release_ids(project) == ["b3", "b2"]


def test_rollback_walks_back_one_release_at_a_time_and_forward_by_build_id(small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2", "b3", "b4", "b5"])
    assert rollback(small_project, export=None) == "b4"
    assert published_build_id(small_project.published_path) == "b4"
    assert rollback(small_project, export=None) == "b3"
    assert rollback(small_project, export=None) == "b2"
    # keep 3 besides the published one: b1 was pruned when b5 was published
    assert release_ids(small_project) == ["b5", "b4", "b3", "b2"]
    with pytest.raises(BuildError, match="no release older than the published build"):
        rollback(small_project, export=None)
    assert rollback(small_project, "b5", export=None) == "b5"
    with pytest.raises(BuildError, match=r"no release nope .*kept releases: "):
        rollback(small_project, "nope", export=None)
    assert list(small_project.builds_dir.iterdir()) == []


def test_rollback_points_the_exports_at_the_restored_build(small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2"])
    export_marts(small_project, small_project.published_path, "b2")
    rollback(small_project)
    manifest = json.loads((small_project.exports_dir / "current" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["build_id"] == "b1"
    assert sorted(p.name for p in small_project.exports_dir.iterdir()) == ["b1", "b2", "current"]


def test_stale_candidates_of_dead_builds_are_removed(small_project: Project) -> None:
    stale = [stand_in(candidate_path(small_project, "dead"), "dead"), small_project.builds_dir / "loose.duckdb"]
    stale[1].touch()
    assert sorted(remove_stale_candidates(small_project)) == sorted([stale[0].parent, stale[1]])
    assert list(small_project.builds_dir.iterdir()) == []


def test_the_build_lock_fails_fast_while_held_and_is_free_once_the_holder_is_killed(small_project: Project) -> None:
    small_project.warehouse_dir.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(small_project.warehouse_dir / ".build.lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildError, match="another security-ties build is running"):
            with build_lock(small_project):
                pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with build_lock(small_project):
        pass


def test_export_writes_a_manifest_swaps_current_and_removes_half_written_leftovers(small_project: Project) -> None:
    database = stand_in(small_project.published_path, "b1", rows=5)
    small_project.exports_dir.mkdir()
    (small_project.exports_dir / ".partial-dead").mkdir()
    os.symlink("nowhere", small_project.exports_dir / ".current-dead")
    folder = export_marts(small_project, database, "b1")
    assert sorted(p.name for p in small_project.exports_dir.iterdir()) == ["b1", "current"]
    assert os.readlink(small_project.exports_dir / "current") == "b1"
    assert sorted(p.name for p in folder.iterdir()) == ["fct_example.csv", "fct_example.parquet", MANIFEST]
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"build_id": "b1", "formats": ["csv", "parquet"], "tables": {"fct_example": 5}}


def test_exports_keep_as_many_folders_as_releases_plus_current(small_project: Project) -> None:
    database = stand_in(small_project.published_path, "b0")
    for number in range(6):
        folder = export_marts(small_project, database, f"e{number}")
        os.utime(folder, (time.time() - 100 + number, time.time() - 100 + number))
    kept = sorted(p.name for p in small_project.exports_dir.iterdir() if p.name != "current")
    assert kept == ["e2", "e3", "e4", "e5"]


def test_a_write_mode_client_can_neither_change_nor_mislabel_a_release(small_project: Project, tmp_path: Path) -> None:
    publish_builds(small_project, ["b1"])
    small_project.published_path.chmod(0o644)  # as root ignores the read-only bit (the tests may not run as root)
    with write_mode_client(small_project.published_path, tmp_path) as writer:
        # detected and named, with the fix, while it holds the published file
        holders = warehouse.write_holders(small_project.published_path)
        assert [pid for pid, _ in holders] == [writer.pid]
        warnings = info.warnings(small_project)
        assert any(f"process {writer.pid}" in w and "read_only=True" in w for w in warnings), warnings

        publish_builds(small_project, ["b2"])
        before = {p.parent.name: publish_module.sha256_file(p) for p in list_releases(small_project)}
        writer.write()

        assert {p.parent.name: publish_module.sha256_file(p) for p in list_releases(small_project)} == before
        assert release_ids(small_project) == ["b2", "b1"]
        assert publish_module.changed_releases(small_project) == []
        assert rollback(small_project, "b1", export=None) == "b1"
        with duckdb.connect(str(small_project.published_path), read_only=True) as connection:
            tables = {name for (name,) in connection.execute("select table_name from duckdb_tables()").fetchall()}
        assert "x" not in tables  # the writer's table is in no release and not in the published file


def test_info_names_a_write_lock_holder_from_duckdbs_lock_error() -> None:
    error = duckdb.IOException('IO Error: Could not set lock on file "/w/security_ties.duckdb": Conflicting lock is '
                               "held in /usr/bin/python3.11 (PID 4242) by user root. See also https://duckdb.org")
    assert warehouse.lock_holder_from_error(error) == (4242, "/usr/bin/python3.11")


def test_info_warns_and_doctor_repairs_an_empty_release_folder_and_lagging_exports(small_project: Project) -> None:
    publish_builds(small_project, ["b1"])
    export_marts(small_project, small_project.published_path, "b1")
    publish_builds(small_project, ["b2"])  # killed after the rename, before the export
    (small_project.releases_dir / "b0").mkdir()  # killed while pruning
    warnings = info.warnings(small_project)
    assert any("empty release folder(s) b0" in w and "security-ties doctor" in w for w in warnings), warnings
    assert any("exports/current shows build b1, the published build is b2" in w for w in warnings), warnings

    repairs = publish_module.doctor(small_project)

    assert repairs == ["removed empty release folder releases/b0",
                       "re-exported the marts of build b2 (exports/current showed b1)"]
    assert publish_module.doctor(small_project) == []  # nothing left to repair
    manifest = json.loads((small_project.exports_dir / "current" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["build_id"] == "b2"
    assert not (small_project.releases_dir / "b0").exists()
    assert info.warnings(small_project) == []


def test_doctor_rebuilds_an_unreadable_release_manifest_from_the_release_folders(small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2"])
    export_marts(small_project, small_project.published_path, "b2")
    (small_project.releases_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BuildError, match=r"manifest.json: not valid JSON .*security-ties doctor"):
        list_releases(small_project)
    repairs = publish_module.doctor(small_project)
    assert len(repairs) == 1 and repairs[0].startswith("moved the unreadable releases/manifest.json")
    assert release_ids(small_project) == ["b2", "b1"]
    assert read_release_manifest(small_project)["published"] == "b2"


def test_doctor_makes_a_writable_published_file_read_only_again(small_project: Project) -> None:
    publish_builds(small_project, ["b1"])
    export_marts(small_project, small_project.published_path, "b1")
    small_project.published_path.chmod(0o644)
    assert any("is writable on disk" in w for w in info.warnings(small_project))
    assert publish_module.doctor(small_project) == [f"made {small_project.published_path} read-only"]
    assert small_project.published_path.stat().st_mode & 0o222 == 0


TINY_DISK_BUILD = 'mount -t tmpfs -o size=2m tmpfs "$1" && shift && exec "$@"'


def test_a_build_on_a_tiny_disk_fails_in_the_pre_flight_with_one_line(tmp_path: Path) -> None:
    """A real 2 MiB file system (tmpfs in a private mount namespace, so no root is needed)."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    command = ["unshare", "-rm", "sh", "-c", TINY_DISK_BUILD, "sh", str(warehouse),
               str(Path(sys.executable).parent / "security-ties"), "build"]
    environment = {**os.environ, "SECURITY_TIES_WAREHOUSE_DIR": str(warehouse),
                   "CORPUS_DIR": str(Project.from_environment(ROOT).corpus_dir)}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"error: {warehouse}: only 2 MiB free, a build needs about 48 MiB"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "dbt build failed" not in result.stderr


def test_a_full_disk_fails_before_dbt_starts_naming_the_folder(small_project: Project,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    publish_builds(small_project, ["b1"])
    monkeypatch.setattr(warehouse.shutil, "disk_usage", lambda path: shutil_usage(free=5 * 2**20))
    with pytest.raises(BuildError, match=rf"^{small_project.warehouse_dir}: only 5 MiB free, a build needs about"):
        warehouse.check_free_space(small_project)


def shutil_usage(free: int) -> object:
    import shutil

    return shutil._ntuple_diskusage(total=100 * 2**30, used=100 * 2**30 - free, free=free)  # type: ignore[attr-defined]


def test_every_os_error_ends_in_one_line_naming_the_path_and_the_fix(monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    def no_space(*arguments: object, **keywords: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/w/security_ties.duckdb.wal")

    monkeypatch.setattr(publish_module, "rollback", no_space)
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    assert cli.main(["rollback"]) == 1
    error = capsys.readouterr().err
    assert error == ("error: /w/security_ties.duckdb.wal: No space left on device - free disk space there or set "
                     "SECURITY_TIES_WAREHOUSE_DIR to a larger disk\n")


@contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """A folder nobody can write: a read-only tmpfs when running as root (root ignores permission bits),
    else the permission bits themselves."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], check=True)
        try:
            (folder / "security_ties.duckdb").write_bytes(b"a published file")
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        (folder / "security_ties.duckdb").write_bytes(b"a published file")
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


@pytest.mark.parametrize("command", [["build"], ["rollback"], ["doctor"]])
def test_a_read_only_warehouse_folder_ends_in_one_line_naming_the_path(tmp_path: Path, command: list[str]) -> None:
    warehouse = tmp_path / "warehouse"
    with read_only_folder(warehouse):
        result = run_cli(ROOT, *command, env={"SECURITY_TIES_WAREHOUSE_DIR": str(warehouse)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {warehouse / '.build.lock'}: ")
    assert "SECURITY_TIES_WAREHOUSE_DIR to a writable folder" in lines[0] or "permissions" in lines[0]


def test_a_build_on_a_full_disk_stops_before_dbt_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(root=ROOT, corpus_dir=Project.from_environment(ROOT).corpus_dir,
                      warehouse_dir=tmp_path / "warehouse", keep_releases=3)
    monkeypatch.setattr(warehouse.shutil, "disk_usage", lambda path: shutil_usage(free=2**20))

    def dbt_must_not_run(*arguments: object, **keywords: object) -> None:
        raise AssertionError("dbt was started on a full disk")

    monkeypatch.setattr(dbt_runner, "run", dbt_must_not_run)
    with pytest.raises(BuildError, match="only 1 MiB free, a build needs about 48 MiB"):
        build_module.build(project)
    assert not project.published_path.exists()


def test_a_warehouse_from_before_the_manifest_keeps_its_releases_and_its_published_file(small_project: Project) -> None:
    stand_in(small_project.published_path, "b1")
    legacy = stand_in(small_project.releases_dir / "b0" / "security_ties.duckdb", "b0")
    os.utime(legacy, (time.time() - 100, time.time() - 100))
    publish_builds(small_project, ["b2"])
    assert release_ids(small_project) == ["b2", "b1", "b0"]
    assert rollback(small_project, export=None) == "b1"
    assert rollback(small_project, export=None) == "b0"


CHILD_OWNER = """
import subprocess, sys
from pathlib import Path
from security_ties.processes import child_process_options, stop_on_sigterm
with stop_on_sigterm():
    child = subprocess.Popen(["sleep", "600"], **child_process_options())
    Path(sys.argv[1]).write_text(str(child.pid))
    child.wait()
"""


def process_alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_child_started_by_the_build_dies_with_it(tmp_path: Path, signal_number: int) -> None:
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", CHILD_OWNER, str(pid_file)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert parent.poll() is None and time.monotonic() < deadline, "the parent did not start its child"
            time.sleep(0.02)
        child = int(pid_file.read_text())
        assert os.getpgid(child) == child != os.getpgid(parent.pid)  # its own process group
        os.kill(parent.pid, signal_number)  # the parent only, never its group
        parent.wait(timeout=30)
        deadline = time.monotonic() + 2
        while process_alive(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not process_alive(child), f"child {child} outlived its parent killed by {signal.Signals(signal_number).name}"
    finally:
        if parent.poll() is None:
            parent.kill()

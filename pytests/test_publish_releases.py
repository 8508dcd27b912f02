"""Publish, keep-N pruning, rollback, the build lock and export leftovers, on small stand-in warehouse files
(no dbt: these run in a second)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from security_ties.build import (
    BuildError, build_lock, candidate_path, list_releases, publish, published_build_id, remove_stale_candidates,
    rollback,
)
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


def test_publish_keeps_the_previous_files_as_releases_and_prunes_to_keep_n(small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2", "b3", "b4", "b5"])
    assert published_build_id(small_project.published_path) == "b5"
    assert release_ids(small_project) == ["b4", "b3", "b2"]
    assert not (small_project.releases_dir / "b1").exists()


def test_keep_releases_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dbt_project.yml").touch()
    monkeypatch.setenv("SECURITY_TIES_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SECURITY_TIES_KEEP_RELEASES", "1")
    project = Project.from_environment(tmp_path)
    publish_builds(project, ["b1", "b2", "b3"])
    assert release_ids(project) == ["b2"]


def test_rollback_walks_back_one_release_at_a_time_and_forward_by_build_id(small_project: Project) -> None:
    publish_builds(small_project, ["b1", "b2", "b3", "b4"])
    assert rollback(small_project, export=None) == "b3"
    assert published_build_id(small_project.published_path) == "b3"
    assert rollback(small_project, export=None) == "b2"
    # keep 3: the rolled-back-from b4 and b3 are kept, b1 was pruned
    assert sorted(release_ids(small_project)) == ["b2", "b3", "b4"]
    with pytest.raises(BuildError, match="no release older than the published build"):
        rollback(small_project, export=None)
    assert rollback(small_project, "b4", export=None) == "b4"
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

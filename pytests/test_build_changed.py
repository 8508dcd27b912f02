"""`security-ties build --changed` after a one-row seed edit publishes the same warehouse as a full build.

In a copy of the project: a full build (warehouse A), then one seed row edited, then `build --changed` on A
(rebuilds only the edited seed, what reads it and what is downstream, audits only the marts it rebuilt);
then a full build of the edited project into a fresh warehouse B. Every relation of every schema (seeds,
staging views, intermediate tables, marts) and the `membership_as_of` macro must hold the same rows in A and B.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from conftest import copy_project, run_cli
from security_ties.bench import EDITED_SEED, edit_one_row
from security_ties.project import PUBLISHED_NAME

SCHEMAS = ("raw", "staging", "intermediate", "marts")


def relations(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table and view of the built schemas with its rows in a stable order, plus the as-of macro."""
    with duckdb.connect(str(path), read_only=True) as connection:
        names = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where schema_name in ? "
            "union all select schema_name || '.' || view_name from duckdb_views() "
            "where schema_name in ? and not internal", [list(SCHEMAS), list(SCHEMAS)]).fetchall()
        rows = {name: connection.execute(f"select * from {name} order by all").fetchall() for (name,) in names}
        rows["marts.membership_as_of(2024-06-01)"] = connection.execute(
            "select * from marts.membership_as_of(date '2024-06-01') order by all").fetchall()
    return rows


def build_info(path: Path) -> dict[str, object]:
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute("select * from meta.build_info")
        return dict(zip([c[0] for c in cursor.description], cursor.fetchone() or ()))


@dataclass(frozen=True)
class Builds:
    changed: subprocess.CompletedProcess[str]
    incremental: Path  # warehouse A: full build, then the seed edit, then --changed
    full: Path  # warehouse B: one full build of the edited project
    fact_id: str
    root: Path  # the project copy


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Builds:
    base = tmp_path_factory.mktemp("changed")
    root = copy_project(base / "project")

    def build(warehouse: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
        result = run_cli(root, "build", "--quiet", *arguments,
                         env={"SECURITY_TIES_WAREHOUSE_DIR": str(warehouse), "CORPUS_DIR": str(corpus_dir)})
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    build(base / "a", "--skip-expectations")
    fact_id = edit_one_row(root / EDITED_SEED)
    changed = build(base / "a", "--changed")
    build(base / "b", "--skip-expectations")
    return Builds(changed, base / "a" / PUBLISHED_NAME, base / "b" / PUBLISHED_NAME, fact_id, root)


def test_a_changed_build_rebuilds_only_part_of_the_project(builds: Builds) -> None:
    incremental, full = build_info(builds.incremental), build_info(builds.full)
    assert 0 < int(incremental["models_built"]) < int(full["models_built"])
    assert 0 < int(incremental["dbt_tests_passed"]) < int(full["dbt_tests_passed"])
    assert int(incremental["dbt_tests_failed"]) == 0


def test_a_changed_build_audits_only_the_marts_it_rebuilt(builds: Builds) -> None:
    incremental = build_info(builds.incremental)
    assert 0 < int(incremental["expectations_passed"]) and int(incremental["expectations_failed"]) == 0
    assert "expectations: passed" in builds.changed.stdout


def test_a_changed_build_runs_every_test_of_what_it_rebuilt_and_no_other(builds: Builds) -> None:
    """dbt's `state:modified+`: the edited seed, everything downstream of it, and the tests of all of that."""
    target = builds.incremental.parent / "dbt" / "target"
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    ran = {result["unique_id"] for result in results}
    rebuilt = {uid for uid in ran if uid.startswith(("seed.", "model."))}
    assert {"seed.security_ties.trade_figures", "model.security_ties.stg_facts__trade_figures",
            "model.security_ties.fct_trade_flow"} <= rebuilt
    assert "model.security_ties.dim_country" not in rebuilt  # nothing upstream of the edit is rebuilt
    tests = {uid: node for uid, node in manifest["nodes"].items() if uid.startswith("test.")}
    of_rebuilt = {uid for uid, node in tests.items() if set(node["depends_on"]["nodes"]) & rebuilt}
    assert of_rebuilt and of_rebuilt <= ran
    assert not {uid for uid in ran if uid.startswith("test.")} - of_rebuilt  # no test of an untouched relation


def test_quiet_prints_no_progress(builds: Builds) -> None:
    assert "published build" in builds.changed.stdout
    assert "[dbt]" not in builds.changed.stdout and "dbt models" not in builds.changed.stdout


def test_the_changed_build_publishes_the_edit(builds: Builds) -> None:
    with duckdb.connect(str(builds.incremental), read_only=True) as connection:
        row = connection.execute("select qualifier from marts.fct_trade_flow where fact_id = ?", [builds.fact_id]).fetchone()
    with duckdb.connect(str(builds.full), read_only=True) as connection:
        expected = connection.execute("select qualifier from marts.fct_trade_flow where fact_id = ?", [builds.fact_id]).fetchone()
    assert row is not None and row == expected


def test_a_changed_build_is_identical_in_content_to_a_full_build(builds: Builds) -> None:
    incremental, full = relations(builds.incremental), relations(builds.full)
    assert sorted(incremental) == sorted(full)
    assert len(full) > 40  # seeds, views and marts were all compared
    differing = [name for name in full if incremental[name] != full[name]]
    assert not differing, f"relations whose rows differ: {differing}"


def test_a_changed_build_with_nothing_changed_publishes_nothing(builds: Builds, corpus_dir: Path) -> None:
    before = build_info(builds.incremental)["build_id"]
    result = run_cli(builds.root, "build", "--changed", "--quiet", "--skip-expectations",
                     env={"SECURITY_TIES_WAREHOUSE_DIR": str(builds.incremental.parent), "CORPUS_DIR": str(corpus_dir)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"nothing changed since build {before}" in result.stdout
    assert build_info(builds.incremental)["build_id"] == before


def test_changed_without_a_published_build_falls_back_to_a_full_build(tmp_path: Path, corpus_dir: Path) -> None:
    root = copy_project(tmp_path / "project")
    result = run_cli(root, "build", "--changed", "--skip-expectations",
                     env={"SECURITY_TIES_WAREHOUSE_DIR": str(tmp_path / "w"), "CORPUS_DIR": str(corpus_dir),
                          "PATH": os.environ.get("PATH", "")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no published warehouse yet; building everything" in result.stdout
    for step in ("pre-flight", "evidence", "dbt", "publish", "exports"):  # progress: each step starts and ends timed
        assert f"[{step}] started" in result.stdout and re.search(rf"\[{step}\] done in [0-9.]+ s", result.stdout)
    assert re.search(r"dbt build ([0-9]+)/\1\b", result.stdout)
    models = len(list((root / "models").rglob("*.sql")))
    assert int(build_info(tmp_path / "w" / PUBLISHED_NAME)["models_built"]) == models

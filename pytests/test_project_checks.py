"""The project's conventions hold, and each check can fail: dbt-bouncer (dbt-bouncer.yml) for names,
folders, lineage, descriptions, unique tests, contracts and exposures; project_checks for what it cannot
express (grain tests, seed column descriptions, built-but-undocumented columns, exposure lists)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from security_ties.dbt_runner import target_path as dbt_target_path
from security_ties.project_checks import (
    coverage_summary,
    description_problems,
    exposure_problems,
    grain_problems,
    load_manifest,
    marts,
    marts_named_in,
)

DBT_BOUNCER = Path(sys.executable).parent / "dbt-bouncer"


@pytest.fixture(scope="module")
def manifest(project, published_warehouse: Path) -> dict:
    """The manifest the published warehouse was built from (the build keeps its own dbt target folder)."""
    return load_manifest(dbt_target_path(project) / "manifest.json")


@pytest.fixture(scope="module")
def warehouse_columns(published_warehouse: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name in ('raw', 'staging', 'intermediate', 'marts')"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


@pytest.fixture(scope="module")
def readers(project, manifest: dict) -> dict[str, set[str]]:
    """What each exposure's code reads: the report's SQL, and every mart for the exports."""
    report = (project.root / "src" / "security_ties" / "report.py").read_text(encoding="utf-8")
    return {"html_report": marts_named_in(report), "mart_exports": marts(manifest)}


def run_bouncer(project, manifest: dict, folder: Path) -> subprocess.CompletedProcess[str]:
    """dbt-bouncer with the project's config over the given manifest, written to folder/target."""
    (folder / "target").mkdir(parents=True, exist_ok=True)
    (folder / "target" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    config = yaml.safe_load((project.root / "dbt-bouncer.yml").read_text(encoding="utf-8"))
    config["dbt_artifacts_dir"] = str(folder / "target")
    (folder / "dbt-bouncer.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.run([str(DBT_BOUNCER), "--config-file", str(folder / "dbt-bouncer.yml")],
                          cwd=project.root, capture_output=True, text=True, check=False)


def test_every_seed_and_model_has_a_grain_test(manifest: dict) -> None:
    with_grain, nodes, _, _ = coverage_summary(manifest)
    print(f"grain tests: {with_grain}/{nodes} seeds and models")
    assert nodes >= 50
    assert grain_problems(manifest) == []


def test_every_seed_column_and_built_column_is_documented(manifest: dict, warehouse_columns) -> None:
    _, _, documented, columns = coverage_summary(manifest)
    print(f"column descriptions: {documented}/{columns}")
    assert description_problems(manifest, warehouse_columns) == []


def test_removing_a_grain_test_is_caught(manifest: dict) -> None:
    broken = copy.deepcopy(manifest)
    for node_id in [k for k, v in broken["nodes"].items()
                    if v["resource_type"] == "test" and v.get("attached_node") == "model.security_ties.fct_trade_flow"
                    and v.get("test_metadata", {}).get("name") == "unique"]:
        del broken["nodes"][node_id]
    assert grain_problems(broken) == ["model fct_trade_flow has no grain test (unique + not_null on a key, or unique_combination)"]


def test_removing_a_seed_column_description_is_caught(manifest: dict, warehouse_columns) -> None:
    broken = copy.deepcopy(manifest)
    broken["nodes"]["seed.security_ties.countries"]["columns"]["iso2"]["description"] = ""
    assert description_problems(broken, warehouse_columns) == ["countries.iso2 has no description"]


def test_an_undocumented_built_column_is_caught(manifest: dict, warehouse_columns) -> None:
    built = {**warehouse_columns, "dim_country": [*warehouse_columns["dim_country"], "capital_city"]}
    assert description_problems(manifest, built) == ["dim_country.capital_city is built but not documented in YAML"]


def test_exposures_list_exactly_the_marts_their_readers_read(manifest: dict, readers) -> None:
    assert len(readers["mart_exports"]) >= 20 and {"fct_membership_spell", "fct_trade_flow"} <= readers["html_report"]
    assert exposure_problems(manifest, readers) == []


def test_a_mart_the_report_starts_reading_must_join_its_exposure(manifest: dict, readers) -> None:
    reading_more = {**readers, "html_report": readers["html_report"] | {"dim_treaty"}}
    assert exposure_problems(manifest, reading_more) == ["exposure html_report does not list dim_treaty, which it reads"]


@pytest.mark.slow
def test_dbt_bouncer_passes_on_the_project(project, manifest: dict, tmp_path: Path) -> None:
    result = run_bouncer(project, manifest, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "All checks passed" in result.stdout


@pytest.mark.slow
def test_dbt_bouncer_catches_a_misnamed_mart_an_undocumented_column_and_a_seed_read_by_a_mart(
        project, manifest: dict, tmp_path: Path) -> None:
    broken = copy.deepcopy(manifest)
    trade = broken["nodes"]["model.security_ties.fct_trade_flow"]
    trade["name"] = "trade_flow"
    broken["nodes"]["model.security_ties.dim_country"]["columns"]["iso2"]["description"] = ""
    broken["nodes"]["model.security_ties.dim_document"]["depends_on"]["nodes"].append("seed.security_ties.documents")
    result = run_bouncer(project, broken, tmp_path)
    assert result.returncode != 0
    failed = result.stdout
    for check in ("check_model_names", "check_model_column_description_populated", "check_lineage_seed_cannot_be_used"):
        assert check in failed, check

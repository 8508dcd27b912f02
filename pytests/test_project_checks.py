"""Every seed and model has a grain test and every column a description, and the check can fail."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pytest

from security_ties.project_checks import coverage_summary, description_problems, grain_problems, load_manifest


@pytest.fixture(scope="module")
def manifest(project, published_warehouse: Path) -> dict:
    return load_manifest(project.root / "target" / "manifest.json")


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


def test_every_seed_and_model_has_a_grain_test(manifest: dict) -> None:
    with_grain, nodes, _, _ = coverage_summary(manifest)
    print(f"grain tests: {with_grain}/{nodes} seeds and models")
    assert nodes >= 50
    assert grain_problems(manifest) == []


def test_every_model_seed_and_built_column_has_a_description(manifest: dict, warehouse_columns) -> None:
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


def test_removing_a_column_description_is_caught(manifest: dict, warehouse_columns) -> None:
    broken = copy.deepcopy(manifest)
    broken["nodes"]["model.security_ties.dim_country"]["columns"]["iso2"]["description"] = ""
    assert description_problems(broken, warehouse_columns) == ["dim_country.iso2 has no description"]


def test_an_undocumented_built_column_is_caught(manifest: dict, warehouse_columns) -> None:
    built = {**warehouse_columns, "dim_country": [*warehouse_columns["dim_country"], "capital_city"]}
    assert description_problems(manifest, built) == ["dim_country.capital_city is built but not documented in YAML"]

"""The project's conventions that dbt-bouncer (dbt-bouncer.yml, run by `make lint`) cannot express.

dbt-bouncer checks names, folders, lineage, model/seed/column/macro descriptions, a unique test on every
model, contracts and exposures. What is left here, read from target/manifest.json and the built warehouse:
- a grain test on every seed and model: unique and not_null on the same column, or unique_combination
  (dbt-bouncer only asks for some unique test, and not on seeds). A contract's NOT NULL constraint counts as
  the not_null half (DuckDB enforces it; Spark's rows must equal DuckDB's, the parity test). A staging view
  has the grain of the one seed it reads: it only renames and casts (no joins, filters or group-bys), so its
  inputs are tested once, on the seed;
- a description on every seed column (dbt-bouncer checks seed columns only against catalog.json);
- every column the warehouse actually builds is listed in YAML;
- the exports exposure lists every mart, and the report's exposure exactly the marts report.py reads.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

GRAIN_TESTS = {"unique_combination"}


def load_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `dbt parse` (or `make build`) first")
    return json.loads(path.read_text(encoding="utf-8"))


def tested_nodes(manifest: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    """node id -> {'unique': columns, 'not_null': columns, 'grain': {''}} from the generic tests attached to it."""
    tests: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        name = node["test_metadata"]["name"]
        column = node.get("column_name") or ""
        target = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), "")
        if name in ("unique", "not_null"):
            tests[target][name].add(column)
        elif name in GRAIN_TESTS:
            tests[target]["grain"].add("")
    for node in manifest["nodes"].values():
        for column in (node.get("columns") or {}).values():
            if any(c.get("type") == "not_null" for c in column.get("constraints") or []):
                tests[node["unique_id"]]["not_null"].add(column["name"])
    return tests


def seed_read_by(manifest: dict[str, Any], node: dict[str, Any]) -> str | None:
    """The seed a staging view reads 1:1 (it reads one source over a seed, and depends on nothing but that seed),
    else None."""
    if "/staging/" not in f"/{node.get('original_file_path', '')}":
        return None
    upstream = node.get("depends_on", {}).get("nodes", [])
    sources = [uid for uid in upstream if uid.startswith("source.")]
    if len(sources) != 1:
        return None
    seed_name = manifest["sources"][sources[0]]["identifier"]
    seed_id = f"seed.{node['package_name']}.{seed_name}"
    if seed_id not in manifest["nodes"] or set(upstream) - {sources[0], seed_id}:
        return None
    return seed_id


def has_grain_test(tests: dict[str, dict[str, set[str]]], node_id: str) -> bool:
    """unique and not_null on the same column, or a combination-unique test."""
    found = tests.get(node_id, {})
    return bool(found.get("unique", set()) & found.get("not_null", set())) or bool(found.get("grain"))


def has_grain(manifest: dict[str, Any], tests: dict[str, dict[str, set[str]]], node: dict[str, Any]) -> bool:
    """The node's own grain test, or for a staging view the grain test of the seed it reads."""
    seed = seed_read_by(manifest, node)
    return has_grain_test(tests, node["unique_id"]) or bool(seed and has_grain_test(tests, seed))


def tables(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]


def grain_problems(manifest: dict[str, Any]) -> list[str]:
    """Seeds and models with neither unique + not_null on one column nor a combination-unique test."""
    tests = tested_nodes(manifest)
    problems = []
    for node in sorted(tables(manifest), key=lambda n: n["unique_id"]):
        if not has_grain(manifest, tests, node):
            problems.append(f"{node['resource_type']} {node['name']} has no grain test (unique + not_null on a key, or unique_combination)")
    return problems


def description_problems(manifest: dict[str, Any], warehouse_columns: dict[str, list[str]] | None = None) -> list[str]:
    """Seed columns without a description, and built columns missing from any YAML.

    warehouse_columns (relation name -> columns actually built) catches columns a model or seed produces
    that its YAML does not list at all.
    """
    problems = []
    for node in tables(manifest):
        if node["resource_type"] == "seed":
            for name, column in sorted(node["columns"].items()):
                if not column.get("description", "").strip():
                    problems.append(f"{node['name']}.{name} has no description")
        for name in (warehouse_columns or {}).get(node["name"], []):
            if name not in node["columns"]:
                problems.append(f"{node['name']}.{name} is built but not documented in YAML")
    return problems


def marts_named_in(source: str) -> set[str]:
    """The marts a piece of code reads (`marts.<name>` in its SQL)."""
    return set(re.findall(r"\bmarts\.([a-z][a-z0-9_]*)\b", source))


def exposure_problems(manifest: dict[str, Any], readers: dict[str, set[str]]) -> list[str]:
    """Exposures whose depends_on differs from the marts their reader reads.

    readers: exposure name -> the marts its code reads (for the exports: every mart).
    """
    exposures = {node["name"]: node for node in manifest.get("exposures", {}).values()}
    problems = []
    for name, read in sorted(readers.items()):
        if name not in exposures:
            problems.append(f"exposure {name} is missing")
            continue
        declared = {node_id.rsplit(".", 1)[-1] for node_id in exposures[name]["depends_on"]["nodes"]}
        for mart in sorted(read - declared):
            problems.append(f"exposure {name} does not list {mart}, which it reads")
        for mart in sorted(declared - read):
            problems.append(f"exposure {name} lists {mart}, which it does not read")
    return problems


def marts(manifest: dict[str, Any]) -> set[str]:
    return {n["name"] for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/")}


def coverage_summary(manifest: dict[str, Any]) -> tuple[int, int, int, int]:
    """(nodes with a grain test, nodes, documented columns, columns) over seeds and models."""
    nodes = tables(manifest)
    tests = tested_nodes(manifest)
    with_grain = sum(1 for n in nodes if has_grain(manifest, tests, n))
    columns = [c for n in nodes for c in n["columns"].values()]
    documented = sum(1 for c in columns if c.get("description", "").strip())
    return with_grain, len(nodes), documented, len(columns)

"""The project's conventions that dbt-bouncer (dbt-bouncer.yml, run by `make lint`) cannot express.

dbt-bouncer checks names, folders, lineage, model/seed/column/macro descriptions, a unique test on every
model, contracts and exposures. What is left here, read from target/manifest.json and the built warehouse:
- one grain test on every seed and model: a `primary_key` test (its key's columns not null and unique
  together), naming the contract's primary key on a mart; or, where a column of the grain may be null, a
  `unique_combination` (dbt-bouncer only asks for some unique test, and not on seeds). A staging view has the
  grain of the one seed it reads: it only renames and casts (no joins, filters or group-bys), so its inputs are
  tested once, on the seed;
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

# A table's grain: its primary key, or (where one of the grain's columns may be null, as a derived membership
# change has no fact_id) a unique combination.
GRAIN_TESTS = ("primary_key", "unique_combination")


def load_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `dbt parse` (or `make build`) first")
    return json.loads(path.read_text(encoding="utf-8"))


def tested_nodes(manifest: dict[str, Any]) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """node id -> {grain test name: [the columns of each such test]} from the generic tests attached to it."""
    tests: dict[str, dict[str, list[tuple[str, ...]]]] = defaultdict(lambda: defaultdict(list))
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or node.get("test_metadata", {}).get("name") not in GRAIN_TESTS:
            continue
        name = node["test_metadata"]["name"]
        kwargs = node["test_metadata"].get("kwargs") or {}
        columns = kwargs.get("column_names") or kwargs.get("combination_of_columns") or []
        target = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), "")
        tests[target][name].append(tuple(columns))
    return tests


def contract_key(node: dict[str, Any]) -> tuple[str, ...] | None:
    """The columns of a model's primary_key constraint (its contract), if it declares one."""
    for constraint in node.get("constraints") or []:
        if constraint.get("type") == "primary_key":
            return tuple(constraint.get("columns") or [])
    return None


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


def has_grain_test(tests: dict[str, dict[str, list[tuple[str, ...]]]], node_id: str) -> bool:
    """A primary_key test, or a unique_combination (a grain one of whose columns may be null)."""
    return any(tests.get(node_id, {}).get(name) for name in GRAIN_TESTS)


def has_grain(manifest: dict[str, Any], tests: dict[str, dict[str, list[tuple[str, ...]]]], node: dict[str, Any]) -> bool:
    """The node's own grain test, or for a staging view the grain test of the seed it reads."""
    seed = seed_read_by(manifest, node)
    return has_grain_test(tests, node["unique_id"]) or bool(seed and has_grain_test(tests, seed))


def tables(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]


def grain_problems(manifest: dict[str, Any]) -> list[str]:
    """Seeds and models without a grain test, with more than one primary_key test, or whose primary_key test names
    other columns than their contract's primary key."""
    tests = tested_nodes(manifest)
    problems = []
    for node in sorted(tables(manifest), key=lambda n: n["unique_id"]):
        what = f"{node['resource_type']} {node['name']}"
        keys = tests.get(node["unique_id"], {}).get("primary_key", [])
        if not has_grain(manifest, tests, node):
            problems.append(f"{what} has no grain test (a primary_key test on its key, or unique_combination "
                            "where a column of its grain may be null)")
        if len(keys) > 1:
            problems.append(f"{what} has {len(keys)} primary_key tests ({'; '.join(', '.join(k) for k in keys)}); "
                            "keep one, and test an alternate key with unique or unique_combination")
        declared = contract_key(node)
        if declared is not None and len(keys) == 1 and set(keys[0]) != set(declared):
            problems.append(f"{what}: its primary_key test names ({', '.join(keys[0])}), its contract's primary key "
                            f"({', '.join(declared)})")
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

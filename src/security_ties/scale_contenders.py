"""The contenders dbt is compared with, and the comparisons: `direct` (dbt's compiled SQL replayed in one DuckDB
connection), `handwritten` (benchmarks/handwritten.sql of the frozen commit), the marts compared relation by
relation, and the analyst queries' latencies. See `scale` for the whole benchmark.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

HANDWRITTEN_SCRIPT = Path("benchmarks") / "handwritten.sql"
FACTS_PLACEHOLDER = "{facts_dir}"

QUERIES = {
    "as_of": "select * from marts.membership_as_of(date '2024-06-01') where country_iso3 = 'ARM'",
    "trade_by_partner_year": ("select partner_iso3, trade_year, sum(value_usd) as value_usd from marts.fct_trade_flow "
                              "where reporter_iso3 = 'ARM' group by partner_iso3, trade_year order by trade_year"),
    "provenance_search": ("select fact_id, doc_id, evidence from marts.fct_fact_provenance "
                          "where contains(lower(evidence), 'exports 2019') limit 100"),
}


def _ordered_models(manifest: dict[str, Any], selected: set[str]) -> list[dict[str, Any]]:
    nodes = manifest["nodes"]
    order: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in selected:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        order.append(uid)

    for uid in sorted(selected):
        visit(uid)
    return [nodes[uid] for uid in order]


def contract_columns(node: dict[str, Any], key_constraints: bool = True) -> str:
    """The column list of a contracted table: each column's type and NOT NULL, then the primary key (if kept)."""
    columns = [f'"{name}" {column["data_type"]}' + (" not null" if any(c["type"] == "not_null" for c in column["constraints"]) else "")
               for name, column in node["columns"].items()]
    if not key_constraints:
        return ", ".join(columns)
    keys = [c["columns"] for c in node.get("constraints", []) if c["type"] == "primary_key"]
    keys += [[name] for name, column in node["columns"].items() if any(c["type"] == "primary_key" for c in column["constraints"])]
    return ", ".join(columns + [f"primary key ({', '.join(key)})" for key in keys])


def run_direct(manifest_path: Path, run_results: Path, database: Path, memory_limit: str, threads: int,
               key_constraints: bool = True) -> dict[str, int]:
    """Run the compiled SQL of the models and tests dbt ran, in one DuckDB connection; returns counts."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    ran = {r["unique_id"]: r for r in json.loads(run_results.read_text(encoding="utf-8"))["results"]}
    models = _ordered_models(manifest, {uid for uid in ran if uid.startswith("model.")})
    tests = [ran[uid] for uid in sorted(ran) if uid.startswith("test.")]
    failed = 0
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set threads = {int(threads)}")
        for node in models:
            connection.execute(f'create schema if not exists "{node["schema"]}"')
            sql = ran[node["unique_id"]]["compiled_code"]
            if node["config"]["materialized"] == "view":
                connection.execute(f"create or replace view {node['relation_name']} as {sql}")
            elif (node["config"].get("contract") or {}).get("enforced"):
                # the contract is a check too: the same NOT NULL (and PRIMARY KEY, if dbt builds them) constraints
                connection.execute(f"create or replace table {node['relation_name']} ({contract_columns(node, key_constraints)})")
                connection.execute(f"insert into {node['relation_name']} by name ({sql})")
            else:
                connection.execute(f"create or replace table {node['relation_name']} as {sql}")
        for test in tests:
            (count,) = connection.execute(f"select count(*) from ({test['compiled_code']}) as failing").fetchone() or (0,)
            failed += int(count > 0)
    return {"models": len(models), "tests": len(tests), "failed": failed}


def run_handwritten(script: Path, facts_dir: Path, database: Path, memory_limit: str, threads: int) -> dict[str, Any]:
    """Run the hand-written script in one DuckDB connection; its last statement returns the checks
    (relation, rule, columns, failing_rows). Returns counts and the failing checks."""
    if not script.is_file():
        raise FileNotFoundError(f"{script}: the hand-written benchmark script is missing (expected benchmarks/handwritten.sql)")
    sql = script.read_text(encoding="utf-8")
    if FACTS_PLACEHOLDER not in sql:
        raise ValueError(f"{script} does not read the facts through {FACTS_PLACEHOLDER}; it would not read this run's data")
    sql = sql.replace(FACTS_PLACEHOLDER, str(facts_dir).replace("'", "''"))
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set threads = {int(threads)}")
        statements = duckdb.extract_statements(sql)
        result = None
        timings: list[tuple[float, str]] = []  # seconds and the statement's first words, in order
        for number, statement in enumerate(statements, start=1):
            started = time.perf_counter()
            try:
                result = connection.execute(statement)
            except duckdb.Error as error:
                raise RuntimeError(f"{script}: statement {number} failed: {error}\n{statement.query[:500]}") from error
            timings.append((time.perf_counter() - started, _statement_label(statement.query)))
        if result is None:
            raise RuntimeError(f"{script} has no statements")
        started = time.perf_counter()
        checks = [(str(a), str(b), str(c), int(d)) for a, b, c, d in result.fetchall()]
        timings[-1] = (timings[-1][0] + time.perf_counter() - started, timings[-1][1])
    failing = [list(check) for check in checks if check[3] > 0]
    # the checks start with the checks table; everything before builds the marts
    first_check = next((i for i, (_, label) in enumerate(timings) if label.startswith("create or replace temp table checks")),
                       len(timings))
    return {"statements": len(statements), "checks": len(checks), "failed": len(failing), "failing": failing,
            "results": [list(check) for check in checks],
            "build_seconds": sum(t for t, _ in timings[:first_check]),
            "check_seconds": sum(t for t, _ in timings[first_check:]),
            "slowest": [[round(t, 2), label] for t, label in sorted(timings, reverse=True)[:8]]}


def _statement_label(query: str) -> str:
    """A statement's first words without its comments: `create or replace table marts.fct_event`."""
    words = " ".join(line for line in query.splitlines() if not line.strip().startswith("--")).split()
    if words[:2] == ["insert", "into"] and len(words) > 4 and words[3] == "select":
        return " ".join(words[:5])  # insert into checks select '<relation>',
    return " ".join(words[:6])


def compare_marts(expected: Path, actual: Path) -> tuple[list[str], int]:
    """The marts relations that differ between two warehouse files (missing on one side, other column names or
    types, or other rows as multisets: EXCEPT ALL both ways), plus membership_as_of on the as-of query."""
    differ: list[str] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach '{str(expected).replace(chr(39), chr(39) * 2)}' as expected (read_only)")
        connection.execute(f"attach '{str(actual).replace(chr(39), chr(39) * 2)}' as actual (read_only)")

        def columns(catalog: str) -> dict[str, list[tuple[str, str]]]:
            found: dict[str, list[tuple[str, str]]] = {}
            for table, column, data_type in connection.execute(
                    "select table_name, column_name, data_type from information_schema.columns "
                    "where table_catalog = ? and table_schema = 'marts' order by table_name, ordinal_position",
                    [catalog]).fetchall():
                found.setdefault(table, []).append((column, data_type))
            return found

        left, right = columns("expected"), columns("actual")
        for name in sorted(set(left) | set(right)):
            if left.get(name) != right.get(name):
                differ.append(f"{name} (columns)" if name in left and name in right else f"{name} (missing)")
                continue
            for first, second in (("expected", "actual"), ("actual", "expected")):
                (extra,) = connection.execute(f"select count(*) from (select * from {first}.marts.{name} "
                                              f"except all select * from {second}.marts.{name})").fetchone() or (0,)
                if extra:
                    differ.append(f"{name} ({extra} rows only in {'dbt' if first == 'expected' else 'handwritten'})")
                    break
        # a table macro binds its body in the caller's catalog: run the as-of query inside each one
        answers: list[Counter[tuple[Any, ...]]] = []
        try:
            for catalog in ("expected", "actual"):
                connection.execute(f"use {catalog}")
                answers.append(Counter(connection.execute(QUERIES["as_of"]).fetchall()))
            if answers[0] != answers[1]:
                differ.append("membership_as_of (as-of query)")
        except duckdb.Error as error:
            differ.append(f"membership_as_of ({str(error).splitlines()[0]})")
    return differ, len(set(left) | set(right)) + 1


def relation_counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        names = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where schema_name in ('staging', 'intermediate', 'marts') "
            "union all select schema_name || '.' || view_name from duckdb_views() "
            "where schema_name in ('staging', 'intermediate', 'marts') and not internal").fetchall()
        return {name: int(connection.execute(f"select count(*) from {name}").fetchone()[0]) for (name,) in names}  # type: ignore[index]


def query_latencies(database: Path, repeats: int, memory_limit: str, threads: int) -> tuple[dict[str, float], dict[str, float]]:
    p50: dict[str, float] = {}
    p95: dict[str, float] = {}
    with duckdb.connect(str(database), read_only=True,
                        config={"memory_limit": memory_limit, "threads": str(threads)}) as connection:
        for name, sql in QUERIES.items():
            connection.execute(sql).fetchall()  # warm the cache once, as a dashboard would
            samples = []
            for _ in range(repeats):
                started = time.perf_counter()
                connection.execute(sql).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            p50[name] = statistics.median(samples)
            p95[name] = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return p50, p95

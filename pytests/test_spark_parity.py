"""The same dbt project on Spark: it builds from the same SQL, its Spark tests pass, and every mart and
membership_as_of answer the same rows as on DuckDB.

Runs in .venv-spark (pyspark, dbt-spark, duckdb): `make spark`. The DuckDB side is built with the main
.venv's dbt (the one `security-ties build` uses) into its own file, so the published warehouse is untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from security_ties.parity import MartComparison, assert_all_equal, compare_mart, spark_session_conf

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SPARK_DIR = ROOT / "warehouse" / "spark"
DUCKDB_SIDE = SPARK_DIR / "duckdb_side" / "security_ties.duckdb"
REPORT = SPARK_DIR / "parity_report.txt"
# Days that exercise membership_as_of: before, inside and after the imprecise 2024 freeze, spell starts
# and ends, and each document's publication day (added from dim_document).
AS_OF_DAYS = ["1992-05-15", "1995-01-01", "2000-01-01", "2015-04-21", "2019-12-31", "2023-01-01",
              "2024-02-01", "2024-02-15", "2024-02-29", "2024-06-01", "2025-12-31"]


def _run_dbt(dbt: Path, *arguments: str, env: dict[str, str] | None = None) -> float:
    """Run dbt as a subprocess from the project root; fail with the end of its output."""
    started = time.monotonic()
    completed = subprocess.run([str(dbt), *arguments], cwd=ROOT, env={**os.environ, **(env or {})},
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        pytest.fail(f"`dbt {' '.join(arguments)}` failed:\n{completed.stdout[-6000:]}\n{completed.stderr[-2000:]}")
    return time.monotonic() - started


def _tool(venv: str, name: str, hint: str) -> Path:
    path = ROOT / venv / "bin" / name
    if not path.exists():
        pytest.fail(f"{path} not found: {hint}")
    return path


@pytest.fixture(scope="module")
def built() -> dict[str, float]:
    """Both targets built from scratch: DuckDB (seeds and models; its tests run in `security-ties build`) and
    Spark (seeds, models and every data and unit test)."""
    spark_dbt = Path(sys.executable).parent / "dbt"
    if not spark_dbt.exists():
        pytest.fail(f"{spark_dbt} not found: run this test with .venv-spark/bin/python (make spark)")
    duckdb_dbt = _tool(".venv", "dbt", "run `make install` first")
    for stale in (SPARK_DIR / "tables", SPARK_DIR / "metastore_db", DUCKDB_SIDE.parent):
        shutil.rmtree(stale, ignore_errors=True)
    DUCKDB_SIDE.parent.mkdir(parents=True, exist_ok=True)
    # seeds first (staging reads them through source(), so dbt sees no seed -> staging edge), as the build does
    duckdb_side = {"SECURITY_TIES_DB": str(DUCKDB_SIDE)}
    duckdb_paths = ("--target-path", "target/parity-duckdb", "--log-path", "logs/parity-duckdb")
    spark_options = ("--target", "spark", "--indirect-selection", "cautious",
                     "--target-path", "target/spark", "--log-path", "logs/spark")
    seconds = {
        "duckdb": _run_dbt(duckdb_dbt, "seed", *duckdb_paths, env=duckdb_side)
        + _run_dbt(duckdb_dbt, "run", *duckdb_paths, env=duckdb_side),
        # every seed, model, data test and unit test on Spark
        "spark": _run_dbt(spark_dbt, "build", "-s", "resource_type:seed", *spark_options),
    }
    ran_on_spark = _nodes_run(ROOT / "target" / "spark")
    seconds["spark"] += _run_dbt(spark_dbt, "build", "--exclude", "resource_type:seed", *spark_options)
    ran_on_spark |= _nodes_run(ROOT / "target" / "spark")
    manifest = json.loads((ROOT / "target" / "spark" / "manifest.json").read_text(encoding="utf-8"))
    expected = {unique_id for unique_id, node in manifest["nodes"].items()
                if node["resource_type"] in ("seed", "model", "test")} | set(manifest.get("unit_tests", {}))
    assert expected - ran_on_spark == set(), f"not run on Spark: {sorted(expected - ran_on_spark)[:10]}"
    return seconds


def _nodes_run(target_path: Path) -> set[str]:
    """Nodes of the last dbt invocation that succeeded or passed (run_results.json)."""
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))["results"]
    return {result["unique_id"] for result in results if result["status"] in ("success", "pass")}


@pytest.fixture(scope="module")
def spark(built: dict[str, float]) -> Iterator[object]:
    """A reader session on the catalog the Spark build wrote (started after dbt's session has ended)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("security-ties parity").enableHiveSupport()
    for key, value in spark_session_conf(ROOT / "profiles.yml", ROOT).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def duckdb_con(built: dict[str, float]) -> Iterator[object]:
    import duckdb

    con = duckdb.connect(str(DUCKDB_SIDE), read_only=True)
    yield con
    con.close()


def _duckdb_side(con: object, sql: str) -> tuple[str, list[str], list[tuple[object, ...]]]:
    result = con.execute(sql)  # type: ignore[attr-defined]
    return "duckdb", [column[0] for column in result.description], result.fetchall()


def _spark_side(spark: object, sql: str) -> tuple[str, list[str], list[tuple[object, ...]]]:
    frame = spark.sql(sql)  # type: ignore[attr-defined]
    return "spark", list(frame.columns), [tuple(row) for row in frame.collect()]


def _mart_names(duckdb_con: object, spark: object) -> list[str]:
    on_duckdb = {row[0] for row in duckdb_con.execute(  # type: ignore[attr-defined]
        "select table_name from information_schema.tables where table_schema = 'marts' and table_type = 'BASE TABLE'"
    ).fetchall()}
    on_spark = {table.name for table in spark.catalog.listTables("marts") if table.tableType != "VIEW"}  # type: ignore[attr-defined]
    in_project = {path.stem for path in (ROOT / "models" / "marts").glob("*.sql")}
    assert on_duckdb == in_project, f"DuckDB marts {sorted(on_duckdb ^ in_project)} differ from models/marts"
    assert on_spark == in_project, f"Spark marts {sorted(on_spark ^ in_project)} differ from models/marts"
    return sorted(in_project)


def _report(title: str, comparisons: list[MartComparison]) -> None:
    lines = [title, *(f"  {comparison.describe()}" for comparison in comparisons)]
    with REPORT.open("a", encoding="utf-8") as report:
        report.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def test_every_mart_has_the_same_rows_on_duckdb_and_spark(built: dict[str, float], spark: object,
                                                           duckdb_con: object) -> None:
    REPORT.write_text(f"build seconds: duckdb {built['duckdb']:.0f}, spark {built['spark']:.0f}\n", encoding="utf-8")
    marts = _mart_names(duckdb_con, spark)
    comparisons = [
        compare_mart(mart, _duckdb_side(duckdb_con, f"select * from marts.{mart}"),
                     _spark_side(spark, f"select * from marts.{mart}"))
        for mart in marts
    ]
    _report(f"{len(comparisons)} marts compared (DuckDB vs Spark):", comparisons)
    assert_all_equal(comparisons)
    assert sum(comparison.left_rows for comparison in comparisons) > 0, "every mart is empty on both engines"


def _publication_days(duckdb_con: object) -> list[str]:
    return sorted(row[0].isoformat() for row in duckdb_con.execute(  # type: ignore[attr-defined]
        "select published_on from marts.dim_document").fetchall() if isinstance(row[0], dt.date))


def test_membership_as_of_answers_the_same_on_duckdb_and_spark(spark: object, duckdb_con: object) -> None:
    days = sorted(set(AS_OF_DAYS) | set(_publication_days(duckdb_con)))
    comparisons = [
        compare_mart(f"membership_as_of({day})",
                     _duckdb_side(duckdb_con, f"select * from marts.membership_as_of(date '{day}')"),
                     _spark_side(spark, f"select * from marts.membership_as_of(date '{day}')"))
        for day in days
    ]
    _report(f"membership_as_of on {len(days)} days (DuckDB table macro vs Spark SQL table function):", comparisons)
    assert_all_equal(comparisons)
    assert any(comparison.left_rows for comparison in comparisons), "membership_as_of is empty on every day"


def test_membership_as_of_known_on_answers_the_same_on_duckdb_and_spark(spark: object, duckdb_con: object) -> None:
    """The two-argument form: DuckDB's overload membership_as_of(valid_on, known_on) and Spark's
    membership_as_of_known_on(valid_on, known_on), on every publication day known on every other one."""
    published = _publication_days(duckdb_con)
    pairs = [(valid_on, known_on) for valid_on in published + ["2024-02-15", "2025-12-31"] for known_on in published]
    comparisons = [
        compare_mart(f"membership_as_of({valid_on}, known on {known_on})",
                     _duckdb_side(duckdb_con, f"select * from marts.membership_as_of(date '{valid_on}', date '{known_on}')"),
                     _spark_side(spark, f"select * from marts.membership_as_of_known_on(date '{valid_on}', date '{known_on}')"))
        for valid_on, known_on in pairs
    ]
    _report(f"membership_as_of(valid_on, known_on) on {len(pairs)} pairs (Spark: membership_as_of_known_on):", comparisons)
    assert_all_equal(comparisons)
    assert any(comparison.left_rows for comparison in comparisons), "the two-argument form is empty on every pair"

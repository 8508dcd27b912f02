"""The engine-parity comparison itself (no engine needed): what counts as equal and how a difference reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from security_ties.parity import (
    ParityError,
    assert_all_equal,
    compare_mart,
    normalise_value,
    spark_session_conf,
)

COLUMNS = ["fact_id", "published_on", "value_usd", "is_member", "note"]


def test_same_rows_in_another_order_and_other_number_types_are_equal() -> None:
    duckdb_rows = [("TRD-1", dt.date(2024, 2, 29), 2.2e9, True, None), ("TRD-2", dt.date(2019, 1, 1), 36.0, False, "x")]
    spark_rows = [("TRD-2", dt.date(2019, 1, 1), Decimal("36.000"), False, "x"),
                  ("TRD-1", dt.date(2024, 2, 29), Decimal("2200000000.0000001"), True, None)]
    comparison = compare_mart("fct_trade_flow", ("duckdb", COLUMNS, duckdb_rows), ("spark", COLUMNS, spark_rows))
    assert comparison.equal
    assert comparison.describe() == "fct_trade_flow: equal (2 rows, 5 columns)"


def test_a_changed_value_fails_naming_the_mart_and_a_sample_row() -> None:
    duckdb_rows = [("TRD-1", dt.date(2024, 2, 29), 8.0e9, True, None)]
    spark_rows = [("TRD-1", dt.date(2024, 2, 29), 7.9e9, True, None)]
    comparison = compare_mart("fct_trade_flow", ("duckdb", COLUMNS, duckdb_rows), ("spark", COLUMNS, spark_rows))
    with pytest.raises(ParityError) as raised:
        assert_all_equal([comparison])
    message = str(raised.value)
    assert "fct_trade_flow: rows differ" in message
    assert "'value_usd': '8000000000'" in message and "'fact_id': 'TRD-1'" in message


def test_a_missing_duplicate_row_is_a_difference() -> None:
    row = ("TRD-1", dt.date(2024, 2, 29), 1.0, True, None)
    comparison = compare_mart("mart_x", ("duckdb", COLUMNS, [row, row]), ("spark", COLUMNS, [row]))
    assert not comparison.equal
    assert comparison.left_rows == 2 and comparison.right_rows == 1 and len(comparison.only_left) == 1


def test_a_missing_column_is_a_difference() -> None:
    comparison = compare_mart("mart_x", ("duckdb", ["a", "b"], [(1, 2)]), ("spark", ["a"], [(1,)]))
    assert not comparison.equal
    assert "columns differ" in comparison.describe() and "['b']" in comparison.describe()


def test_null_is_not_the_text_none_and_booleans_are_not_numbers() -> None:
    assert normalise_value(None) != normalise_value("None")
    assert normalise_value(True) == "true" and normalise_value(1) == "1"
    assert normalise_value(0.1 + 0.2) == normalise_value(Decimal("0.3"))
    assert normalise_value(dt.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02 03:04:05"


def test_nothing_compared_is_a_failure() -> None:
    with pytest.raises(ParityError, match="no marts were compared"):
        assert_all_equal([])


def test_spark_conf_comes_from_the_profile_with_paths_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profiles = tmp_path / "profiles.yml"
    profiles.write_text(
        "p:\n  target: dev\n  outputs:\n    spark:\n      type: spark\n      server_side_parameters:\n"
        "        spark.master: \"local[2]\"\n"
        "        spark.driver.memory: \"{{ env_var('TEST_PARITY_MEMORY', '2g') }}\"\n"
        "        spark.sql.warehouse.dir: \"{{ env_var('TEST_PARITY_DIR', 'warehouse/spark') }}/tables\"\n"
        "        spark.hadoop.javax.jdo.option.ConnectionURL: \"jdbc:derby:;databaseName=warehouse/spark/metastore_db;create=true\"\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_PARITY_MEMORY", "3g")
    monkeypatch.delenv("TEST_PARITY_DIR", raising=False)
    conf = spark_session_conf(profiles, tmp_path)
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.driver.memory"] == "3g"
    assert conf["spark.sql.warehouse.dir"] == str(tmp_path / "warehouse/spark/tables")
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={tmp_path / 'warehouse/spark/metastore_db'};create=true")
    with pytest.raises(KeyError, match="no target 'thrift'"):
        spark_session_conf(profiles, tmp_path, target="thrift")

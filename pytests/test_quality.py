"""Great Expectations on every mart: the real build passes, and each class of fault is caught by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from security_ties.quality import QualityError, data_docs_index, load_mart_specs, run_checkpoint


@pytest.fixture()
def warehouse_copy(published_warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy" / published_warehouse.name
    copy.parent.mkdir()
    shutil.copy(published_warehouse, copy)
    return copy


def corrupt(database: Path, *statements: str) -> None:
    with duckdb.connect(str(database)) as connection:
        for statement in statements:
            connection.execute(statement)


def failures_of(project, database: Path, table: str) -> list[str]:
    (result,) = run_checkpoint(project, database, only={table})
    assert result.table == table and not result.success
    return result.failures


def test_the_published_warehouse_passes_every_expectation_and_docs_list_every_mart(project, published_warehouse: Path) -> None:
    results = run_checkpoint(project, published_warehouse)
    failing = {r.table: r.failures for r in results if not r.success}
    assert failing == {}
    assert {r.table for r in results} == set(load_mart_specs(project.root))
    assert sum(r.passed for r in results) > 400
    index = data_docs_index(project).read_text(encoding="utf-8")
    for table in load_mart_specs(project.root):
        assert f"marts.{table}" in index


def test_out_of_range_share_is_caught(project, warehouse_copy: Path) -> None:
    corrupt(warehouse_copy, "update marts.fct_arms_supplier_share set share_pct = 150 "
                            "where fact_id = (select min(fact_id) from marts.fct_arms_supplier_share)")
    assert "expect_column_values_to_be_between(share_pct)" in failures_of(project, warehouse_copy, "fct_arms_supplier_share")


def test_duplicated_key_is_caught(project, warehouse_copy: Path) -> None:
    # a CTAS copy drops the enforced primary key, as a careless rebuild would
    corrupt(warehouse_copy, "create or replace table marts.fct_trade_flow as "
                            "select * from marts.fct_trade_flow union all (select * from marts.fct_trade_flow limit 1)")
    assert "expect_column_values_to_be_unique(fact_id)" in failures_of(project, warehouse_copy, "fct_trade_flow")


def test_overlapping_spell_is_caught(project, warehouse_copy: Path) -> None:
    corrupt(warehouse_copy, """
        create or replace table marts.fct_membership_spell as
        select * from marts.fct_membership_spell
        union all
        select spell_id || ':overlap', country_iso3, org_code, status, valid_from + 1, valid_from_latest + 1,
               valid_from_precision, valid_to, valid_to_precision, legal_basis, started_by_fact_id,
               supporting_fact_count, starts_with_assertion_only, is_open
        from marts.fct_membership_spell
        where country_iso3 = 'ARM' and org_code = 'CSTO' and status = 'member'
    """)
    assert "expect_column_values_to_be_in_set(overlaps_previous_spell)" in failures_of(project, warehouse_copy, "fct_membership_spell")


def test_unknown_country_code_is_caught(project, warehouse_copy: Path) -> None:
    corrupt(warehouse_copy, "update marts.fct_event set location_iso3 = 'XXX' "
                            "where fact_id = (select min(fact_id) from marts.fct_event where location_iso3 is not null)")
    assert "expect_column_values_to_be_in_set(location_iso3)" in failures_of(project, warehouse_copy, "fct_event")


def test_missing_evidence_is_caught(project, warehouse_copy: Path) -> None:
    corrupt(warehouse_copy, "update marts.fct_indicator set evidence = '' "
                            "where fact_id = (select min(fact_id) from marts.fct_indicator)")
    assert "expect_column_value_lengths_to_be_between(evidence)" in failures_of(project, warehouse_copy, "fct_indicator")


def test_a_mart_without_a_suite_fails_the_checkpoint(project, warehouse_copy: Path) -> None:
    corrupt(warehouse_copy, "create table marts.mart_unplanned as select 1 as id")
    with pytest.raises(QualityError, match="mart_unplanned"):
        run_checkpoint(project, warehouse_copy, only={"dim_document"})


def test_a_suite_for_a_table_that_no_longer_exists_fails_the_checkpoint(project, warehouse_copy: Path) -> None:
    corrupt(warehouse_copy, "drop table marts.mart_source_conflicts")
    with pytest.raises(QualityError, match="mart_source_conflicts"):
        run_checkpoint(project, warehouse_copy, only={"dim_document"})


def test_a_failing_expectation_blocks_publishing_and_names_table_and_expectation(warehouse_copy: Path) -> None:
    from security_ties.build import BuildError
    from security_ties.quality import audit

    corrupt(warehouse_copy, "update marts.fct_indicator set evidence = '' "
                            "where fact_id = (select min(fact_id) from marts.fct_indicator)")
    with pytest.raises(BuildError, match=r"marts\.fct_indicator: .*expect_column_value_lengths_to_be_between\(evidence\)"):
        audit(warehouse_copy)

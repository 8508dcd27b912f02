"""Every kind of dbt data test the project uses can fail: one mutation per kind, applied to a copy of the
published warehouse, makes the test's compiled query (as the last build ran it) return rows; on the unmutated
copy it returns none. docs/testing.md lists the same mutations and the one for a unit test.

The compiled SQL names schema and table without a catalog, so it runs on any copy of the file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from security_ties.dbt_runner import target_path as dbt_target_path
from security_ties.project import Project

# (test node name as dbt names it, the mutation: SQL that breaks exactly the rule the test states)
FIRST = "rowid = (select min(rowid) from {table}{where})"


def one_row(table: str, where: str = "") -> str:
    return FIRST.format(table=table, where=f" where {where}" if where else "")


MUTATIONS: dict[str, tuple[str, str]] = {
    # generic test kinds (dbt built-ins and the project's macros under macros/generic_tests/)
    "primary_key (a duplicate key)": ("primary_key_trade_figures_fact_id",
                                      "insert into raw.trade_figures select * from raw.trade_figures limit 1"),
    "primary_key (a null key column)": ("primary_key_event_actors_fact_id__actor_code",
                                        f"update raw.event_actors set actor_code = null where {one_row('raw.event_actors')}"),
    "not_null_columns": ("not_null_columns_trade_figures_doc_id__reporter_iso3__flow__qualifier",
                         f"update raw.trade_figures set qualifier = null where {one_row('raw.trade_figures')}"),
    "unique (an alternate key)": ("unique_documents_sha256",
                                  "update raw.documents set sha256 = (select max(sha256) from raw.documents) where "
                                  + one_row("raw.documents", "sha256 <> (select max(sha256) from raw.documents)")),
    "relationships": ("relationships_trade_figures_doc_id__doc_id__ref_documents_",
                      f"update raw.trade_figures set doc_id = 'doc_999' where {one_row('raw.trade_figures')}"),
    "at_least_one_not_null": ("at_least_one_not_null_trade_figures_partner_iso3__partner_org_code",
                              "update raw.trade_figures set partner_iso3 = null, partner_org_code = null "
                              f"where {one_row('raw.trade_figures')}"),
    "bounds_enclose_value": ("bounds_enclose_value_fct_event_killed__figures_are_exact__killed_lower__killed_upper",
                             "update marts.fct_event set killed = 10, killed_lower = 11, killed_upper = 12 "
                             f"where {one_row('marts.fct_event')}"),
    "date_matches_precision": ("date_matches_precision_arms_transfers_status_date__status_date_precision",
                               "update raw.arms_transfers set status_date = '2024', status_date_precision = 'day' "
                               f"where {one_row('raw.arms_transfers')}"),
    "evidence_present": ("evidence_present_trade_figures_evidence",
                         f"update raw.trade_figures set evidence = ' ' where {one_row('raw.trade_figures')}"),
    "iso_date": ("iso_date_events_end_date",
                 f"update raw.events set end_date = '24-1-1' where {one_row('raw.events')}"),
    "matches_pattern": ("matches_pattern_arms_transfers_deal_key___a_z_3___a_z_3___a_z0_9__",
                        f"update raw.arms_transfers set deal_key = 'Bad Key' where {one_row('raw.arms_transfers')}"),
    "non_overlapping_spells": (
        "non_overlapping_spells_int_membership_spells_first_attested_on__knowledge_from__country_iso3__org_code__"
        "spell_id__valid_from__valid_to",
        "insert into intermediate.int_membership_spells "
        "select * replace (spell_id || ':copy' as spell_id) from intermediate.int_membership_spells limit 1"),
    "not_exact_from_bounded_input": (
        "not_exact_from_bounded_input_fct_event_figures_are_exact__figure_qualifier__figures_are_exact",
        "update marts.fct_event set figure_qualifier = 'approx', figures_are_exact = true "
        f"where {one_row('marts.fct_event', 'troops is not null')}"),
    "null_exactly_when": ("null_exactly_when_int_membership_spells_from_facts_valid_from__start_basis_first_attested_",
                          "update intermediate.int_membership_spells_from_facts set valid_from = null where "
                          + one_row("intermediate.int_membership_spells_from_facts", "start_basis <> 'first_attested'")),
    "ordered_columns": ("ordered_columns_trade_figures_value_usd__value_usd_upper",
                        "update raw.trade_figures set value_usd = 10, value_usd_upper = 5 "
                        f"where {one_row('raw.trade_figures')}"),
    "ordered_columns (strictly)": ("ordered_columns_mart_trade_partners_growth_from_year__True__growth_to_year",
                                   "update marts.mart_trade_partners set growth_from_year = growth_to_year "
                                   f"where {one_row('marts.mart_trade_partners', 'growth_to_year is not null')}"),
    "point_value_only_when_exact": ("point_value_only_when_exact_mart_trade_partners_growth_pct__growth_is_exact",
                                    "update marts.mart_trade_partners set growth_pct = 263.6 "
                                    f"where {one_row('marts.mart_trade_partners', 'not growth_is_exact')}"),
    "relationships_by_kind": ("relationships_by_kind_treaty_parties_party_code__party_kind",
                              "update raw.treaty_parties set party_code = 'XXX', party_kind = 'country' "
                              f"where {one_row('raw.treaty_parties')}"),
    "relationships_or_values": (
        "relationships_or_values_dim_treaty_lifecycle_stage__named_only__event_type__ref_stg_vocabulary__treaty_event_types_",
        f"update marts.dim_treaty set lifecycle_stage = 'abandoned' where {one_row('marts.dim_treaty')}"),
    "set_exactly_when": ("set_exactly_when_fct_event_figures_are_exact__figure_qualifier_is_not_null",
                         "update marts.fct_event set figures_are_exact = null "
                         f"where {one_row('marts.fct_event', 'figure_qualifier is not null')}"),
    "unique_combination": ("unique_combination_treaty_parties_doc_id__treaty_id__party_code",
                           "insert into raw.treaty_parties "
                           "select * replace (fact_id || '-copy' as fact_id) from raw.treaty_parties limit 1"),
    "value_in_range": ("value_in_range_trade_figures_year___var_calendar_last_year____var_calendar_first_year_",
                       f"update raw.trade_figures set year = 1800 where {one_row('raw.trade_figures')}"),
    # singular tests (tests/)
    "singular: not extended before signed": (
        "test_dim_treaty__not_extended_before_signed",
        "update marts.dim_treaty set last_extended_on = cast(signed_on - interval 1 day as date) "
        f"where {one_row('marts.dim_treaty', 'signed_on is not null')}"),
    "singular: every fact row is provenanced": (
        "test_fct_fact_provenance__every_fact_row_is_provenanced",
        f"delete from marts.fct_fact_provenance where {one_row('marts.fct_fact_provenance')}"),
    "singular: fact id carries its table prefix": (
        "test_int_facts_unioned__fact_id_carries_its_table_prefix",
        f"update intermediate.int_facts_unioned set fact_id = 'XXX-001-01' where {one_row('intermediate.int_facts_unioned')}"),
    "singular: fact id names its own document": (
        "test_int_facts_unioned__fact_id_names_its_own_document",
        "update intermediate.int_facts_unioned set doc_id = 'doc_002' "
        f"where {one_row('intermediate.int_facts_unioned', 'doc_id <> ' + repr('doc_002') + ' and fact_id like ' + repr('TRD-%'))}"),
    "singular: one supplier, recipient and system per deal": (
        "test_fct_arms_deal__one_supplier_recipient_and_system_per_deal",
        "insert into intermediate.int_arms_transfers_resolved "
        "select * replace ('USA' as recipient_iso3) from intermediate.int_arms_transfers_resolved limit 1"),
}


@pytest.fixture(scope="module")
def manifest(project: Project, published_warehouse: Path) -> dict:
    """The manifest of the build that published the warehouse."""
    return json.loads((dbt_target_path(project) / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compiled_tests(project: Project, manifest: dict) -> dict[str, str]:
    """Test node name -> the SQL the build that published the warehouse ran for it."""
    by_id = {}
    for results in sorted(dbt_target_path(project).glob("run_results*.json")):
        for result in json.loads(results.read_text(encoding="utf-8"))["results"]:
            if result.get("compiled_code"):
                by_id[result["unique_id"]] = result["compiled_code"]
    return {node["name"]: by_id[node_id] for node_id, node in manifest["nodes"].items()
            if node["resource_type"] == "test" and node_id in by_id}


def kind_of(mutation: str) -> str:
    """The test kind a MUTATIONS entry breaks ("ordered_columns (strictly)" -> ordered_columns)."""
    return mutation.split(" ")[0].rstrip(":")


@pytest.fixture(scope="module")
def warehouse_copy(published_warehouse: Path, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("mutations") / published_warehouse.name
    shutil.copyfile(published_warehouse, copy)
    return copy


def failing_rows(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    (rows,) = connection.execute(f"select count(*) from ({sql}) as failures").fetchone() or (0,)
    return int(rows)


def test_every_generic_test_kind_of_the_project_has_a_mutation(manifest: dict) -> None:
    """A new generic test macro, or a dbt built-in test the YAML starts to use, needs its mutation here; a kind no
    test uses any more leaves."""
    macros = Path(__file__).resolve().parents[1] / "macros" / "generic_tests"
    used = {node["test_metadata"]["name"] for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and "test_metadata" in node}
    kinds = {path.stem for path in macros.glob("*.sql")} | used
    mutated = {kind_of(name) for name in MUTATIONS} - {"singular"}
    assert kinds - mutated == set(), "test kinds without a mutation"
    assert mutated - used == set(), "mutations of test kinds no test uses"


@pytest.mark.parametrize("kind", list(MUTATIONS))
def test_a_mutation_makes_the_test_fail(kind: str, compiled_tests: dict[str, str], warehouse_copy: Path) -> None:
    node, mutation = MUTATIONS[kind]
    assert node in compiled_tests, f"no test node {node} in the last build: renamed or removed?"
    sql = compiled_tests[node]
    with duckdb.connect(str(warehouse_copy)) as connection:
        assert failing_rows(connection, sql) == 0, "the test fails before the mutation"
        connection.execute("begin transaction")
        try:
            connection.execute(mutation)
            assert failing_rows(connection, sql) > 0, f"{node} still passes after: {mutation}"
        finally:
            connection.execute("rollback")

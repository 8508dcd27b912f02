"""mart_source_conflicts on the published warehouse: the five texts' real disagreements are rows of the right
kind, between two documents, with quotes that say what the values say and a resolution from data.

The expected pairs are spot truths read in the texts (see seeds/facts/claims.csv for the quotes), not values
read back from the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def conflicts(published_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        return connection.execute("select * from marts.mart_source_conflicts").df()


def pair(conflicts: pd.DataFrame, kind: str, left: str, right: str) -> pd.Series:
    rows = conflicts[(conflicts.conflict_kind == kind) & (conflicts.left_fact_id == left)
                     & (conflicts.right_fact_id == right)]
    assert len(rows) == 1, f"expected one {kind} conflict {left} ~ {right}, found {len(rows)}"
    return rows.iloc[0]


def test_real_texts_disagree_in_attribution_wording_status_and_sequence(conflicts: pd.DataFrame) -> None:
    kinds = conflicts.conflict_kind.value_counts().to_dict()
    assert {kind: kinds.get(kind, 0) > 0 for kind in ("attribution", "wording", "status", "sequence")} == {
        "attribution": True, "wording": True, "status": True, "sequence": True}


def test_article_4_is_placed_in_the_charter_by_one_text_and_in_the_treaty_by_another(conflicts) -> None:
    row = pair(conflicts, "attribution", "CLM-001-01", "CLM-003-01")
    assert (row.left_doc_id, row.right_doc_id) == ("doc_001", "doc_003")
    assert (row.left_value, row.right_value) == ("csto_charter", "collective_security_treaty")
    assert "CSTO charter is Article 4" in row.left_evidence
    assert "article 4 of the Collective Security Treaty" in row.right_evidence
    assert row.resolution.startswith("uses collective_security_treaty: ")


def test_doc_001s_article_4_invocation_keeps_its_attribution_and_names_the_conflict(
        conflicts, published_warehouse: Path) -> None:
    # doc_001: "Armenia applied to the CSTO based on Article 4 of the charter" - the fact says what the text says;
    # the warehouse's reading is the resolution row of the attribution conflict, not a silent recode of the fact
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        treaty_id, evidence = connection.execute(
            "select treaty_id, evidence from marts.fct_treaty_event where fact_id = 'TRE-001-09'").fetchone()
        about = connection.execute(
            "select about_fact_id from staging.stg_facts__claims where claim_id = 'CLM-001-01'").fetchone()[0]
    assert treaty_id == "csto_charter" and "Article 4 of the charter" in evidence
    assert about == "TRE-001-09"
    row = pair(conflicts, "attribution", "CLM-001-01", "CLM-003-01")
    assert row.resolution_id == "RES-01" and "TRE-001-09" in row.resolution


def test_frozen_membership_and_frozen_participation_are_a_wording_conflict(conflicts) -> None:
    for right, doc in (("CLM-002-01", "doc_002"), ("CLM-003-02", "doc_003")):
        row = pair(conflicts, "wording", "CLM-001-02", right)
        assert (row.left_value, row.right_value, row.right_doc_id) == ("membership", "participation", doc)
        assert "its membership" in row.left_evidence and "its participation" in row.right_evidence
    # doc_002 and doc_003 both say participation: agreeing texts are no conflict
    agreeing = conflicts[(conflicts.left_fact_id == "CLM-002-01") & (conflicts.right_fact_id == "CLM-003-02")]
    assert agreeing.empty


def test_the_ambassador_recalls_have_a_different_order_and_trigger_in_two_texts(conflicts) -> None:
    order = pair(conflicts, "sequence", "CLM-001-03", "CLM-004-01")
    assert (order.differing_attribute, order.left_doc_id, order.right_doc_id) == ("order", "doc_001", "doc_004")
    assert "Yerevan and Minsk recalled their ambassadors" in order.left_evidence
    assert "responded in kind" in order.right_evidence
    cause = pair(conflicts, "sequence", "CLM-001-04", "CLM-004-02")
    assert cause.differing_attribute == "cause"
    assert "Subsequently" in cause.left_evidence and "responded with fury" in cause.right_evidence


def test_plain_member_listings_after_the_february_2024_freeze_are_status_conflicts(
        conflicts, published_warehouse: Path) -> None:
    expected = {("MEM-001-04", "MEM-003-02"), ("MEM-001-04", "MEM-004-01"), ("MEM-003-01", "MEM-004-01")}
    for left, right in expected:
        row = pair(conflicts, "status", left, right)
        assert (row.compared_thing, row.left_value, row.right_value) == (
            "ARM CSTO status", "participation_frozen", "member")
    status = conflicts[conflicts.conflict_kind == "status"]
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        events = connection.execute(
            "select fact_id, act_kind, event_date_earliest, event_date_latest from marts.fct_membership_event").df()
    dates = events.set_index("fact_id")
    for row in status.itertuples():
        change, assertion = sorted((row.left_fact_id, row.right_fact_id),
                                   key=lambda fact: dates.act_kind[fact] == "status_assertion")
        assert dates.act_kind[assertion] == "status_assertion" != dates.act_kind[change]
        assert dates.event_date_latest[change] < dates.event_date_earliest[assertion]
    # doc_001's own 'member' (year 2024) is not certainly later than the freeze, doc_003's own freeze is the same text
    assert not (status.right_fact_id == "MEM-001-03").any() and not (status.left_fact_id == "MEM-001-03").any()
    assert not ((status.left_fact_id == "MEM-003-01") & (status.right_fact_id == "MEM-003-02")).any()


def test_every_real_conflict_pairs_two_documents_and_says_which_reading_is_used(conflicts) -> None:
    assert not conflicts.empty
    assert (conflicts.left_doc_id < conflicts.right_doc_id).all()
    unresolved = conflicts[~conflicts.is_resolved.astype(bool)]
    assert unresolved.empty, "add a row to seeds/facts/conflict_resolutions.csv for:\n" + unresolved[
        ["conflict_kind", "compared_thing"]].drop_duplicates().to_string()
    assert conflicts.resolution.str.match(r"^uses .+: .+").all()

"""Arms deals as an entity, on the published warehouse: one deal per supply across texts, canonical weapon systems,
stages from one vocabulary seed coded by one tense rule, supply periods, holdings vs imports, and supplier ranks
as rows.

Expected answers come from the seed CSVs read with pandas, or are spot truths quoted in the texts; they are never
read back from the model being checked.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import copy_project
from security_ties.report import charts
from security_ties.seed_check import SeedValidationError, validate_seeds


@pytest.fixture(scope="module")
def query(published_warehouse: Path):
    def run(sql: str, parameters: list | None = None) -> pd.DataFrame:
        with duckdb.connect(str(published_warehouse), read_only=True) as connection:
            return connection.execute(sql, parameters or []).df()
    return run


@pytest.fixture(scope="module")
def seed(project):
    def read(folder: str, name: str) -> pd.DataFrame:
        return pd.read_csv(project.seeds_dir / folder / f"{name}.csv", dtype=str, keep_default_na=False)
    return read


def resolved_transfers(seed) -> pd.DataFrame:
    """arms_transfers with the weapon system each (supplier, spelling) maps to in the alias seed, in pandas."""
    transfers = seed("facts", "arms_transfers")
    aliases = seed("reference", "weapon_system_aliases")
    return transfers.merge(aliases, left_on=["supplier_iso3", "system_name"],
                           right_on=["supplier_iso3", "name_as_written"], how="left", validate="many_to_one")


# --- the deal entity ------------------------------------------------------------------------------

def test_fct_arms_deal_has_exactly_one_french_caesar_deal_for_armenia(query, seed) -> None:
    deals = query("select deal_key, system_name, furthest_stage, quantity_low, quantity_high, quantity_qualifier, "
                  "doc_ids from marts.fct_arms_deal "
                  "where supplier_iso3 = 'FRA' and recipient_iso3 = 'ARM' and weapon_system_id = 'caesar'")
    assert len(deals) == 1
    caesar = deals.iloc[0]
    # doc_003 "There are also discussions to send CAESAR", doc_004 "it was announced that France will sell Caesar
    # ... 36 of the howitzers will be dispatched": the furthest stage is the announcement, 36 units, two texts.
    assert caesar.furthest_stage == "announced"
    assert (caesar.quantity_low, caesar.quantity_high, caesar.quantity_qualifier) == (36, 36, "exact")
    assert caesar.doc_ids == "doc_003, doc_004"
    spellings = set(seed("facts", "arms_transfers").query("deal_key == 'fra_arm_caesar'").system_name)
    assert len(spellings) >= 2, "the texts spell CAESAR differently; the deal must still be one"


def test_belarus_supply_to_azerbaijan_runs_from_2018_to_2022_and_includes_the_undated_statement(query) -> None:
    deal = query("select supply_start_year, supply_end_year, furthest_stage, doc_ids, fact_ids "
                 "from marts.fct_arms_deal where supplier_iso3 = 'BLR' and recipient_iso3 = 'AZE' "
                 "and weapon_system_id = 'blr_arms'")
    assert len(deal) == 1
    row = deal.iloc[0]
    # doc_001 "supplied advanced weaponry to Azerbaijan between 2018 and 2022"; doc_004 "covertly arming
    # Azerbaijan from 2018-2022"
    assert (row.supply_start_year, row.supply_end_year) == (2018, 2022)
    assert row.furthest_stage == "delivered"
    assert row.doc_ids == "doc_001, doc_004"
    assert "ARM-001-01" in row.fact_ids.split(", "), "doc_001's statement of the supply must join the same deal"


def test_every_deal_is_one_supplier_one_recipient_one_system_and_every_transfer_is_in_a_deal(query, seed) -> None:
    expected = resolved_transfers(seed)
    assert expected.weapon_system_id.notna().all(), "every (supplier, spelling) has a row in weapon_system_aliases"
    per_deal = expected.groupby("deal_key").agg(suppliers=("supplier_iso3", "nunique"),
                                                recipients=("recipient_iso3", "nunique"),
                                                systems=("weapon_system_id", "nunique"))
    assert (per_deal == 1).all().all()
    deals = query("select deal_key, weapon_system_id, stage_fact_count from marts.fct_arms_deal").set_index("deal_key")
    assert sorted(deals.index) == sorted(per_deal.index)
    assert deals.stage_fact_count.sum() == len(expected)
    systems = expected.groupby("deal_key").weapon_system_id.first()
    assert deals.weapon_system_id.to_dict() == systems.to_dict()


def test_furthest_stage_is_the_highest_ordered_stage_of_the_vocabulary(query, seed) -> None:
    order = {row.stage: int(row.stage_order) for row in seed("vocabulary", "arms_deal_stages").itertuples()}
    transfers = seed("facts", "arms_transfers")
    expected = (transfers.assign(order=transfers.status.map(order)).groupby("deal_key").order.max()
                .map({value: key for key, value in order.items()}))
    deals = query("select deal_key, furthest_stage from marts.fct_arms_deal").set_index("deal_key").furthest_stage
    assert deals.to_dict() == expected.to_dict()


def test_caesar_spellings_count_as_one_french_system_in_the_supplier_shift(query, seed) -> None:
    transfers = resolved_transfers(seed)
    french_2024 = transfers[(transfers.supplier_iso3 == "FRA") & (transfers.recipient_iso3 == "ARM")
                            & transfers.status_date.str.startswith("2024")]
    assert french_2024[french_2024.weapon_system_id == "caesar"].system_name.nunique() >= 2
    shift = query("select system_count, systems_and_stages from marts.mart_arms_supplier_shift "
                  "where supplier_iso3 = 'FRA' and recipient_iso3 = 'ARM' and year_number = 2024").iloc[0]
    assert shift.system_count == french_2024.weapon_system_id.nunique()
    named = re.findall(r"([^,]+?) \((\w+)\)", shift.systems_and_stages)
    assert {name.strip() for name, _ in named if "caesar" in name.lower()} == {"CAESAR self-propelled howitzer"}


def test_generic_items_never_merge_across_suppliers_in_dim_weapon_system(query) -> None:
    systems = query("select weapon_system_id, is_generic, supplier_iso3, supplier_count from marts.dim_weapon_system")
    generic = systems[systems.is_generic]
    assert (generic.supplier_count == 1).all()
    armaments = systems[systems.weapon_system_id.isin(["fra_armaments", "ind_armaments"])]
    assert dict(zip(armaments.weapon_system_id, armaments.supplier_iso3)) == {"fra_armaments": "FRA",
                                                                                "ind_armaments": "IND"}
    mixed = query("select weapon_system_id from marts.fct_arms_deal group by weapon_system_id "
                  "having count(distinct supplier_iso3) > 1 and bool_or(is_generic_system)")
    assert mixed.empty


# --- one tense rule, one stage vocabulary -----------------------------------------------------------

TENSE_RULE = [  # (words in the evidence, stage) - docs/extraction.md, "Tense -> stage"
    (r"\bis sending\b|\bsupplying\b", "delivering"),
    (r"\bdiscussions\b|\bmedia reports\b", "discussed"),
    (r"\bannounced\b|\bwill be dispatched\b", "announced"),
    (r"\bhas bought\b|\bsigned a contract\b|\bordered\b", "contracted"),
    (r"\bsupplied\b|\bwas covertly arming\b", "delivered"),
]


@pytest.mark.parametrize(("wording", "stage"), TENSE_RULE)
def test_the_same_wording_is_coded_as_the_same_stage_in_every_text(seed, wording: str, stage: str) -> None:
    transfers = seed("facts", "arms_transfers")
    worded = transfers[transfers.evidence.str.contains(wording, regex=True)]
    assert not worded.empty, f"no arms row quotes {wording!r}: the rule is not exercised"
    assert set(worded.status) == {stage}, worded[["fact_id", "status", "evidence"]].to_string()


def test_every_stage_code_in_the_warehouse_comes_from_the_vocabulary_seed(query, seed) -> None:
    vocabulary = seed("vocabulary", "arms_deal_stages")
    assert vocabulary.stage_order.astype(int).is_unique
    used = query("select distinct status as stage, stage_order from marts.fct_arms_transfer")
    known = dict(zip(vocabulary.stage, vocabulary.stage_order.astype(int)))
    assert all(known[row.stage] == row.stage_order for row in used.itertuples())


def test_seed_preflight_names_an_unknown_stage_and_adding_a_stage_is_one_row(project, tmp_path: Path) -> None:
    seeds = copy_project(tmp_path / "project") / "seeds"  # the pre-flight also reads the project's test macros
    transfers = seeds / "facts" / "arms_transfers.csv"
    with transfers.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fieldnames = list(rows[0])
    line = 2 + next(index for index, row in enumerate(rows) if row["fact_id"] == "ARM-004-03")
    rows[line - 2]["status"] = "leased"
    with transfers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(SeedValidationError) as caught:
        validate_seeds(seeds)
    assert f"arms_transfers.csv:{line}: unknown code status = 'leased' (not in arms_deal_stages.stage)" \
        in str(caught.value)

    with (seeds / "vocabulary" / "arms_deal_stages.csv").open("a", encoding="utf-8") as handle:
        handle.write('leased,8,"Handed over on lease.","\'leased\', \'is leasing\'"\n')
    assert validate_seeds(seeds) > 0


# --- shares and ranks -----------------------------------------------------------------------------

def test_shr_001_01_is_a_share_of_holdings_like_shr_004_01(query) -> None:
    shares = query("select fact_id, measure from marts.fct_arms_supplier_share "
                   "where fact_id in ('SHR-001-01', 'SHR-004-01')").set_index("fact_id").measure
    # "supplied ... Azerbaijan with 85% of its offensive weaponry" and "Russian arms made up around 90% of Armenia's
    # defense capabilities" are both shares of what a country holds, not of its imports
    assert shares["SHR-001-01"] == shares["SHR-004-01"] == "share_of_arms_holdings"
    shift = query("select arms_share_measures from marts.mart_arms_supplier_shift "
                  "where supplier_iso3 = 'RUS' and recipient_iso3 = 'AZE' and year_number = 2020").iloc[0]
    assert shift.arms_share_measures == "share_of_arms_holdings"


def test_supplier_rankings_the_texts_state_are_structured_rows(query, seed) -> None:
    shares = seed("facts", "arms_supplier_shares")
    ranking_words = r"biggest|largest|primary supplier|second|top supplier|main supplier"
    ranked = shares[shares.evidence.str.contains(ranking_words, case=False, regex=True)]
    assert not ranked.empty and (ranked.supplier_rank != "").all()
    unranked_notes = pd.concat([seed("facts", "arms_transfers").note, shares[shares.supplier_rank == ""].note])
    left_in_notes = unranked_notes.str.contains(r"(?:largest|biggest|top|second|primary) (?:arms )?supplier", case=False, na=False)
    assert not left_in_notes.any(), f"a supplier ranking is left in a note: {list(unranked_notes[left_in_notes])}"
    # doc_003 "France and India are currently the two biggest backers of Armenia" (doc_001's "primary suppliers" is in
    # a related-article teaser below the article, which is not part of it: an excluded mention)
    ranks = query("select doc_id, supplier_iso3, supplier_rank, qualifier, supplier_rank_best, supplier_rank_worst "
                  "from marts.fct_arms_supplier_share where recipient_iso3 = 'ARM' and supplier_rank is not null")
    assert {tuple(row) for row in ranks.itertuples(index=False)} == {
        ("doc_003", "FRA", 2, "up_to", 1, 2), ("doc_003", "IND", 2, "up_to", 1, 2)}
    # "the two biggest backers" ranks foreign support, not arms supplies: the supplier shift claims no arms rank from it
    shift = query("select best_arms_supplier_rank from marts.mart_arms_supplier_shift "
                  "where supplier_iso3 in ('IND', 'FRA') and recipient_iso3 = 'ARM' and year_number = 2024")
    assert len(shift) == 2 and shift.best_arms_supplier_rank.isna().all()


# --- the report's arms chart ----------------------------------------------------------------------

def test_report_arms_stage_bars_sit_on_the_years_of_their_stages(query, published_warehouse: Path) -> None:
    arms = next(chart for chart in charts(published_warehouse)[0] if chart.key == "arms")
    bars = [trace for trace in arms.figure.data if trace.type == "bar"]
    assert bars and arms.figure.layout.barmode == "stack"
    drawn = {}
    for trace in bars:
        assert all(width < 1 for width in trace.width), "a bar wider than a year spills onto its neighbour"
        assert trace.offset is None
        pair = trace.name.removesuffix(" deal stages")
        for year, count in zip(trace.x, trace.y):
            drawn[(pair, int(year))] = int(count)
    expected = query("select d.supplier_iso3 || ' → ' || d.recipient_iso3 as pair, s.stage_year, count(*) as n "
                     "from marts.fct_arms_deal_stage s join marts.fct_arms_deal d using (deal_key) "
                     "where s.stage_year is not null group by all")
    assert drawn == {(row.pair, int(row.stage_year)): int(row.n) for row in expected.itertuples()}
    assert ("BLR → AZE", 2018) in drawn and ("FRA → ARM", 2024) in drawn

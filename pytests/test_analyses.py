"""Every analysis in analyses/ compiles, runs on the published warehouse, and answers as the facts say.

Expected answers are computed independently from the seed CSVs (pandas), or are spot truths quoted in
the texts, never read back from the warehouse.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

# every test here reads analyses compiled by one `dbt compile` run
pytestmark = pytest.mark.slow

ANALYSES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(project, published_warehouse: Path, tmp_path_factory) -> Path:
    """Compile the analyses against a scratch copy, so the compile never locks the published file."""
    scratch = tmp_path_factory.mktemp("compile")
    shutil.copy(published_warehouse, scratch / published_warehouse.name)
    target = scratch / "target"
    environment = {**os.environ, "SECURITY_TIES_DB": str(scratch / published_warehouse.name)}
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "compile", "--select", "resource_type:analysis",
         "--target-path", str(target), "--quiet"],
        cwd=project.root, env=environment, check=True,
    )
    return target / "compiled" / "security_ties" / "analyses"


@pytest.fixture(scope="module")
def answer(compiled: Path, published_warehouse: Path):
    def run(name: str) -> pd.DataFrame:
        sql = (compiled / f"{name}.sql").read_text(encoding="utf-8")
        with duckdb.connect(str(published_warehouse), read_only=True) as connection:
            return connection.execute(sql).df()
    return run


@pytest.fixture(scope="module")
def seed(project):
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(project.seeds_dir / "facts" / f"{name}.csv", dtype=str, keep_default_na=False)
    return read


def test_there_are_at_least_eight_analyses() -> None:
    assert len(ANALYSES) >= 8


# The texts state no conflicting values on the attributes compared, so this analysis answers with no rows
# on the real data; test_source_conflicts_by_kind_counts_pairs_per_table_and_attribute checks it on known rows.
MAY_ANSWER_EMPTY = {"source_conflicts_by_kind"}


@pytest.mark.parametrize("name", ANALYSES)
def test_every_analysis_compiles_runs_and_answers(answer, name: str) -> None:
    """A broken filter or join returns no rows: every analysis about the facts must answer with some."""
    result = answer(name)
    assert len(result.columns) >= 2, name
    if name not in MAY_ANSWER_EMPTY:
        assert len(result) > 0, f"{name} returned no rows"


def test_csto_members_trading_least_with_armenia_2023(answer, seed) -> None:
    result = answer("csto_members_trading_least_with_armenia_2023")
    trade = seed("trade_figures")
    # the CSTO members of 2023 the texts name: Russia, Belarus, Kazakhstan, Kyrgyzstan, Tajikistan
    stated = trade[(trade.reporter_iso3 == "ARM") & (trade.year == "2023") & (trade.flow == "total")
                   & trade.partner_iso3.isin(["RUS", "BLR", "KAZ", "KGZ", "TJK"]) & (trade.value_usd != "")]
    expected = stated.assign(value=stated.value_usd.astype(float)).sort_values(["value", "partner_iso3"])
    assert list(result.partner_iso3) == list(expected.partner_iso3)
    assert result.partner_iso3.iloc[0] == "TJK" and result.value_usd.iloc[0] == 1_500_000


def test_russia_share_of_armenia_arms_holdings_fell_below_half_by_2024(answer, seed) -> None:
    result = answer("russia_share_of_armenia_arms_holdings_by_period")
    shares = seed("arms_supplier_shares")
    expected = shares[(shares.supplier_iso3 == "RUS") & (shares.recipient_iso3 == "ARM")
                      & (shares.measure == "share_of_arms_holdings")]
    assert set(result.measure) == {"share_of_arms_holdings"}  # holdings only, never mixed with imports
    assert len(result) >= 2 and sorted(result.fact_id) == sorted(expected.fact_id)
    # below half according to the seed's own numbers, not the analysis's share_pct column
    below_in_seed = set(expected[expected.share_pct.astype(float) < 50].fact_id)
    assert set(result[result.is_below_half.astype(bool)].fact_id) == below_in_seed
    # "If before 2020, Russian arms made up around 90% of Armenia's defense capabilities" and "have now
    # fallen to no more than 15%" (doc_004, June 2024): above half first, below half from 2024
    assert not result.is_below_half.iloc[0] and result.share_pct.iloc[0] == 90
    first_below = result[result.is_below_half.astype(bool)].iloc[0]
    assert first_below.period_end_year == 2024 and first_below.share_pct == 15


def test_treaties_in_force_on_2024_01_01(answer) -> None:
    in_force = set(answer("treaties_in_force_on_2024_01_01").treaty_id)
    assert "rus_arm_gyumri_base_treaty_1995" in in_force  # extended to 2044
    assert "arm_aze_peace_agreement" not in in_force  # only initialed in August 2025


def test_armenia_alignment_shows_membership_then_the_2024_freeze(answer) -> None:
    result = answer("armenia_alignment_1992_2025")
    csto = result[result.org_code == "CSTO"].set_index("year_number").status_at_year_end
    assert csto[2010] == "member"
    assert csto[2024] == "participation_frozen"


def test_armenia_csto_timeline_has_the_february_2024_freeze_as_a_declaration(answer) -> None:
    result = answer("armenia_csto_timeline")
    freezes = result[result.what == "frozen_participation"]
    assert not freezes.empty
    assert set(freezes.legal_nature) == {"political_declaration"}
    assert any(str(day).startswith("2024-02") for day in freezes.happened_on)


def test_arms_deals_include_36_caesar_howitzers_from_france(answer) -> None:
    result = answer("arms_deals_furthest_stage").set_index("deal_key")
    assert result.loc["fra_arm_caesar", "supplier_iso3"] == "FRA"
    assert result.loc["fra_arm_caesar", "max_quantity"] == 36


def test_armenia_russia_trade_grew_from_2_2_billion_in_2019_to_about_8_billion_in_2023(answer) -> None:
    result = answer("armenia_russia_trade_by_year")
    by_year = result.groupby("trade_year").value_usd.min()
    assert by_year[2019] == 2_200_000_000
    assert by_year[2023] == 8_000_000_000
    growth = result[(result.growth_from_year == 2019) & (result.growth_to_year == 2023)]
    # "Since 2019, trade with Russia has more than tripled, growing from $2.2 billion ... to almost $8 billion":
    # an interval, not a point - above 200 % ("more than tripled"), below 8.0 / 2.2 - 1 = 263.6... % (rounded up)
    assert len(growth) == 1
    assert growth.growth_pct.isna().all()
    assert growth.growth_pct_lower.iloc[0] == 200.0
    assert growth.growth_pct_upper.iloc[0] == 263.7


def claim_conflicts_per_kind(claims: pd.DataFrame, attributes: pd.DataFrame) -> dict[str, int]:
    """Pairs of claims from different documents on one subject, topic and attribute with different values, per
    the conflict kind the claim_attributes vocabulary gives the attribute: computed from the seeds alone."""
    pairs = claims.merge(claims, on=["subject_code", "topic", "claim_attribute"], suffixes=("_l", "_r"))
    pairs = pairs[(pairs.doc_id_l < pairs.doc_id_r) & (pairs.claimed_value_l != pairs.claimed_value_r)]
    kinds = pairs.merge(attributes, on="claim_attribute").conflict_kind
    return kinds.value_counts().to_dict()


def test_source_conflicts_by_kind_count_every_conflict_once_per_vocabulary_kind(
        answer, seed, project, published_warehouse: Path) -> None:
    result = answer("source_conflicts_by_kind").set_index("conflict_kind")
    vocabulary = pd.read_csv(project.seeds_dir / "vocabulary" / "conflict_kinds.csv", dtype=str)
    attributes = pd.read_csv(project.seeds_dir / "vocabulary" / "claim_attributes.csv", dtype=str)
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        total, resolved = connection.execute(
            "select count(*), count(*) filter (where is_resolved) from marts.mart_source_conflicts").fetchone()
    assert sorted(result.index) == sorted(vocabulary.conflict_kind)  # every kind once, also with no pairs
    assert result.conflicting_pairs.sum() == total and result.resolved_pairs.sum() == resolved
    from_claims = claim_conflicts_per_kind(seed("claims"), attributes)
    claim_kinds = set(attributes.conflict_kind)
    counted = {kind: int(result.conflicting_pairs.get(kind, 0)) for kind in claim_kinds}
    assert counted == {kind: from_claims.get(kind, 0) for kind in claim_kinds}
    # the texts disagree on where Article 4 sits, on what the freeze froze and on the recalls
    assert all(counted[kind] > 0 for kind in ("attribution", "wording", "sequence"))


def test_facts_per_document_count_every_fact_row_of_the_seeds(answer, seed, project) -> None:
    result = answer("facts_per_document_and_precision")
    tables = pd.read_csv(project.seeds_dir / "vocabulary" / "fact_tables.csv", dtype=str).fact_table.tolist()
    expected = {name: len(seed(name)) for name in tables}  # every fact seed the fact_tables vocabulary lists
    counted = result.groupby("fact_table").facts.sum().to_dict()
    assert counted == expected

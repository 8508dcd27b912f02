"""Bounds everywhere: every stated figure keeps its qualifier plus the bounds the qualifier vocabulary
gives it, and no number derived from a bounded or approximate figure is presented as exact.

Expected bounds are computed here from the vocabulary seed and the fact seeds (csv), or are spot truths
from the texts ("from $2.2 billion in 2019 to almost $8 billion in 2023"), never read back from the models.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, copy_project
from security_ties.vocabulary import codes as vocabulary_codes
from security_ties.report import bound_label, charts, growth_label, share_category
from security_ties.seed_check import SeedValidationError, validate_seeds

VOCABULARY = ROOT / "seeds" / "vocabulary" / "qualifiers.csv"
TRADE_DATASET = ROOT / "superset" / "datasets" / "trade_by_partner.sql"


def seed_rows(relative: str) -> list[dict[str, str]]:
    with (ROOT / "seeds" / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def vocabulary() -> dict[str, dict[str, str]]:
    return {row["qualifier"]: row for row in seed_rows("vocabulary/qualifiers.csv")}


def expected_bound(rule: str, value: str, value_upper: str) -> float | None:
    """The bound a vocabulary rule gives a seed row, computed from the CSV text."""
    source = {"value": value, "value_upper": value_upper, "none": ""}[rule]
    return float(source) if source else None


def query(database: Path, sql: str, parameters: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def test_armenia_russia_growth_2019_to_2023_is_an_interval_with_no_point_value(published_warehouse: Path) -> None:
    (row,) = query(published_warehouse, """
        select value_usd, value_usd_lower, value_usd_upper, qualifier, is_exact, previous_value_usd,
               previous_is_exact, growth_pct, growth_pct_lower, growth_pct_upper, growth_is_exact, growth_claim_ids
        from marts.mart_trade_partners
        where reporter_iso3 = 'ARM' and partner_iso3 = 'RUS' and growth_from_year = 2019 and growth_to_year = 2023""")
    (value, lower, upper, qualifier, is_exact, previous, previous_exact, growth, growth_lower, growth_upper,
     growth_exact, claim_ids) = row
    # "Since 2019, trade with Russia has more than tripled, growing from $2.2 billion in 2019 to almost $8 billion"
    assert (value, lower, upper, qualifier, is_exact) == (8e9, None, 8e9, "almost", False)
    assert (previous, previous_exact) == (2.2e9, True)
    assert growth_exact is False, "a growth computed from 'almost $8 billion' must not be exact"
    assert growth is None, "a bounded growth has no point value: 263.6 would invite the wrong read"
    (claim,) = [row for row in seed_rows("facts/claims.csv") if row["claim_attribute"] == "growth_factor"]
    assert (claim["qualifier"], claim["about_fact_id"], claim["base_fact_id"]) == ("more_than", "TRD-001-02", "TRD-001-01")
    assert growth_lower == 100 * (float(claim["claimed_amount"]) - 1) == 200.0, "'more than tripled' closes the lower side"
    assert claim_ids == claim["claim_id"]
    stated_ceiling = 100 * (8.0 - 2.2) / 2.2  # 263.63...: the growth is below this
    assert stated_ceiling <= growth_upper < stated_ceiling + 0.1


def test_exact_inputs_give_an_exact_growth_whose_bounds_equal_it(published_warehouse: Path) -> None:
    # "with 2023 figures at $1.5 million ... although there was an increase from $1.2 million in 2022"
    (row,) = query(published_warehouse, """
        select growth_pct, growth_pct_lower, growth_pct_upper, growth_is_exact
        from marts.mart_trade_partners
        where partner_iso3 = 'TJK' and growth_to_year = 2023 and growth_from_year = 2022""")
    assert row == (25.0, 25.0, 25.0, True)


def test_no_mart_growth_holds_a_point_value_unless_exact(published_warehouse: Path) -> None:
    rows = query(published_warehouse, """select fact_id, growth_pct, growth_is_exact from marts.mart_trade_partners
                                         where growth_to_year is not null""")
    assert any(exact for _, _, exact in rows) and any(not exact for _, _, exact in rows)
    assert [fact_id for fact_id, point, exact in rows if (point is not None) != exact] == []


def run_dbt_test_on_mutated_copy(project, published_warehouse: Path, tmp_path: Path, mutation: str,
                                 selector: str) -> subprocess.CompletedProcess[str]:
    """Apply the SQL mutation to a scratch copy of the published warehouse and run the selected dbt tests on it."""
    scratch = tmp_path / published_warehouse.name  # same file name = same catalog as the views inside
    shutil.copy(published_warehouse, scratch)
    with duckdb.connect(str(scratch)) as connection:
        connection.execute(mutation)
    environment = {**os.environ, "SECURITY_TIES_DB": str(scratch)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", selector,
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=project.root, env=environment, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("mutation, generic_test", [
    pytest.param(
        "update marts.mart_trade_partners set growth_pct = 263.6 where partner_iso3 = 'RUS' and growth_to_year = 2023",
        "point_value_only_when_exact", id="the old point value beside the bounds"),
    pytest.param(
        "update marts.mart_trade_partners set growth_is_exact = true where partner_iso3 = 'RUS' and trade_year = 2023",
        "not_exact_from_bounded_input", id="a growth from a bounded figure marked exact"),
])
def test_the_generic_test_fails_when_the_bounded_2019_2023_growth_is_made_a_point(
        project, published_warehouse: Path, tmp_path: Path, mutation: str, generic_test: str) -> None:
    """Mutation of the 2019->2023 Armenia-Russia growth in a scratch copy; the named generic test must fail on it."""
    result = run_dbt_test_on_mutated_copy(
        project, published_warehouse, tmp_path, mutation, f"mart_trade_partners,test_name:{generic_test}")
    assert result.returncode != 0, result.stdout[-2000:]
    failing = [line for line in result.stdout.splitlines() if f"FAIL 1 {generic_test}" in line]
    assert failing and any("growth" in line for line in failing), result.stdout[-3000:]


@pytest.mark.parametrize("mart, seed, value_column, upper_column", [
    ("fct_trade_flow", "facts/trade_figures.csv", "value_usd", "value_usd_upper"),
    ("fct_indicator", "facts/indicators.csv", "value", "value_upper"),
])
def test_every_figure_carries_the_bounds_its_qualifier_gives(published_warehouse: Path, mart: str, seed: str,
                                                             value_column: str, upper_column: str) -> None:
    rules = vocabulary()
    built = {fact_id: (lower, upper, exact) for fact_id, lower, upper, exact in query(
        published_warehouse, f"select fact_id, {value_column}_lower, {value_column}_upper, is_exact from marts.{mart}")}
    rows = seed_rows(seed)
    assert set(built) == {row["fact_id"] for row in rows}
    for row in rows:
        rule = rules[row["qualifier"]]
        expected = (expected_bound(rule["lower_bound_from"], row[value_column], ""),
                    expected_bound(rule["upper_bound_from"], row[value_column], row[upper_column]),
                    rule["is_exact"] == "true")
        assert built[row["fact_id"]] == expected, f"{mart} {row['fact_id']} ({row['qualifier']})"


def test_every_event_figure_carries_the_bounds_of_its_figure_qualifier(published_warehouse: Path) -> None:
    rules = vocabulary()
    figures = ("killed", "displaced", "troops", "area_km2")
    columns = ", ".join(f"{f}_lower, {f}_upper" for f in figures)
    built = {fact_id: rest for fact_id, *rest in query(
        published_warehouse, f"select fact_id, {columns}, figures_are_exact from marts.fct_event")}
    for row in seed_rows("facts/events.csv"):
        rule = rules.get(row["figure_qualifier"])
        expected: list[object] = []
        for figure in figures:
            expected += [expected_bound(rule["lower_bound_from"], row[figure], "") if rule else None,
                         expected_bound(rule["upper_bound_from"], row[figure], "") if rule else None]
        expected.append(rule["is_exact"] == "true" if rule else None)
        assert built[row["fact_id"]] == expected, row["fact_id"]
    # "Roughly 100,000 of them fled to Armenia": approximate, so open on both sides and not exact
    assert built["EVT-003-04"][2:4] == [None, None] and built["EVT-003-04"][-1] is False


def test_no_derived_or_bounded_number_is_marked_exact_from_a_hedged_figure(published_warehouse: Path) -> None:
    hedged = [q for q, rule in vocabulary().items() if rule["is_exact"] != "true"]
    assert {"approx", "almost", "more_than"} <= set(hedged)
    marks = ", ".join("?" for _ in hedged)
    for mart in ("fct_trade_flow", "fct_indicator", "mart_trade_partners"):
        wrong = query(published_warehouse, f"select fact_id from marts.{mart} where qualifier in ({marks}) and is_exact",
                      hedged)
        assert wrong == [], f"{mart}: hedged figures marked exact: {wrong}"
    wrong = query(published_warehouse, """select fact_id from marts.mart_trade_partners
                                          where growth_is_exact and not (is_exact and previous_is_exact)""")
    assert wrong == []


def test_seed_preflight_rejects_a_qualifier_missing_from_the_vocabulary(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    trade = copy / "seeds" / "facts" / "trade_figures.csv"
    lines = trade.read_text(encoding="utf-8").splitlines(keepends=True)
    line_number = next(n for n, line in enumerate(lines, start=1) if line.startswith("TRD-001-02,"))
    lines[line_number - 1] = lines[line_number - 1].replace(",almost,", ",nearly,")
    trade.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SeedValidationError) as error:
        validate_seeds(copy / "seeds")
    assert f"trade_figures.csv:{line_number}: unknown code qualifier = 'nearly' (not in qualifiers.qualifier)" \
        in str(error.value)


def test_adding_a_qualifier_is_one_row_in_the_vocabulary(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "project")
    with (copy / "seeds" / "vocabulary" / "qualifiers.csv").open("a", encoding="utf-8") as handle:
        handle.write("well_over,The true value is far above the figure.,well over,value,none,false,,false,>>,9\n")
    trade = copy / "seeds" / "facts" / "trade_figures.csv"
    trade.write_text(trade.read_text(encoding="utf-8").replace(",almost,", ",well_over,"), encoding="utf-8")
    assert validate_seeds(copy / "seeds") > 0
    assert "well_over" in vocabulary_codes(copy / "seeds", "qualifiers", "qualifier")


def test_no_list_of_qualifier_codes_outside_the_vocabulary_seed() -> None:
    """One home: models, macros, YAML tests and Python read the codes from seeds/vocabulary/qualifiers.csv.
    SQL may quote no hedged code at all; Python no two of them (a single word such as "range" is also a
    plotly setting)."""
    hedged = [q for q in vocabulary() if q != "exact"]
    offenders = []
    for folder, pattern, allowed in (("models", "*.sql", 0), ("macros", "*.sql", 0), ("superset", "*.sql", 0),
                                     ("src", "*.py", 1), ("superset", "*.py", 1)):
        for path in (ROOT / folder).rglob(pattern):
            text = path.read_text(encoding="utf-8")
            quoted = [code for code in hedged if f"'{code}'" in text or f'"{code}"' in text]
            if len(quoted) > allowed:
                offenders.append(f"{path.relative_to(ROOT)}: {', '.join(quoted)}")
    for path in [*(ROOT / "models").rglob("*.yml"), *(ROOT / "seeds").rglob("*.yml")]:
        if "values: [exact, approx" in path.read_text(encoding="utf-8"):
            offenders.append(f"{path.relative_to(ROOT)}: accepted_values list of qualifiers")
    assert offenders == []


def test_report_labels_show_the_bound_and_year_less_shares(published_warehouse: Path) -> None:
    assert bound_label(8e9, None, 8e9, "<", lambda v: f"{v / 1e9:.1f} bn") == "< 8.0 bn"
    assert bound_label(2.2e9, 2.2e9, 2.2e9, "", lambda v: f"{v / 1e9:.1f} bn") == "2.2 bn"
    assert bound_label(12, 10, 15, "–", str) == "10–15"
    assert share_category("Russia", float("nan"), "doc_001") == "Russia, as stated in doc_001 (no year given)"
    assert growth_label(None, 200.0, 263.7) == "200–264 %", "bounds are rounded outwards, never inwards"
    assert growth_label(None, None, 263.7) == "< 264 %" and growth_label(None, 96.9, None) == "> 96 %"
    assert growth_label(-29.4, -29.4, -29.4) == "-29.4 %" and growth_label(None, None, None) == ""

    trade = charts(published_warehouse)[0][1]
    assert trade.key == "trade"
    assert trade.figure.layout.yaxis.type == "log", "the value panel needs a log axis: $1.2 M next to $8 bn"
    value_labels = [label for t in trade.figure.data if t.type == "scatter" for label in (t.text or ())]
    assert "< $8.0 bn<br>growth 2019→2023: 200–264 %" in value_labels, value_labels
    assert "$2.2 bn" in value_labels and "> $6.5 M<br>growth 2019→2022: > 96 %" in value_labels
    assert "$1.5 M<br>growth 2022→2023: +25 %" in value_labels, "an exact growth keeps its point value"
    (shares,) = [t for t in trade.figure.data if t.type == "bar"]
    assert "Russia, as stated in doc_001 (no year given)" in list(shares.x)
    assert "> 30 %" in list(shares.text)


def test_superset_trade_dataset_has_no_year_less_row_and_names_the_bound(published_warehouse: Path) -> None:
    sql = TRADE_DATASET.read_text(encoding="utf-8")
    rows = query(published_warehouse, f"select trade_year, series, value_musd from ({sql})")
    assert rows and all(year is not None for year, _, _ in rows), "a null year is drawn as 'NaN' by Superset"
    assert (2023, "Russia (< almost)", 8000.0) in rows
    assert (2019, "Russia", 2200.0) in rows

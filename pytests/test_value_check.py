"""Every numeric fact value and every stated date appears in its own quote, with a qualifier that fits."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_cli
from security_ties.value_check import check_values, date_problem, load_hedges, value_problem

TRADE = Path("seeds/facts/trade_figures.csv")
EXCEPTIONS = Path("seeds/reference/value_check_exceptions.csv")
HEDGES = load_hedges(ROOT / "seeds")  # the hedge words of seeds/vocabulary/qualifiers.csv
QUOTE = "Since 2019, trade with Russia has more than tripled, growing from $2.2 billion in 2019 to almost $8 billion in 2023."


def append_line(path: Path, line: str) -> int:
    content = path.read_text(encoding="utf-8")
    content += ("" if content.endswith("\n") else "\n") + line + "\n"
    path.write_text(content, encoding="utf-8")
    return content.count("\n")


def trade_row(year: str, value_usd: str, qualifier: str = "exact", share_pct: str = "", quote: str = QUOTE) -> str:
    return f'TRD-999-01,doc_001,ARM,RUS,,total,{year},{value_usd},,{share_pct},,{qualifier},"{quote}",'


@pytest.fixture()
def copied(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_the_committed_fact_values_are_all_in_their_quotes(project) -> None:
    checked, problems = check_values(project.seeds_dir)
    assert checked > 100
    assert problems == [], "\n".join(map(str, problems))


def test_a_value_absent_from_its_quote_is_named_with_path_and_line(copied: Path) -> None:
    line = append_line(copied / TRADE, trade_row("2019", "1000"))
    _, problems = check_values(copied / "seeds")
    assert [str(p) for p in problems] == [
        f"{TRADE}:{line}: TRD-999-01: value_usd 1000 is not stated in the quote "
        "(numbers it states: 2.2, 8, 2019, 2023, 2200000000, 8000000000)"
    ]


def test_a_year_absent_from_its_quote_is_named(copied: Path) -> None:
    line = append_line(copied / TRADE, trade_row("2018", "2200000000"))
    _, problems = check_values(copied / "seeds")
    assert [str(p).split(" (")[0] for p in problems] == [
        f"{TRADE}:{line}: TRD-999-01: year 2018 is not stated as a year in the quote"]


@pytest.mark.parametrize(("value", "kind", "qualifier", "quote"), [
    (2_200_000_000, "money", "exact", "growing from $2.2 billion in 2019"),
    (188_000_000, "money", "exact", "has totaled to $188 million, placing Belarus 17th"),
    (17, "count", "exact", "has totaled to $188 million, placing Belarus 17th"),
    (750_000_000, "money", "approx", "when it was roughly $750 million."),
    (8_000_000_000, "money", "almost", "to almost $8 billion in 2023"),
    (30, "percent", "more_than", "Russia's share in Armenia's overall trade turnover is over 30%."),
    (7000, "count", "more_than", "over 7,000 people had to be evacuated"),
    (4, "count", "exact", "despite four United Nations Security Council resolutions"),
    (2, "count", "exact", "Russias second largest abroad military base"),
    (2035, "year", "exact", "The implementation of this concept is planned for 2024\u20132035."),
    (40, "count", "up_to", "Caesars can hit targets up to 40km (25 miles) away"),
])
def test_values_stated_in_the_quote_pass(value: float, kind: str, qualifier: str, quote: str) -> None:
    assert value_problem(value, kind, qualifier, quote, HEDGES) is None


@pytest.mark.parametrize(("value", "kind", "qualifier", "quote", "expected"), [
    (1000, "money", "exact", "growing from $2.2 billion in 2019", "1000 is not stated in the quote"),
    (2.2, "money", "exact", "growing from $2.2 billion in 2019", None),  # the bare number is stated too
    (30, "percent", "exact", "a bloc of 30 countries", "30 is not stated as a percentage in the quote"),
    (2019, "year", "exact", "a force of 2019 soldiers and 2,019 officers", None),
    (8_000_000_000, "money", "exact", "to almost $8 billion in 2023",
     "8000000000 is hedged in the quote ('almost ...') but the qualifier is exact"),
    (90, "percent", "approx", "Russian arms made up 90% of",
     "qualifier approx does not fit the quote's wording (no hedge word in front of 90)"),
    (200, "count", "less_than", "over 200 Armenian servicemen",
     "qualifier less_than does not fit the quote's wording ('over' in front of 200)"),
])
def test_values_the_quote_does_not_state_or_hedges_otherwise_fail(value: float, kind: str, qualifier: str, quote: str,
                                                                  expected: str | None) -> None:
    problem = value_problem(value, kind, qualifier, quote, HEDGES)
    assert (problem.split(" (numbers it states")[0] if problem else None) == expected


def test_a_stated_date_must_be_in_the_quote() -> None:
    quote = "At midnight on September 13, 2022, Azerbaijan launched a large-scale offensive"
    assert date_problem("2022-09-13", "day", quote) is None
    assert date_problem("2022-09", "month", quote) is None
    assert date_problem("2022-09-14", "day", quote) == "2022-09-14 has basis 'stated' but the quote does not state its day 14"
    assert date_problem("2022-10", "month", quote) == \
        "2022-10 has basis 'stated' but the quote does not state its month October"
    assert date_problem("2023", "year", quote) == "2023 has basis 'stated' but the quote does not state its year 2023"
    assert date_problem("2024-02-22", "day", "On 22 February 2024, Armenia froze") is None


def test_an_exception_excuses_a_value_and_a_stale_or_unknown_one_is_reported(copied: Path) -> None:
    append_line(copied / TRADE, trade_row("2019", "1000"))
    exceptions = copied / EXCEPTIONS
    append_line(exceptions, "TRD-999-01,value_usd,test: a derived value")
    stale = append_line(exceptions, "TRD-001-01,value_usd,test: but the quote states it")
    unknown = append_line(exceptions, "TRD-000-00,value_usd,test: no such row")
    _, problems = check_values(copied / "seeds")
    assert [str(p) for p in problems] == [
        f"{EXCEPTIONS}:{stale}: exception for TRD-001-01.value_usd is no longer needed (the quote states the value); remove it",
        f"{EXCEPTIONS}:{unknown}: exception for TRD-000-00.value_usd: no such fact row and column; remove the exception",
    ]


def test_verify_values_command_lists_the_problems_and_fails(copied: Path) -> None:
    line = append_line(copied / TRADE, trade_row("2019", "1000"))
    result = run_cli(copied, "verify-values")
    assert result.returncode == 1
    assert f"{TRADE}:{line}: TRD-999-01: value_usd 1000 is not stated in the quote" in result.stdout


def test_the_qualifier_wording_comes_from_the_vocabulary_seed_when_the_project_has_one(copied: Path) -> None:
    from security_ties.value_check import load_hedges

    vocabulary = copied / "seeds" / "vocabulary"
    vocabulary.mkdir(exist_ok=True)
    (vocabulary / "qualifiers.csv").write_text(
        "qualifier,wording\nexact,\"no hedge word (\"\"$2.2 billion\"\")\"\nalmost,\"almost, nearly, just under\"\n"
        "range,\"between ... and ..., 10-15\"\n", encoding="utf-8")
    hedges = load_hedges(copied / "seeds")
    assert hedges == {"almost": {"almost"}, "nearly": {"almost"}, "just under": {"almost"}}
    assert value_problem(8e9, "money", "almost", "to almost $8 billion in 2023", hedges) is None
    assert value_problem(8e9, "money", "approx", "to almost $8 billion in 2023", hedges) == \
        "qualifier approx does not fit the quote's wording ('almost' in front of 8000000000)"


def test_a_malformed_row_is_left_to_the_pre_flight_instead_of_crashing_the_check(copied: Path) -> None:
    events = copied / "seeds" / "facts" / "membership_events.csv"
    append_line(events, 'MEM-999-01,doc_001,ARM,CSTO,joined,2024-13-45,day,stated,,legal_act,"In 2024",')
    append_line(copied / TRADE, trade_row("２０１９", "nan"))
    _, problems = check_values(copied / "seeds")
    assert problems == []

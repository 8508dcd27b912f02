"""A malformed seed fails in the pre-flight with `path:line: problem`, and publishes nothing.

Line numbers are derived from the files (the line a test appends, the line holding a key), never typed in.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import copy_project, run_cli
from security_ties.seed_check import SeedValidationError, known_test_names, validate_seeds

TRADE = Path("seeds/facts/trade_figures.csv")
COUNTRIES = Path("seeds/reference/countries.csv")
ORGANIZATIONS = Path("seeds/reference/organizations.csv")
MEMBERSHIP = Path("seeds/facts/membership_events.csv")
QUOTE = "Since 2019, trade with Russia has more than tripled, growing from $2.2 billion in 2019"


@pytest.fixture()
def broken_project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def append_line(path: Path, line: bytes) -> int:
    """Append one CSV line; returns its line number in the file."""
    content = path.read_bytes()
    content += (b"" if content.endswith(b"\n") or not content else b"\n") + line + b"\n"
    path.write_bytes(content)
    return content.count(b"\n")


def line_starting_with(path: Path, prefix: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"no line of {path} starts with {prefix!r}")


def trade_row(year: str = "2019", value_usd: str = "2200000000", quote: str = QUOTE) -> bytes:
    return f'TRD-999-01,doc_001,ARM,RUS,,total,{year},{value_usd},,,,exact,"{quote}",'.encode()


def problems_for(project_root: Path) -> list[str]:
    with pytest.raises(SeedValidationError) as caught:
        validate_seeds(project_root / "seeds")
    return caught.value.problems


def test_the_committed_seeds_pass_validation(project) -> None:
    assert validate_seeds(project.seeds_dir) > 300


def test_duplicate_key_is_named_with_both_lines(broken_project: Path) -> None:
    first = line_starting_with(broken_project / COUNTRIES, "ARM,")
    second = append_line(broken_project / COUNTRIES, b"ARM,AM,051,Armenia,Republic of Armenia,Asia,Western Asia,false")
    problems = problems_for(broken_project)
    assert f"{COUNTRIES}:{first}: duplicate key iso3 = 'ARM'" in problems
    assert f"{COUNTRIES}:{second}: duplicate key iso3 = 'ARM'" in problems


def test_an_empty_primary_key_is_named_on_its_line(broken_project: Path) -> None:
    line = append_line(broken_project / COUNTRIES, b",XX,999,Nowhere,Republic of Nowhere,Asia,Western Asia,false")
    assert f"{COUNTRIES}:{line}: key column iso3 is empty; every row needs the key" in problems_for(broken_project)


def test_a_duplicate_key_of_two_columns_is_named_with_both_lines(broken_project: Path) -> None:
    """event_actors' primary key is (fact_id, actor_code): one actor named twice in one event."""
    actors = broken_project / "seeds" / "facts" / "event_actors.csv"
    first_row = actors.read_text(encoding="utf-8").splitlines()[1]
    fact_id, actor_code = first_row.split(",")[:2]
    second = append_line(actors, first_row.encode())
    problems = problems_for(broken_project)
    assert f"{actors.relative_to(broken_project)}:2: duplicate key (fact_id, actor_code) = {(fact_id, actor_code)}" \
        in problems
    assert f"{actors.relative_to(broken_project)}:{second}: duplicate key (fact_id, actor_code) = " \
           f"{(fact_id, actor_code)}" in problems


def test_unknown_country_code_in_a_fact_is_named(broken_project: Path) -> None:
    line = append_line(broken_project / TRADE, b'TRD-999-01,doc_001,ARM,XYZ,,total,2023,1,,,,exact,"quote",')
    assert f"{TRADE}:{line}: unknown code partner_iso3 = 'XYZ' (not in countries.iso3)" in problems_for(broken_project)


def test_unknown_organisation_code_is_named(broken_project: Path) -> None:
    line = append_line(broken_project / MEMBERSHIP, b'MEM-999-01,doc_001,ARM,WARSAW,joined,1992,year,stated,,legal_act,"quote",')
    assert f"{MEMBERSHIP}:{line}: unknown code org_code = 'WARSAW' (not in organizations.org_code)" \
        in problems_for(broken_project)


@pytest.mark.parametrize(("event_date", "precision", "problem"), [
    pytest.param("2024-02-30", "day", "is not a real day (February 2024 has 29 days)", id="impossible_day"),
    pytest.param("2024-13", "month", "is not a real month (month 13; months run 01-12)", id="impossible_month"),
    pytest.param("2024-02", "day", "is not a day-precision date (expected YYYY-MM-DD with digits 0-9)",
                 id="shape_disagreeing_with_precision"),
])
def test_an_impossible_or_misshapen_date_is_named_as_such(
        broken_project: Path, event_date: str, precision: str, problem: str) -> None:
    row = f'MEM-999-01,doc_001,ARM,CSTO,joined,{event_date},{precision},stated,,legal_act,"quote",'
    line = append_line(broken_project / MEMBERSHIP, row.encode())
    assert f"{MEMBERSHIP}:{line}: event_date '{event_date}' {problem}" in problems_for(broken_project)


@pytest.mark.parametrize(("year", "value_usd", "problem"), [
    ("2019", "nan", "value_usd 'nan' is not a number; leave the cell empty when the text gives no value"),
    ("2019", "inf", "value_usd 'inf' is not a number; leave the cell empty when the text gives no value"),
    ("2019", "1_000", "value_usd '1_000' has a digit separator; write the number without separators (1000)"),
    ("２０１９", "2200000000", "year '２０１９' has non-ASCII digits (full-width or another script); write the digits 0-9"),
    ("2019.0", "2200000000", "year '2019.0' is not a whole number"),
])
def test_numbers_duckdb_would_not_read_as_written_are_named(broken_project: Path, year: str, value_usd: str,
                                                            problem: str) -> None:
    line = append_line(broken_project / TRADE, trade_row(year, value_usd))
    assert any(p.startswith(f"{TRADE}:{line}: {problem}") for p in problems_for(broken_project)), problem


def test_wrong_column_count_is_named(broken_project: Path) -> None:
    header = (broken_project / ORGANIZATIONS).read_text(encoding="utf-8").splitlines()[0].split(",")
    line = append_line(broken_project / ORGANIZATIONS, b"XYZ,Too Few Columns")
    assert f"{ORGANIZATIONS}:{line}: 2 fields, the header has {len(header)}" in problems_for(broken_project)


def test_non_utf8_bytes_are_named(broken_project: Path) -> None:
    line = append_line(broken_project / ORGANIZATIONS, b"XYZ,Caf\xe9 Union,CU,court,,,,,note")
    assert f"{ORGANIZATIONS}:{line}: byte 0xe9 is not UTF-8; save the file as UTF-8" in problems_for(broken_project)


def test_a_byte_order_mark_is_named_once_instead_of_a_cascade(broken_project: Path) -> None:
    countries = broken_project / COUNTRIES
    countries.write_bytes(b"\xef\xbb\xbf" + countries.read_bytes())
    problems = problems_for(broken_project)
    # every fact citing a country would otherwise report an unknown code: only the root cause is listed
    assert problems == [f"{COUNTRIES}:1: file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without "
                        "BOM (the BOM would become part of the first column's name)"]


def test_an_empty_file_is_named_as_empty(broken_project: Path) -> None:
    (broken_project / TRADE).write_bytes(b"")
    problems = problems_for(broken_project)
    assert len(problems) == 1 and problems[0].startswith(f"{TRADE}:1: file is empty (0 bytes)")


def test_a_header_only_fact_seed_is_caught_because_its_yaml_requires_rows(broken_project: Path) -> None:
    trade = broken_project / TRADE
    trade.write_text(trade.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert f"{TRADE}:2: has 0 data row(s) (header only); its YAML requires at least 1 (config.meta.min_rows)" \
        in problems_for(broken_project)


def test_an_unknown_data_test_name_is_rejected(broken_project: Path) -> None:
    yml = broken_project / "seeds" / "facts" / "_facts__seeds.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("{relationships: {arguments: {to: ref('documents')",
                                "{relationship: {arguments: {to: ref('documents')", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(yml.read_text(encoding="utf-8").splitlines(), start=1) if "{relationship:" in row)
    problems = problems_for(broken_project)
    assert len(problems) == 1
    assert problems[0].startswith(f"seeds/facts/_facts__seeds.yml:{line}: unknown data test 'relationship' on column doc_id")


def test_an_unknown_table_test_name_is_rejected(broken_project: Path) -> None:
    yml = broken_project / "seeds" / "facts" / "_facts__seeds.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("- primary_key:", "- primary_keys:", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(yml.read_text(encoding="utf-8").splitlines(), start=1) if "primary_keys:" in row)
    problems = problems_for(broken_project)
    assert len(problems) == 1
    assert problems[0].startswith(f"seeds/facts/_facts__seeds.yml:{line}: unknown data test 'primary_keys' on seed trade_figures")


def test_the_pre_flight_knows_every_generic_test_macro_and_dbt_built_ins(project) -> None:
    macros = {path.stem for path in (project.root / "macros" / "generic_tests").glob("*.sql")}
    known = known_test_names(project.root / "macros")
    assert "evidence_present" in known
    assert macros <= known
    assert {"unique", "not_null", "accepted_values", "relationships", "primary_key", "not_null_columns"} <= known


def test_a_relationship_to_another_seed_is_checked_whatever_its_folder(broken_project: Path) -> None:
    """Vocabulary seeds live in their own folder: a relationship names the seed, not a path."""
    vocabulary = broken_project / "seeds" / "vocabulary_test"
    vocabulary.mkdir()
    (vocabulary / "flows.csv").write_text("flow\ntotal\nexports\n", encoding="utf-8")
    (vocabulary / "_vocabulary_test__seeds.yml").write_text(
        "version: 2\nseeds:\n  - name: flows\n    config: {column_types: {flow: varchar}}\n", encoding="utf-8")
    yml = broken_project / "seeds" / "facts" / "_facts__seeds.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("{relationships: {arguments: {to: ref('trade_flows'), field: flow}}}",
                                "{relationships: {arguments: {to: ref('flows'), field: flow}}}", 1), encoding="utf-8")
    line = append_line(broken_project / TRADE, b'TRD-999-01,doc_001,ARM,RUS,,imports,2019,2200000000,,,,exact,"q",')
    assert f"{TRADE}:{line}: unknown code flow = 'imports' (not in flows.flow)" in problems_for(broken_project)


@pytest.mark.parametrize(("row", "expected"), [
    (trade_row(value_usd="nan"), "value_usd 'nan' is not a number"),
    (trade_row(value_usd="1_000"), "value_usd '1_000' has a digit separator"),
    (trade_row(year="２０１９"), "year '２０１９' has non-ASCII digits"),
    (trade_row(value_usd="1000"), "TRD-999-01: value_usd 1000 is not stated in the quote"),
])
def test_a_bad_number_fails_the_build_in_the_pre_flight_naming_path_and_line(broken_project: Path, row: bytes,
                                                                            expected: str) -> None:
    published = broken_project / "warehouse" / "security_ties.duckdb"
    published.parent.mkdir()
    published.write_bytes(b"the good published warehouse")
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    line = append_line(broken_project / TRADE, row)

    result = run_cli(broken_project, "build")

    assert result.returncode == 1
    assert f"{TRADE}:{line}: {expected}" in result.stderr
    assert "nothing was built or published" in result.stderr
    assert "dbt build failed" not in result.stderr  # rejected before dbt ran
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
    assert not list((broken_project / "warehouse").glob("builds/*/*.duckdb"))

"""A malformed seed fails with a message naming file, line and problem, and publishes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import copy_project, run_cli
from security_ties.validate import SeedValidationError, validate_seeds


@pytest.fixture()
def broken_project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def append_line(path: Path, line: bytes) -> None:
    content = path.read_bytes()
    path.write_bytes(content + (b"" if content.endswith(b"\n") else b"\n") + line + b"\n")


def problems_for(seeds_dir: Path) -> str:
    with pytest.raises(SeedValidationError) as caught:
        validate_seeds(seeds_dir)
    return str(caught.value)


def test_the_committed_seeds_pass_validation(project) -> None:
    assert validate_seeds(project.seeds_dir) > 300


def test_bad_iso3_code_in_countries_is_named(broken_project: Path) -> None:
    countries = broken_project / "seeds" / "reference" / "countries.csv"
    append_line(countries, b"ar1,A1,999,Nowhere,Nowhere,Asia,Western Asia,false")
    message = problems_for(broken_project / "seeds")
    assert "countries.csv line 258: iso3 'ar1' does not match the pattern" in message


def test_duplicate_key_is_named_with_both_lines(broken_project: Path) -> None:
    countries = broken_project / "seeds" / "reference" / "countries.csv"
    append_line(countries, b"ARM,AM,051,Armenia,Republic of Armenia,Asia,Western Asia,false")
    message = problems_for(broken_project / "seeds")
    assert "countries.csv line 12: duplicate key iso3 = 'ARM'" in message
    assert "countries.csv line 258: duplicate key iso3 = 'ARM'" in message


def test_unknown_country_code_in_a_fact_is_named(broken_project: Path) -> None:
    trade = broken_project / "seeds" / "facts" / "trade_figures.csv"
    append_line(trade, b'TRD-999-01,doc_001,ARM,XYZ,,total,2023,1,,,,exact,"quote",')
    message = problems_for(broken_project / "seeds")
    assert "trade_figures.csv line" in message
    assert "unknown code partner_iso3 = 'XYZ' (not in countries.iso3)" in message


def test_unknown_organisation_code_is_named(broken_project: Path) -> None:
    events = broken_project / "seeds" / "facts" / "membership_events.csv"
    append_line(events, b'MEM-999-01,doc_001,ARM,WARSAW,joined,1992,year,stated,,legal_act,"quote",')
    assert "unknown code org_code = 'WARSAW' (not in organizations.org_code)" in problems_for(broken_project / "seeds")


def test_impossible_date_is_named(broken_project: Path) -> None:
    events = broken_project / "seeds" / "facts" / "membership_events.csv"
    append_line(events, b'MEM-999-01,doc_001,ARM,CSTO,joined,2024-02-30,day,stated,,legal_act,"quote",')
    assert "event_date '2024-02-30' is not a valid day-precision date" in problems_for(broken_project / "seeds")


def test_date_shape_disagreeing_with_precision_is_named(broken_project: Path) -> None:
    events = broken_project / "seeds" / "facts" / "membership_events.csv"
    append_line(events, b'MEM-999-01,doc_001,ARM,CSTO,joined,2024-02,day,stated,,legal_act,"quote",')
    assert "event_date '2024-02' is not a valid day-precision date" in problems_for(broken_project / "seeds")


def test_wrong_column_count_is_named(broken_project: Path) -> None:
    organizations = broken_project / "seeds" / "reference" / "organizations.csv"
    append_line(organizations, b"XYZ,Too Few Columns")
    assert "organizations.csv line 22: 2 fields, the header has 10" in problems_for(broken_project / "seeds")


def test_non_utf8_bytes_are_named(broken_project: Path) -> None:
    organizations = broken_project / "seeds" / "reference" / "organizations.csv"
    append_line(organizations, b"XYZ,Caf\xe9 Union,CU,court,,,,,note")
    assert "organizations.csv line 22: byte 0xe9 is not UTF-8" in problems_for(broken_project / "seeds")


def test_malformed_seed_fails_the_build_and_leaves_the_published_file_untouched(broken_project: Path) -> None:
    published = broken_project / "warehouse" / "security_ties.duckdb"
    published.parent.mkdir()
    published.write_bytes(b"the good published warehouse")
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    append_line(broken_project / "seeds" / "reference" / "countries.csv",
                b"ARM,AM,051,Armenia,Republic of Armenia,Asia,Western Asia,false")

    result = run_cli(broken_project, "build")

    assert result.returncode == 1
    assert "countries.csv line 258: duplicate key iso3 = 'ARM'" in result.stderr
    assert "nothing was built or published" in result.stderr
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
    assert not list((broken_project / "warehouse").glob("builds/*/*.duckdb"))

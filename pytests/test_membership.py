"""Membership on the published warehouse: stated vs attested starts, organisation lineage, knowledge time and the
one home of the membership event-type vocabulary."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import copy_project
from security_ties import vocabulary
from security_ties.project import Project
from security_ties.report import charts as report_charts
from security_ties.seed_check import SeedValidationError, validate_seeds


@pytest.fixture(scope="module")
def connection(published_warehouse: Path):
    with duckdb.connect(str(published_warehouse), read_only=True) as con:
        yield con


def status_of(connection, query: str, country: str, org: str) -> list[str]:
    return [status for (status,) in connection.execute(
        f"select status from ({query}) where country_iso3 = ? and org_code = ?", [country, org]).fetchall()]


# --- most precise evidence wins ----------------------------------------------------------------------

def freeze_statements() -> list[dict[str, str]]:
    """Armenia's dated CSTO freeze statements, read from the fact seed (not from the models)."""
    with (Path(__file__).parents[1] / "seeds" / "facts" / "membership_events.csv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle)
                if (row["country_iso3"], row["org_code"], row["event_type"]) == ("ARM", "CSTO", "frozen_participation")
                and row["event_date"]]


def test_the_freeze_is_stated_by_a_month_and_by_a_day_that_agree() -> None:
    dates = {row["fact_id"]: (row["event_date"], row["event_date_precision"]) for row in freeze_statements()}
    assert dates == {"MEM-001-04": ("2024-02", "month"), "MEM-003-01": ("2024-02-22", "day")}


def test_on_10_february_2024_armenia_is_still_a_csto_member(connection) -> None:
    """'February 2024' alone would make 1-21 February uncertain; the 22 February text closes it."""
    rows = connection.execute("select status, is_status_certain, valid_to from marts.membership_as_of(date '2024-02-10') "
                              "where country_iso3 = 'ARM' and org_code = 'CSTO'").fetchall()
    assert [(status, certain, str(valid_to)) for status, certain, valid_to in rows] == [("member", True, "2024-02-21")]


def test_from_22_february_2024_the_freeze_is_certain_and_names_the_precise_text(connection) -> None:
    (row,) = connection.execute(
        "select status, is_status_certain, valid_from, valid_from_precision from marts.membership_as_of(date '2024-02-25') "
        "where country_iso3 = 'ARM' and org_code = 'CSTO'").fetchall()
    assert (row[0], row[1], str(row[2]), row[3]) == ("participation_frozen", True, "2024-02-22", "day")
    (spell,) = connection.execute(
        "select valid_from, valid_from_latest, start_fact_id, merged_fact_ids, supporting_fact_count "
        "from marts.fct_membership_spell where country_iso3 = 'ARM' and org_code = 'CSTO' "
        "and status = 'participation_frozen'").fetchall()
    day_statement = next(row["fact_id"] for row in freeze_statements() if row["event_date_precision"] == "day")
    all_statements = sorted(row["fact_id"] for row in freeze_statements())
    assert (str(spell[0]), str(spell[1]), spell[2]) == ("2024-02-22", "2024-02-22", day_statement)
    assert spell[3] == ", ".join(all_statements) and spell[4] == len(all_statements)


def test_as_known_before_the_month_text_only_the_precise_day_stands(connection) -> None:
    """Known on 2024-06-30 only doc_003 (22 February) states the freeze: its date, and only its fact, start the spell;
    once doc_001 ('February 2024') is known it merges into the same start without moving it."""
    by_knowledge = dict(connection.execute(
        "select knowledge_from, merged_fact_ids from marts.fct_membership_spell_by_knowledge "
        "where country_iso3 = 'ARM' and org_code = 'CSTO' and status = 'participation_frozen' "
        "and valid_from = date '2024-02-22' and start_fact_id = 'MEM-003-01'").fetchall())
    assert by_knowledge[pd.Timestamp("2024-06-30").date()] == "MEM-003-01"
    assert by_knowledge[pd.Timestamp("2025-12-31").date()] == "MEM-001-04, MEM-003-01"
    query = "select * from marts.membership_as_of(date '2024-02-10', date '2024-06-30')"
    assert status_of(connection, query, "ARM", "CSTO") == ["member"]


def test_the_report_draws_the_freeze_from_22_february(published_warehouse: Path) -> None:
    alignment = report_charts(published_warehouse)[0][0]
    starts = [str(pd.Timestamp(base).date())
              for trace in alignment.figure.data if trace.type == "bar" and trace.name == "participation frozen"
              for lane, base in zip(trace.y, trace.base) if lane.endswith("· CSTO") and lane.startswith("Armenia")]
    assert starts == ["2024-02-22"]


# --- knowledge time ---------------------------------------------------------------------------------

def test_known_in_january_2024_armenia_is_a_csto_member(connection) -> None:
    """Only the 2015 text ("Armenia is actually a member of the CSTO") is known on 2024-01-31."""
    query = "select * from marts.membership_as_of(date '2024-06-01', date '2024-01-31')"
    assert status_of(connection, query, "ARM", "CSTO") == ["member"]
    basis, attested_on, knowledge = connection.execute(
        f"select start_basis, first_attested_on, knowledge_from from ({query}) "
        "where country_iso3 = 'ARM' and org_code = 'CSTO'").fetchone()
    assert (basis, str(attested_on), str(knowledge)) == ("first_attested", "2015-04-21", "2015-04-21")


def test_known_in_april_2024_armenia_has_frozen_its_csto_participation(connection) -> None:
    """The March 2024 text (known by 2024-03-31) reports the freeze of 22 February 2024."""
    query = "select * from marts.membership_as_of(date '2024-06-01', date '2024-04-15')"
    assert status_of(connection, query, "ARM", "CSTO") == ["participation_frozen"]


def test_nothing_is_known_before_the_first_document(connection) -> None:
    assert connection.execute(
        "select count(*) from marts.membership_as_of(date '2024-06-01', date '2015-04-20')").fetchone()[0] == 0


@pytest.mark.parametrize("day", ["1995-06-01", "2002-10-07", "2015-04-21", "2024-02-15", "2024-06-01", "2025-09-01"])
def test_one_argument_form_is_the_two_argument_form_on_all_knowledge(connection, day: str) -> None:
    one = connection.execute(
        f"select spell_id, status from marts.membership_as_of(date '{day}') order by spell_id").fetchall()
    latest = connection.execute("select max(known_from) from marts.dim_document").fetchone()[0]
    two = connection.execute(
        f"select spell_id, status from marts.membership_as_of(date '{day}', ?::date) order by spell_id", [latest]).fetchall()
    assert one and one == two


def test_documents_are_known_from_their_latest_possible_publication_day(connection) -> None:
    known = dict(connection.execute("select doc_id, known_from from marts.dim_document").fetchall())
    assert {doc: str(day) for doc, day in known.items()} == {
        "doc_000": "2015-04-21", "doc_001": "2024-12-31", "doc_002": "2025-12-31",
        "doc_003": "2024-03-31", "doc_004": "2024-06-30"}


def test_each_author_sees_what_was_known_when_the_text_appeared(connection) -> None:
    seen = connection.execute(
        "select doc_id, status, start_basis from marts.mart_membership_on_publication_dates "
        "where country_iso3 = 'ARM' and org_code = 'CSTO' order by doc_id").fetchall()
    assert seen == [
        ("doc_000", "member", "first_attested"),           # 2015: "is a member" is all that is known
        ("doc_001", "participation_frozen", "stated_event"),  # dated 2024: sees the February 2024 freeze it reports
        ("doc_002", "participation_frozen", "stated_event"),
        ("doc_003", "participation_frozen", "stated_event"),
        ("doc_004", "participation_frozen", "stated_event"),
    ]
    # doc_001 also reports the 1 August 2024 departure of the Russian border guards: known_from is not before it
    assert str(connection.execute(
        "select known_from from marts.dim_document where doc_id = 'doc_001'").fetchone()[0]) >= "2024-08-01"


# --- stated vs attested -----------------------------------------------------------------------------

ATTESTED_ONLY = {  # (country, organisation): first attestation, as the texts date it
    ("USA", "NATO"): "2015-04-21", ("TUR", "NATO"): "2015-04-21", ("AZE", "NATO"): "2015-04-21",
    ("ARM", "EAEU"): "2015-04-21", ("RUS", "EAEU"): "2015-04-21", ("ARM", "IPAP"): "2015-04-21",
    ("KAZ", "IPAP"): "2015-04-21", ("ARM", "PFP"): "2025-01-01", ("ARM", "NATO"): "2025-01-01",
    ("ARM", "CIS"): "2024-01-01",
}


def test_attested_only_spells_have_no_start_and_keep_their_first_attestation(connection) -> None:
    rows = connection.execute(
        "select country_iso3, org_code, valid_from, first_attested_on, first_attested_precision "
        "from marts.fct_membership_spell where start_basis = 'first_attested'").fetchall()
    attested = {(country, org): (valid_from, str(day), precision) for country, org, valid_from, day, precision in rows}
    for pair, day in ATTESTED_ONLY.items():
        assert attested[pair][:2] == (None, day), pair
    assert attested[("ARM", "PFP")][2] == "year" and attested[("USA", "NATO")][2] == "day"
    assert connection.execute(
        "select count(*) from marts.fct_membership_spell where (valid_from is null) <> (start_basis = 'first_attested')"
    ).fetchone()[0] == 0


def test_no_spell_starts_from_a_present_tense_assertion(connection) -> None:
    starts = connection.execute(
        "select s.spell_id from marts.fct_membership_spell as s "
        "inner join marts.fct_membership_event as e on e.fact_id = s.start_fact_id "
        "where s.valid_from is not null and e.event_type like 'is\\_%' escape '\\'").fetchall()
    assert starts == []


def test_before_a_first_attestation_the_timeline_says_not_stated_yet(connection) -> None:
    timeline = dict(((country, org, year), (status, basis)) for country, org, year, status, basis in connection.execute(
        "select country_iso3, org_code, year_number, status_at_year_end, start_basis_at_year_end "
        "from marts.mart_alignment_timeline where org_code in ('NATO', 'PFP', 'CSTO')").fetchall())
    assert timeline[("USA", "NATO", 2014)] == ("not_stated_yet", None)
    assert timeline[("USA", "NATO", 2015)] == ("member", "first_attested")
    assert timeline[("ARM", "PFP", 2024)] == ("not_stated_yet", None)
    assert timeline[("ARM", "PFP", 2025)] == ("partner", "first_attested")
    assert timeline[("ARM", "CSTO", 2010)] == ("member", "stated_event")


def test_an_attested_spell_is_in_force_only_from_its_first_attestation(connection) -> None:
    assert status_of(connection, "select * from marts.membership_as_of(date '2015-04-20')", "USA", "NATO") == []
    assert status_of(connection, "select * from marts.membership_as_of(date '2015-04-21')", "USA", "NATO") == ["member"]


# --- lineage ----------------------------------------------------------------------------------------

def test_forum_succeeded_nacc_membership_continues_in_the_eapc(connection) -> None:
    spells = connection.execute(
        "select org_code, start_basis, valid_from, valid_to from marts.fct_membership_spell "
        "where country_iso3 = 'ARM' and org_code in ('NACC', 'EAPC') order by valid_from").fetchall()
    assert [(org, basis, str(start), str(end)) for org, basis, start, end in spells] == [
        ("NACC", "stated_event", "1992-01-01", "1997-05-29"),
        ("EAPC", "succession", "1997-05-30", "None"),
    ]


def test_treaty_kept_under_the_csto_is_no_separate_active_membership(connection) -> None:
    ends = {country: str(end) for country, end in connection.execute(
        "select country_iso3, max(valid_to) from marts.fct_membership_spell where org_code = 'CST' "
        "group by country_iso3").fetchall()}
    assert ends["ARM"] == "2002-10-06" and set(ends.values()) == {"2002-10-06"}
    assert status_of(connection, "select * from marts.membership_as_of(date '2010-01-01')", "ARM", "CST") == []
    assert status_of(connection, "select * from marts.membership_as_of(date '2010-01-01')", "ARM", "CSTO") == ["member"]


def test_ipap_is_not_turned_into_an_itpp_membership(connection) -> None:
    assert connection.execute(
        "select count(*) from marts.fct_membership_spell where org_code = 'ITPP'").fetchone()[0] == 0
    assert status_of(connection, "select * from marts.membership_as_of(date '2025-06-01')", "ARM", "IPAP") == ["partner"]


# --- vocabulary -------------------------------------------------------------------------------------

def copy_seeds(project: Project, destination: Path) -> Path:
    """The seeds of a copy of the project (the pre-flight also reads the project's test macros)."""
    return copy_project(destination / "project") / "seeds"


def append_row(path: Path, row: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(row)


def test_seed_preflight_rejects_an_event_type_missing_from_the_vocabulary(project: Project, tmp_path: Path) -> None:
    seeds = copy_seeds(project, tmp_path)
    events = seeds / "facts" / "membership_events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(",ARM,CSTO,frozen_participation,", ",ARM,CSTO,paused_participation,", 1),
                      encoding="utf-8")
    with pytest.raises(SeedValidationError, match=r"membership_events\.csv:\d+: unknown code event_type = "
                                                  r"'paused_participation' \(not in membership_event_types\.event_type\)"):
        validate_seeds(seeds)


def test_adding_an_event_type_is_one_vocabulary_row(project: Project, tmp_path: Path) -> None:
    seeds = copy_seeds(project, tmp_path)
    events = seeds / "facts" / "membership_events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(
        ",ARM,CSTO,frozen_participation,", ",ARM,CSTO,paused_participation,", 1), encoding="utf-8")
    append_row(seeds / "vocabulary" / "membership_event_types.csv", {
        "event_type": "paused_participation", "resulting_status": "participation_frozen", "status_priority": "4",
        "is_one_off": "true", "is_assertion": "false", "description": "A test row."})
    assert validate_seeds(seeds) > 0
    assert "paused_participation" in vocabulary.membership_event_types(seeds)

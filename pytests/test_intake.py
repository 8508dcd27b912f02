"""Adding a sixth text: add-document refuses bad input without side effects; suggest prefills reviewable rows;
accept appends only what a person marked; the worked example of docs/adding_a_document.md runs end to end."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, copy_project, run_cli
from security_ties.evidence import normalise
from security_ties.intake import evidence_window, parse_date, parse_number, parse_publication_date, IntakeError
from security_ties.mentions import CorpusMention, find_mentions, load_aliases, normalise_cased
from security_ties.value_check import load_hedges

EXAMPLE = Path(__file__).parent / "fixtures" / "doc_greece_brief.txt"


@pytest.fixture()
def sandbox(tmp_path: Path, corpus_dir: Path) -> tuple[Path, Path]:
    """A copy of the project and a writable copy of the corpus (the real one is read-only)."""
    root = copy_project(tmp_path / "project")
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    return root, corpus


def add(root: Path, corpus: Path, *arguments: str):
    return run_cli(root, "add-document", *arguments, env={"CORPUS_DIR": str(corpus)})


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("case", "arguments", "reason"),
    [
        ("duplicate", ["{corpus}/000_af04e5355250a022.txt", "--publisher", "AVIM", "--published-on", "2015-04-21"],
         "already in the corpus as doc_000"),
        ("not UTF-8", ["{latin1}", "--publisher", "X", "--published-on", "2026-03-14"], "not UTF-8"),
        ("empty", ["{empty}", "--publisher", "X", "--published-on", "2026-03-14"], "empty"),
        ("impossible date", [str(EXAMPLE), "--publisher", "X", "--published-on", "2026-02-30"], "not a real date"),
        ("not a date", [str(EXAMPLE), "--publisher", "X", "--published-on", "March 2026"], "not a date"),
        ("missing date", [str(EXAMPLE), "--publisher", "X"], "--published-on"),
    ],
)
def test_add_document_refuses_bad_input_and_leaves_documents_csv_byte_identical(
        sandbox: tuple[Path, Path], tmp_path: Path, case: str, arguments: list[str], reason: str) -> None:
    root, corpus = sandbox
    latin1, empty = tmp_path / "latin1.txt", tmp_path / "empty.txt"
    latin1.write_bytes("Armenia and Türkiye".encode("latin-1"))
    empty.write_bytes(b"")
    documents_csv = root / "seeds" / "reference" / "documents.csv"
    before, files_before = documents_csv.read_bytes(), sorted(p.name for p in corpus.iterdir())
    result = add(root, corpus, *(a.format(corpus=corpus, latin1=latin1, empty=empty) for a in arguments))
    assert result.returncode != 0, case
    assert reason in result.stderr, result.stderr
    assert documents_csv.read_bytes() == before
    assert sorted(p.name for p in corpus.iterdir()) == files_before


def test_add_document_stores_the_text_and_appends_a_documents_row_with_precision(sandbox: tuple[Path, Path]) -> None:
    root, corpus = sandbox
    result = add(root, corpus, str(EXAMPLE), "--publisher", "Test Wire", "--published-on", "2026-03",
                 "--url", "https://example.org/brief")
    assert result.returncode == 0, result.stderr
    row = read_rows(root / "seeds" / "reference" / "documents.csv")[-1]
    assert (row["doc_id"], row["publication_date"], row["publication_date_precision"]) == ("doc_005", "2026-03", "month")
    assert row["title"] == "Armenia and Greece deepen defence ties"
    assert (corpus / row["file_name"]).read_bytes() == EXAMPLE.read_bytes()
    assert "security-ties suggest --doc doc_005" in result.stdout
    again = add(root, corpus, str(EXAMPLE), "--publisher", "Test Wire", "--published-on", "2026-03")
    assert again.returncode != 0 and "already in the corpus as doc_005" in again.stderr


def test_mentions_count_number_words_relative_dates_demonyms_and_organisations(project) -> None:
    text = normalise_cased("Despite four resolutions and three decades of talks, Armenian troops joined NATO drills "
                           "last year; the EEU met in October and may meet twice. The US sent dozens, not us.")
    found = {(m.kind, m.text, m.code) for m in find_mentions("doc_x", text, load_aliases(project.seeds_dir))}
    assert {("number_word", "four", ""), ("number_word", "three decades", ""), ("number_word", "twice", ""),
            ("number_word", "dozens", ""), ("relative_date", "last year", ""), ("relative_date", "in October", ""),
            ("country", "Armenian", "ARM"), ("organization", "NATO", "NATO"), ("organization", "EEU", "EAEU"),
            ("country", "US", "USA")} <= found
    assert not any(m[1] in ("may", "us") for m in found), "the modal 'may' and the pronoun 'us' are not mentions"


def test_numbers_dates_and_windows_are_parsed_the_way_the_extraction_rules_say() -> None:
    text = normalise_cased(EXAMPLE.read_text(encoding="utf-8"))
    start = text.index("150")
    hedges = load_hedges(ROOT / "seeds")
    assert parse_number(CorpusMention("d", "money", start, start + 3, "150", ""), text, hedges) == ("150000000", "approx")
    start = text.index("next year")
    assert parse_date(CorpusMention("d", "relative_date", start, start + 9, "next year", ""), "2026-03")[:3] == (
        "2027", "year", "relative_to_publication")
    start = text.index("12 March 2026")
    assert parse_date(CorpusMention("d", "date", start, start + 13, "12 March 2026", ""), "2026-03")[:2] == ("2026-03-12", "day")
    window = evidence_window(text, start, start + 13)
    assert window.startswith("Armenia and Greece signed") and len(window) <= 200
    assert normalise(window) in normalise(EXAMPLE.read_text(encoding="utf-8"))
    assert parse_publication_date("2026") == ("2026", "year")
    with pytest.raises(IntakeError):
        parse_publication_date("2026-13")


@pytest.mark.slow
def test_worked_example_add_suggest_accept_build_and_query_the_new_fact(sandbox: tuple[Path, Path]) -> None:
    root, corpus = sandbox
    env = {"CORPUS_DIR": str(corpus)}
    assert add(root, corpus, str(EXAMPLE), "--publisher", "Test Wire", "--published-on", "2026-03-14").returncode == 0

    uncovered = run_cli(root, "coverage", "--doc", "doc_005", env=env)
    assert uncovered.returncode == 1
    for expected in ("[money]: '150'", "[country = GRC]: 'Greece'", "[relative_date]: 'next year'", "[number_word]: 'two'"):
        assert expected in uncovered.stdout, expected

    suggested = run_cli(root, "suggest", "--doc", "doc_005", env=env)
    assert suggested.returncode == 0, suggested.stderr
    trade_review = root / "review" / "doc_005" / "trade_figures.csv"
    rows = read_rows(trade_review)
    assert len(rows) == 1
    trade = rows[0]
    assert (trade["fact_id"], trade["doc_id"], trade["reporter_iso3"], trade["partner_iso3"], trade["value_usd"],
            trade["qualifier"]) == ("TRD-005-01", "doc_005", "ARM", "GRC", "150000000", "approx")
    events = read_rows(root / "review" / "doc_005" / "events.csv")
    assert {(e["event_date"], e["event_date_precision"]) for e in events} >= {("2026-03-12", "day"), ("2027", "year")}

    nothing_marked = run_cli(root, "suggest", "--doc", "doc_005", "--accept", env=env)
    assert nothing_marked.returncode != 0 and "accept=yes" in nothing_marked.stderr

    # the person: completes what the text says (flow and year) and accepts the trade row only
    trade |= {"accept": "yes", "flow": "total", "year": "2025"}
    with trade_review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(trade))
        writer.writeheader()
        writer.writerow(trade)
    for other in (root / "review" / "doc_005").glob("*.csv"):
        if other != trade_review:
            other.unlink()
    accepted = run_cli(root, "suggest", "--doc", "doc_005", "--accept", env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert read_rows(root / "seeds" / "facts" / "trade_figures.csv")[-1]["fact_id"] == "TRD-005-01"

    built = run_cli(root, "build", env=env)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    with duckdb.connect(str(root / "warehouse" / "security_ties.duckdb"), read_only=True) as connection:
        fact = connection.sql(
            "select reporter_iso3, partner_iso3, trade_year, value_usd, qualifier from marts.fct_trade_flow "
            "where fact_id = 'TRD-005-01'"
        ).fetchall()
        documents = connection.sql("select count(*) from marts.dim_document").fetchone()[0]
    assert fact == [("ARM", "GRC", 2025, 150000000, "approx")]
    assert documents == 6


def test_a_country_named_but_never_recorded_is_uncovered(sandbox: tuple[Path, Path]) -> None:
    root, corpus = sandbox
    exclusions = root / "seeds" / "facts" / "excluded_mentions.csv"
    rows = read_rows(exclusions)
    kept = [row for row in rows if not (row["doc_id"] == "doc_003" and "Pakistan" in row["context"])]
    assert len(kept) == len(rows) - 1
    with exclusions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    result = run_cli(root, "coverage", "--doc", "doc_003", env={"CORPUS_DIR": str(corpus)})
    assert result.returncode == 1
    assert "[country = PAK]: 'Pakistan'" in result.stdout

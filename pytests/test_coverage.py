"""Extraction coverage: every mention in the corpus (numbers in digits and words, dates and relative dates,
countries, organisations) is a fact or a reasoned exclusion."""

from __future__ import annotations

import csv
from pathlib import Path

from security_ties.mentions import coverage


def test_every_quantitative_mention_is_covered_by_a_fact_or_an_exclusion(project, corpus_dir: Path) -> None:
    result = coverage(corpus_dir, project.seeds_dir)
    covered = len(result.mentions) - len(result.uncovered)
    print(f"extraction coverage: {covered}/{len(result.mentions)} = {result.percent:.1f} %")
    assert result.uncovered == [], "\n".join(str(m) for m in result.uncovered[:40])
    # the wider definition is really counted: words, relative dates and named entities, in every document
    for kind in ("number_word", "relative_date", "country", "organization", "money", "year"):
        assert result.by_kind.get(kind, (0, 0))[1] > 0, f"no {kind} mention found"
    assert set(result.by_document) == {"doc_000", "doc_001", "doc_002", "doc_003", "doc_004"}


def test_removing_a_fact_drops_coverage_below_100(project, corpus_dir: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "facts").mkdir(parents=True)
    (seeds / "reference").mkdir()
    for path in (project.seeds_dir / "reference").glob("*.csv"):
        (seeds / "reference" / path.name).write_bytes(path.read_bytes())
    for path in (project.seeds_dir / "facts").glob("*.csv"):
        (seeds / "facts" / path.name).write_bytes(path.read_bytes())
    trade = seeds / "facts" / "trade_figures.csv"
    with trade.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with trade.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows[:1])  # header only
    assert coverage(corpus_dir, seeds).percent < 100.0


def test_exclusion_reasons_are_specific(project) -> None:
    with (project.seeds_dir / "facts" / "excluded_mentions.csv").open(newline="", encoding="utf-8") as handle:
        reasons = [row["reason"] for row in csv.DictReader(handle)]
    vague = [r for r in reasons if len(r.strip()) < 8 or r.strip().lower() in {"other", "n/a", "not a fact", "excluded"}]
    assert vague == []

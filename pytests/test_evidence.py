"""Every fact's evidence quote is in its document's text, and the texts are the ones we cited."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import copy_project
from security_ties.evidence import Corpus, Quote, normalise, read_documents, verify


def test_normalise_folds_quotes_dashes_nbsp_line_breaks_and_case() -> None:
    assert normalise("Armenia\u2019s\u00a0\u201cfreeze\u201d \u2013 CSTO\nmember") == "armenia's \"freeze\" - csto member"


def test_every_evidence_quote_is_found_in_its_document(project, corpus_dir: Path) -> None:
    checked, problems = verify(corpus_dir, project.seeds_dir)
    assert checked > 0
    assert problems == [], "\n".join(str(p) for p in problems)


def test_quote_not_in_the_text_is_reported(project, corpus_dir: Path) -> None:
    corpus = Corpus(corpus_dir, read_documents(project.seeds_dir / "reference" / "documents.csv"))
    invented = Quote("seeds/facts/trade_figures.csv", 2, "TRD-001-99", "doc_001",
                     "trade with Russia reached $80 billion in 2023")
    problems = corpus.quote_problems([invented])
    assert len(problems) == 1
    assert str(problems[0]).startswith("seeds/facts/trade_figures.csv:2: TRD-001-99: quote not found in doc_001")


def test_a_bad_quote_in_a_seed_is_named_as_path_and_line_like_the_pre_flight(corpus_dir: Path, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    trade = root / "seeds" / "facts" / "trade_figures.csv"
    content = trade.read_text(encoding="utf-8")
    content += ("" if content.endswith("\n") else "\n") + \
        'TRD-999-01,doc_001,ARM,RUS,,total,2023,1,,,,exact,"trade with Russia reached $80 billion",\n'
    trade.write_text(content, encoding="utf-8")
    line = content.count("\n")
    _, problems = verify(corpus_dir, root / "seeds")
    assert [str(p).split(": quote not found")[0] for p in problems] == \
        [f"seeds/facts/trade_figures.csv:{line}: TRD-999-01"]


def test_overlong_quote_is_reported(project, corpus_dir: Path) -> None:
    corpus = Corpus(corpus_dir, read_documents(project.seeds_dir / "reference" / "documents.csv"))
    problems = corpus.quote_problems([Quote("seeds/facts/events.csv", 3, "EVT-000-01", "doc_000", "x" * 201)])
    assert "at most 200" in str(problems[0])


def test_changed_file_hash_is_reported(project, corpus_dir: Path, tmp_path: Path) -> None:
    copied = tmp_path / "corpus"
    shutil.copytree(corpus_dir, copied)
    changed = copied / "003_20a63d7bce1387ab.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nan edit\n", encoding="utf-8")
    _, problems = verify(copied, project.seeds_dir)
    hash_problems = [str(p) for p in problems if "sha256" in str(p)]
    assert len(hash_problems) == 1
    line = next(n for n, row in enumerate((project.seeds_dir / "reference" / "documents.csv").read_text(
        encoding="utf-8").splitlines(), start=1) if row.startswith("doc_003,"))
    assert hash_problems[0].startswith(f"seeds/reference/documents.csv:{line}: doc_003: sha256 of 003_20a63d7bce1387ab.txt")

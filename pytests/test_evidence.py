"""Every fact's evidence quote is in its document's text, and the texts are the ones we cited."""

from __future__ import annotations

import shutil
from pathlib import Path

from security_ties.evidence import Corpus, Quote, normalise, read_documents, verify


def test_normalise_folds_quotes_dashes_nbsp_line_breaks_and_case() -> None:
    assert normalise("Armenia\u2019s\u00a0\u201cfreeze\u201d \u2013 CSTO\nmember") == "armenia's \"freeze\" - csto member"


def test_every_evidence_quote_is_found_in_its_document(project, corpus_dir: Path) -> None:
    checked, problems = verify(corpus_dir, project.seeds_dir)
    assert checked > 0
    assert problems == [], "\n".join(str(p) for p in problems)


def test_quote_not_in_the_text_is_reported(project, corpus_dir: Path) -> None:
    corpus = Corpus(corpus_dir, read_documents(project.seeds_dir / "reference" / "documents.csv"))
    invented = Quote("trade_figures", 1, "TRD-001-99", "doc_001", "trade with Russia reached $80 billion in 2023")
    problems = corpus.quote_problems([invented])
    assert len(problems) == 1
    assert "trade_figures.csv row 1 (TRD-001-99): quote not found in doc_001" in str(problems[0])


def test_overlong_quote_is_reported(project, corpus_dir: Path) -> None:
    corpus = Corpus(corpus_dir, read_documents(project.seeds_dir / "reference" / "documents.csv"))
    problems = corpus.quote_problems([Quote("events", 3, "EVT-000-01", "doc_000", "x" * 201)])
    assert "at most 200" in str(problems[0])


def test_changed_file_hash_is_reported(project, corpus_dir: Path, tmp_path: Path) -> None:
    copied = tmp_path / "corpus"
    shutil.copytree(corpus_dir, copied)
    changed = copied / "003_20a63d7bce1387ab.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nan edit\n", encoding="utf-8")
    _, problems = verify(copied, project.seeds_dir)
    hash_problems = [str(p) for p in problems if "sha256" in str(p)]
    assert len(hash_problems) == 1
    assert "doc_003" in hash_problems[0]

"""Evidence verification: every quote in a fact seed must occur in its document's text.

Both sides are normalised the same way (Unicode NFKC, quotes and dashes folded, whitespace
collapsed, case folded), because the texts contain non-breaking spaces, curly quotes and line
breaks inside sentences that an analyst cannot reproduce by hand.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from security_ties.problems import Located, display_path

MAX_EVIDENCE_CHARS = 200

_QUOTE_FOLDS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
        "\u0060": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
        "\u2014": "-", "\u2015": "-", "\u2212": "-",
    }
)
_WHITESPACE = re.compile(r"\s+")


class EvidenceError(Exception):
    """Raised when the corpus or a seed cannot be read as evidence."""


def normalise_cased(text: str) -> str:
    """The evidence normalisation without case folding (NFKC, quotes and dashes folded, spaces collapsed)."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLDS)
    return _WHITESPACE.sub(" ", folded).strip()


def normalise(text: str) -> str:
    """Fold a text so that a quote copied by hand matches the published text."""
    return normalise_cased(text).casefold()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Document:
    doc_id: str
    file_name: str
    sha256: str
    line: int = 0  # line of its row in the documents seed


@dataclass(frozen=True)
class Quote:
    """One quote cell of one seed row, with where it came from (for error messages)."""

    path: str  # the seed file, as shown in messages
    line: int  # line of the row in the file (the header is line 1)
    row_key: str
    doc_id: str
    text: str


def row_problem(path: str, line: int, row_key: str, message: str) -> Located:
    """A problem of one seed row in the shared `path:line: problem` format, led by the row's key."""
    return Located(path, line, f"{row_key}: {message}")


def read_documents(documents_csv: Path) -> list[Document]:
    with documents_csv.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return [Document(r["doc_id"], r["file_name"], r["sha256"], reader.line_num) for r in reader]


def read_quotes(seed_csv: Path, quote_column: str = "evidence") -> list[Quote]:
    """Quotes from one seed; seeds without the column (or without doc_id) give none."""
    where = display_path(seed_csv, seed_csv.parent.parent.parent)
    with seed_csv.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        fields = next(reader, [])
        if quote_column not in fields or "doc_id" not in fields:
            return []
        quotes = []
        for values in reader:
            row = dict(zip(fields, values))
            if values:
                quotes.append(Quote(where, reader.line_num, row.get(fields[0], ""), row.get("doc_id", ""),
                                    row.get(quote_column) or ""))
        return quotes


def quote_columns(seed_csv: Path) -> list[str]:
    """The columns of a seed that hold verbatim quotes."""
    with seed_csv.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    return [c for c in ("evidence", "context") if c in header]


def all_quotes(facts_dir: Path) -> list[Quote]:
    quotes: list[Quote] = []
    for seed_csv in sorted(facts_dir.glob("*.csv")):
        for column in quote_columns(seed_csv):
            quotes.extend(read_quotes(seed_csv, column))
    return quotes


class Corpus:
    """The normalised texts of the documents seed, checked against their recorded hashes."""

    def __init__(self, corpus_dir: Path, documents: list[Document], documents_path: str = "seeds/reference/documents.csv") -> None:
        if not corpus_dir.is_dir():
            raise EvidenceError(
                f"corpus folder {corpus_dir} not found: set CORPUS_DIR to the folder holding the "
                "five source texts (default ../shared/corpus relative to the project root)"
            )
        self.corpus_dir = corpus_dir
        self.documents = {d.doc_id: d for d in documents}
        self.documents_path = documents_path
        self._texts: dict[str, str] = {}

    def hash_problems(self) -> list[Located]:
        problems = []
        for doc in self.documents.values():
            line = doc.line
            path = self.corpus_dir / doc.file_name
            if not path.is_file():
                problems.append(row_problem(self.documents_path, line, doc.doc_id, f"file {path} is missing"))
            elif (actual := sha256_of(path)) != doc.sha256:
                problems.append(
                    row_problem(
                        self.documents_path, line, doc.doc_id,
                        f"sha256 of {path.name} is {actual}, the seed records {doc.sha256}: "
                        "the text changed, re-check every quote taken from it",
                    )
                )
        return problems

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            path = self.corpus_dir / self.documents[doc_id].file_name
            self._texts[doc_id] = normalise(path.read_text(encoding="utf-8"))
        return self._texts[doc_id]

    def quote_problems(self, quotes: list[Quote]) -> list[Located]:
        problems = []
        for quote in quotes:
            where = (quote.path, quote.line, quote.row_key)
            if quote.doc_id not in self.documents:
                problems.append(row_problem(*where, f"doc_id {quote.doc_id!r} is not in documents.csv"))
            elif not quote.text.strip():
                problems.append(row_problem(*where, "the evidence quote is empty"))
            elif len(quote.text) > MAX_EVIDENCE_CHARS:
                problems.append(
                    row_problem(*where, f"quote has {len(quote.text)} characters, at most {MAX_EVIDENCE_CHARS}")
                )
            elif normalise(quote.text) not in self.text(quote.doc_id):
                problems.append(
                    row_problem(*where, f"quote not found in {quote.doc_id}: {quote.text[:80]!r}")
                )
        return problems


def verify(corpus_dir: Path, seeds_dir: Path) -> tuple[int, list[Located]]:
    """Check hashes and every quote; returns (quotes checked, problems)."""
    documents = seeds_dir / "reference" / "documents.csv"
    corpus = Corpus(corpus_dir, read_documents(documents), display_path(documents, seeds_dir.parent))
    quotes = all_quotes(seeds_dir / "facts")
    return len(quotes), corpus.hash_problems() + corpus.quote_problems(quotes)

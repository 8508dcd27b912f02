"""Extraction coverage: every quantitative mention in the corpus is a fact or a reasoned exclusion.

A mention is a run of digits as written (money, percentages, counts, years, dates, ordinals). It is
covered when its position in the normalised text lies inside an occurrence of some fact's evidence
quote, or inside the context quote of an `excluded_mentions` row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from security_ties.evidence import Corpus, all_quotes, normalise, read_documents

_MENTION = re.compile(r"\d(?:[\d,.]*\d)?")


@dataclass(frozen=True)
class Mention:
    doc_id: str
    start: int
    end: int
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.doc_id} @{self.start}: {self.text!r} in '...{self.context}...'"


@dataclass(frozen=True)
class Coverage:
    mentions: list[Mention]
    uncovered: list[Mention]

    @property
    def percent(self) -> float:
        if not self.mentions:
            return 100.0
        return 100.0 * (len(self.mentions) - len(self.uncovered)) / len(self.mentions)


def find_mentions(doc_id: str, normalised_text: str) -> list[Mention]:
    return [
        Mention(
            doc_id, m.start(), m.end(), m.group(),
            normalised_text[max(0, m.start() - 60): m.end() + 60],
        )
        for m in _MENTION.finditer(normalised_text)
    ]


def _covered_spans(text: str, quote: str) -> list[tuple[int, int]]:
    needle = normalise(quote)
    spans, start = [], text.find(needle) if needle else -1
    while start != -1:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def coverage(corpus_dir: Path, seeds_dir: Path) -> Coverage:
    corpus = Corpus(corpus_dir, read_documents(seeds_dir / "reference" / "documents.csv"))
    quotes = all_quotes(seeds_dir / "facts")
    mentions: list[Mention] = []
    uncovered: list[Mention] = []
    for doc_id in corpus.documents:
        text = corpus.text(doc_id)
        spans = [
            span for q in quotes if q.doc_id == doc_id for span in _covered_spans(text, q.text)
        ]
        for mention in find_mentions(doc_id, text):
            mentions.append(mention)
            if not any(s <= mention.start and mention.end <= e for s, e in spans):
                uncovered.append(mention)
    return Coverage(mentions, uncovered)

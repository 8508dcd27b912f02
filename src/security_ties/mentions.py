"""Extraction coverage: every mention in the corpus is a fact or a reasoned exclusion.

A mention is anything a careful reader would expect to find in the fact base:

- numbers in digits (classified as money, percent, year or plain number) and in words ("four",
  "three decades", "dozens", "twice", "half", "a third"), by the words of `lexicon`, which the value check
  and `suggest` read too;
- dates written with a month name or its abbreviation ("1 August 2024", "February 2024", "Feb. 22") and
  relative dates ("last year", "in October", "two days later");
- every country and organisation named, by the names in the reference seeds and the aliases in
  `entity_aliases` (demonyms such as "Armenian", capitals used for governments such as "Moscow",
  variants such as "Turkey");
- every named weapon system of the `weapon_systems` seed, by its name or a `weapon_system_aliases` spelling
  (generic items such as "armaments" are not names and are left out).

A number or date mention is covered when its position lies inside an occurrence of a fact's evidence
quote or of an `excluded_mentions` context. A named entity is covered the same way, or when the
document records the entity's code in some fact row (it was extracted, just quoted elsewhere), or when
an `excluded_mentions` row of the same document names the entity (any of its names or its code) with a
reason: an entity is recorded per document, not per occurrence.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from security_ties import lexicon
from security_ties.evidence import Corpus, Quote, all_quotes, normalise_cased, read_documents

NUMBER_KINDS = ("money", "percent", "year", "number", "number_word")
DATE_KINDS = ("date", "relative_date")
ENTITY_KINDS = ("country", "organization", "weapon_system")
TIE_KINDS = ("relation", "stance")
MENTION_KINDS = NUMBER_KINDS + DATE_KINDS + ENTITY_KINDS + TIE_KINDS

_MONTHS = lexicon.month_names()
_CARDINALS = "|".join(lexicon.CARDINALS)

_DIGITS = re.compile(r"\d(?:[\d,.]*\d)?")
_NUMBER_WORD = re.compile(rf"\b{lexicon.NUMBER_WORDS}(?: {lexicon.TIME_UNIT})?\b")
_EXPLICIT_DATE = re.compile(
    rf"\b(?:\d{{1,2}} (?:{_MONTHS})(?:,? \d{{4}})?|(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|(?:{_MONTHS}),? \d{{4}})\b"
)
_RELATIVE_DATE = re.compile(
    rf"\b(?:(?:last|next|this|previous|following|past|same) (?:year|month|week|decade|spring|summer|autumn|fall|winter|{_MONTHS})"
    rf"|(?:earlier|later) (?:this|that) (?:year|month|week)"
    rf"|(?:\d+|{_CARDINALS}|a few|several) {lexicon.TIME_UNIT} (?:later|earlier|ago|before|after)"
    rf"|yesterday|(?:in|on|since|by|until|from|early|late|mid-|end of|beginning of) (?:{_MONTHS}))\b(?!\.? \d)"
)
# a standing tie between two actors: an alliance, a backer, a base, a guard, an arms supplier, a dependence, a dialogue
_RELATION = re.compile(
    r"\b(?:all(?:y|ies|ied)|backers?|benefactors?|guarantors?|suppliers?|guard(?:s|ed|ing)?"
    r"|military bases?|base in|hosts?|hosted|hosting|reliant on|dependent on|dependence on|dependence"
    r"|strategic dialogue|strategic partnerships?|rapprochement|client state|satellite state)\b"
)
# a refusal, an abstention or a statement of intent: an event type of its own (`seeds/vocabulary/event_types.csv`)
_STANCE = re.compile(
    r"\b(?:declin(?:e|es|ed|ing)|refus(?:e|es|ed|ing)|refrain(?:s|ed|ing)?|abstain(?:s|ed|ing)?"
    r"|did not respond|failed to respond|(?:does|do|did) not (?:intend|plan)|intends? to|will observe)\b"
)
_CASE_SENSITIVE_WORDS = lexicon.CAPITALISED_MONTH_WORDS


def fold_case(text: str) -> str:
    """Lower-case one character at a time, so positions in the folded text are positions in the cased one."""
    return "".join(lower if len(lower := char.lower()) == 1 else char for char in text)


@dataclass(frozen=True)
class CorpusMention:
    doc_id: str
    kind: str
    start: int
    end: int
    text: str
    context: str
    code: str = ""  # country/organisation/system code for named entities

    def __str__(self) -> str:
        named = f" = {self.code}" if self.code else ""
        return f"{self.doc_id} @{self.start} [{self.kind}{named}]: {self.text!r} in '...{self.context}...'"


@dataclass(frozen=True)
class Alias:
    text: str  # as written, cased
    kind: str  # country, organization, weapon_system
    code: str
    case_sensitive: bool = False


@dataclass
class Coverage:
    mentions: list[CorpusMention]
    uncovered: list[CorpusMention]
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (covered, total)
    by_document: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_document_kind: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        if not self.mentions:
            return 100.0
        return 100.0 * (len(self.mentions) - len(self.uncovered)) / len(self.mentions)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_aliases(seeds_dir: Path) -> list[Alias]:
    """Names of countries, organisations and weapon systems: reference seeds plus the alias seeds."""
    reference = seeds_dir / "reference"
    aliases: list[Alias] = []
    for row in _read_csv(reference / "countries.csv"):
        aliases += [Alias(name, "country", row["iso3"]) for name in (row["short_name"], row["official_name"])
                    if name and "(" not in name]
    for row in _read_csv(reference / "organizations.csv"):
        aliases += [Alias(row["name"], "organization", row["org_code"])]
        aliases += [Alias(acronym, "organization", row["org_code"], case_sensitive=True)
                    for acronym in {row["acronym"], row["org_code"]} if acronym and "_" not in acronym]
    entity_aliases = reference / "entity_aliases.csv"
    if entity_aliases.is_file():
        aliases += [
            Alias(row["alias"], row["entity_kind"], row["code"], row["case_sensitive"].strip().lower() == "true")
            for row in _read_csv(entity_aliases)
        ]
    systems_csv, weapon_aliases_csv = reference / "weapon_systems.csv", reference / "weapon_system_aliases.csv"
    if systems_csv.is_file():
        # generic items ("armaments", "drone parts") are not names: only named systems count as mentions
        named = {row["weapon_system_id"]: row["system_name"] for row in _read_csv(systems_csv)
                 if row["is_generic"].strip().lower() != "true"}
        aliases += [Alias(name, "weapon_system", system_id) for system_id, name in named.items()]
        if weapon_aliases_csv.is_file():
            aliases += [Alias(row["name_as_written"], "weapon_system", row["weapon_system_id"])
                        for row in _read_csv(weapon_aliases_csv) if row["weapon_system_id"] in named]
    return aliases


def _alias_pattern(aliases: Sequence[Alias]) -> re.Pattern[str] | None:
    names = sorted({fold_case(normalise_cased(a.text)) for a in aliases if a.text.strip()}, key=len, reverse=True)
    if not names:
        return None
    # a name may carry a possessive ("Armenia's", or "Armenias" with the apostrophe dropped, as the texts do)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?='s\b|s\b|\b)")


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 60): end + 60]


def find_mentions(doc_id: str, cased_text: str, aliases: Sequence[Alias] = ()) -> list[CorpusMention]:
    """Every mention in one document's normalised (cased) text; a mention inside a longer one is dropped."""
    folded = fold_case(cased_text)
    found: list[CorpusMention] = []

    def add(kind: str, start: int, end: int, code: str = "") -> None:
        found.append(CorpusMention(doc_id, kind, start, end, cased_text[start:end], _context(cased_text, start, end), code))

    for match in _DIGITS.finditer(folded):
        add(_digit_kind(folded, match.start(), match.end()), match.start(), match.end())
    for match in _NUMBER_WORD.finditer(folded):
        add("number_word", match.start(), match.end())
    for pattern, kind in ((_EXPLICIT_DATE, "date"), (_RELATIVE_DATE, "relative_date")):
        for match in pattern.finditer(folded):
            if _case_sensitive_ok(cased_text, match.start(), match.end()):
                add(kind, match.start(), match.end())
    found += find_tie_mentions(doc_id, cased_text, folded)
    by_name: dict[str, list[Alias]] = {}
    for alias in aliases:
        by_name.setdefault(fold_case(normalise_cased(alias.text)), []).append(alias)
    if (pattern := _alias_pattern(aliases)) is not None:
        for match in pattern.finditer(folded):
            candidates = by_name[match.group()]
            written = cased_text[match.start():match.end()]
            chosen = next((a for a in candidates if not a.case_sensitive or normalise_cased(a.text) == written), None)
            if chosen is not None:
                add(chosen.kind, match.start(), match.end(), chosen.code)
    return _drop_nested(found)


def find_tie_mentions(doc_id: str, cased_text: str, folded: str) -> list[CorpusMention]:
    """Relation words (a standing tie: ally, backer, guards, base, supplier, reliant on, strategic dialogue ...) and
    stance words (declined, refused, refrains, abstains, did not respond, does not intend, will observe ...)."""
    return [
        CorpusMention(doc_id, kind, match.start(), match.end(), cased_text[match.start():match.end()],
                _context(cased_text, match.start(), match.end()))
        for pattern, kind in ((_RELATION, "relation"), (_STANCE, "stance"))
        for match in pattern.finditer(folded)
    ]


def _digit_kind(text: str, start: int, end: int) -> str:
    before, after = text[max(0, start - 2):start], text[end:end + 12]
    if "$" in before or "€" in before or lexicon.scale_after(after) or re.match(r" ?(?:dollars|usd|euros?)\b", after):
        return "money"
    if lexicon.percent_after(after):
        return "percent"
    if re.fullmatch(r"(?:19|20)\d\d", text[start:end]):
        return "year"
    return "number"


def _case_sensitive_ok(cased_text: str, start: int, end: int) -> bool:
    words = re.findall(r"[A-Za-z]+", cased_text[start:end])
    return all(_CASE_SENSITIVE_WORDS.get(w.lower(), w) == w for w in words if w.lower() in _CASE_SENSITIVE_WORDS)


def _drop_nested(mentions: list[CorpusMention]) -> list[CorpusMention]:
    """Keep the longest mention where they overlap ("two days later" is one relative date, not also "two")."""
    ordered = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[CorpusMention] = []
    for mention in ordered:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        needle = fold_case(normalise_cased(quote))
        start = text.find(needle) if needle else -1
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return spans


def recorded_codes(facts_dir: Path, aliases: Sequence[Alias] = ()) -> dict[str, set[str]]:
    """Per document, every code (ARM, CSTO, ...) that its fact rows record in any column, directly or as a name
    the alias seeds resolve (an arms row's "PINAKA multi-barrel rocket launchers" records `pinaka`)."""
    code_of_name = {fold_case(normalise_cased(a.text)): a.code for a in aliases}
    doc_of_fact: dict[str, str] = {}
    rows_by_seed = {path: _read_csv(path) for path in sorted(facts_dir.glob("*.csv"))}
    for rows in rows_by_seed.values():
        for row in rows:
            if row.get("doc_id") and row.get("fact_id"):
                doc_of_fact[row["fact_id"]] = row["doc_id"]
    codes: dict[str, set[str]] = {}
    for rows in rows_by_seed.values():
        for row in rows:
            doc_id = row.get("doc_id") or doc_of_fact.get(row.get("fact_id", ""), "")
            if doc_id:
                values = [value.strip() for value in row.values() if value]
                resolved = [code_of_name[name] for value in values if (name := fold_case(normalise_cased(value))) in code_of_name]
                codes.setdefault(doc_id, set()).update(values + resolved)
    return codes


def _excluded_entities(exclusions: Sequence[dict[str, str]], aliases: Sequence[Alias]) -> dict[str, set[str]]:
    code_of = {fold_case(normalise_cased(a.text)): a.code for a in aliases}
    excluded: dict[str, set[str]] = {}
    for row in exclusions:
        mention = fold_case(normalise_cased(row["mention"]))
        code = code_of.get(mention, row["mention"].strip())
        excluded.setdefault(row["doc_id"], set()).add(code)
    return excluded


def coverage(corpus_dir: Path, seeds_dir: Path, doc_ids: Sequence[str] | None = None) -> Coverage:
    corpus = Corpus(corpus_dir, read_documents(seeds_dir / "reference" / "documents.csv"))
    facts_dir = seeds_dir / "facts"
    quotes: list[Quote] = all_quotes(facts_dir)
    aliases = load_aliases(seeds_dir)
    exclusions_csv = facts_dir / "excluded_mentions.csv"
    exclusions = _read_csv(exclusions_csv) if exclusions_csv.is_file() else []
    excluded = _excluded_entities(exclusions, aliases)
    recorded = recorded_codes(facts_dir, aliases)
    mentions: list[CorpusMention] = []
    uncovered: list[CorpusMention] = []
    for doc_id in corpus.documents:
        if doc_ids and doc_id not in doc_ids:
            continue
        cased = normalise_cased((corpus.corpus_dir / corpus.documents[doc_id].file_name).read_text(encoding="utf-8"))
        spans = _spans(fold_case(cased), (q.text for q in quotes if q.doc_id == doc_id))
        for mention in find_mentions(doc_id, cased, aliases):
            mentions.append(mention)
            inside_quote = any(s <= mention.start and mention.end <= e for s, e in spans)
            entity_recorded = mention.kind in ENTITY_KINDS and (
                mention.code in recorded.get(doc_id, set()) or mention.code in excluded.get(doc_id, set())
            )
            if not (inside_quote or entity_recorded):
                uncovered.append(mention)
    return Coverage(mentions, uncovered, _tally(mentions, uncovered, "kind"), _tally(mentions, uncovered, "doc_id"),
                    _tally_by_document_kind(mentions, uncovered))


def _tally(mentions: Sequence[CorpusMention], uncovered: Sequence[CorpusMention], attribute: str) -> dict[str, tuple[int, int]]:
    total = Counter(getattr(m, attribute) for m in mentions)
    missing = Counter(getattr(m, attribute) for m in uncovered)
    return {key: (total[key] - missing[key], total[key]) for key in sorted(total)}


def _tally_by_document_kind(mentions: Sequence[CorpusMention], uncovered: Sequence[CorpusMention]) -> dict[tuple[str, str], tuple[int, int]]:
    total = Counter((m.doc_id, m.kind) for m in mentions)
    missing = Counter((m.doc_id, m.kind) for m in uncovered)
    return {key: (total[key] - missing[key], total[key]) for key in sorted(total)}

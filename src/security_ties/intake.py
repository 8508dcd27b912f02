"""Adding a text to the corpus: register it, suggest facts for what it mentions, append what a person accepts.

The workflow (docs/adding_a_document.md):

1. `add-document PATH --publisher ... --published-on ...` checks the text (UTF-8, not empty, not already in
   the corpus by sha256, a valid date), copies it into CORPUS_DIR and appends its `documents` row.
2. `coverage --doc ID` lists what the new text mentions that no fact or exclusion covers yet.
3. `suggest --doc ID` writes one review CSV per target seed under `review/ID/`, each uncovered mention as a
   prefilled row of that seed (next fact id, doc id, an evidence window that `verify-evidence` accepts, the
   parsed number, date and qualifier, the codes it recognised) behind an empty `accept` column.
4. A person edits those rows, fills what the text says and marks `accept` with `yes`;
   `suggest --doc ID --accept` appends the accepted rows to the seeds, after the seed pre-flight and the
   evidence check passed on them. Nothing is appended without that.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from security_ties import lexicon
from security_ties.evidence import Corpus, normalise, verify
from security_ties.mentions import (
    DATE_KINDS, ENTITY_KINDS, Alias, CorpusMention, coverage, fold_case, load_aliases, normalise_cased,
)
from security_ties.project import Project
from security_ties.seed_check import SeedValidationError, validate_seeds
from security_ties.value_check import hedge_before, load_hedges

REVIEW_COLUMNS = ("accept", "mention_kind", "mention")
ACCEPTED = {"yes", "y", "true", "1", "accept"}
MAX_WINDOW = 200
DOCUMENTS_HEADER_DATE_BASIS = "given on intake with add-document --published-on"


class IntakeError(Exception):
    """A document or a review file that cannot be taken in; the message says what to fix."""


@dataclass(frozen=True)
class NewDocument:
    doc_id: str
    file_name: str
    sha256: str
    corpus_path: Path


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_rows_atomically(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    """Write a whole CSV to a temporary file beside it and rename it over the old one."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(header), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def parse_publication_date(value: str) -> tuple[str, str]:
    """'2026', '2026-03' or '2026-03-04' -> (the value, its precision); anything else is refused."""
    value = (value or "").strip()
    formats = (("%Y-%m-%d", "day", r"\d{4}-\d{2}-\d{2}"), ("%Y-%m", "month", r"\d{4}-\d{2}"), ("%Y", "year", r"\d{4}"))
    for pattern, precision, shape in formats:
        if re.fullmatch(shape, value):
            try:
                dt.datetime.strptime(value, pattern)
            except ValueError as error:
                raise IntakeError(f"--published-on {value!r} is not a real date ({error})") from error
            return value, precision
    raise IntakeError(
        f"--published-on {value!r} is not a date: give YYYY-MM-DD, YYYY-MM or YYYY (the precision follows the form)"
    )


def _next_doc_number(documents: Sequence[dict[str, str]]) -> int:
    numbers = [int(m.group(1)) for row in documents if (m := re.fullmatch(r"doc_(\d+)", row["doc_id"]))]
    return max(numbers, default=-1) + 1


def add_document(project: Project, text_path: Path, *, publisher: str, published_on: str, url: str = "",
                 title: str = "", authors: str = "", date_basis: str = DOCUMENTS_HEADER_DATE_BASIS) -> NewDocument:
    """Check a new text, copy it into the corpus and append its documents row; on any refusal nothing changes."""
    if not text_path.is_file():
        raise IntakeError(f"{text_path}: no such file")
    raw = text_path.read_bytes()
    if not raw.strip():
        raise IntakeError(f"{text_path}: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IntakeError(f"{text_path}: not UTF-8 (byte {error.start}: {error.reason}); convert it with "
                          f"`iconv -t UTF-8` first") from error
    if not publisher.strip():
        raise IntakeError("--publisher is empty: name who published the text")
    date_value, precision = parse_publication_date(published_on)
    documents_csv = project.seeds_dir / "reference" / "documents.csv"
    header, documents = _read_rows(documents_csv)
    sha256 = hashlib.sha256(raw).hexdigest()
    if duplicate := next((row for row in documents if row["sha256"] == sha256), None):
        raise IntakeError(f"{text_path} is already in the corpus as {duplicate['doc_id']} ({duplicate['file_name']})")
    if not project.corpus_dir.is_dir():
        raise IntakeError(f"corpus folder {project.corpus_dir} not found: set CORPUS_DIR to a writable corpus folder")
    number = _next_doc_number(documents)
    doc_id, file_name = f"doc_{number:03d}", f"{number:03d}_{sha256[:16]}.txt"
    destination = project.corpus_dir / file_name
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    row = {column: "" for column in header} | {
        "doc_id": doc_id, "file_name": file_name, "title": title.strip() or first_line[:200],
        "publisher": publisher.strip(), "authors": authors.strip(), "publication_date": date_value,
        "publication_date_precision": precision, "publication_date_basis": date_basis, "url": url.strip(),
        "sha256": sha256,
    }
    try:
        shutil.copyfile(text_path, destination)
    except OSError as error:
        raise IntakeError(f"could not copy the text to {destination}: {error.strerror}; check that CORPUS_DIR "
                          "is writable") from error
    try:
        _write_rows_atomically(documents_csv, header, [*documents, row])
    except OSError as error:
        destination.unlink(missing_ok=True)
        raise IntakeError(f"could not update {documents_csv}: {error.strerror}") from error
    return NewDocument(doc_id, file_name, sha256, destination)


# ---------------------------------------------------------------------------------------------------------
# suggestions

def parse_number(mention: CorpusMention, text: str, hedges: dict[str, set[str]]) -> tuple[str, str]:
    """(value as written in a seed, qualifier) for a number mention; ('', '') when it holds no single number.
    Digits and number words are read by `lexicon`, with the scale after them ("$3 trillion", "three million");
    the qualifier comes from the hedge word in front (`value_check.hedge_before`: the qualifier vocabulary)."""
    value: float | None = None
    if re.fullmatch(r"[\d,.]+", mention.text):
        value = float(mention.text.replace(",", ""))
        if scale := lexicon.scale_after(text[mention.end:]):
            value *= scale
    elif values := lexicon.word_values(re.sub(rf" {lexicon.TIME_UNIT}$", "", mention.text.lower())):
        value = values[-1]
    if value is None:
        return "", ""
    hedge = hedge_before(fold_case(text), mention.start, hedges)
    qualifier = sorted(hedges[hedge])[0] if hedge else "exact"
    return (str(int(value)) if value.is_integer() else str(value)), qualifier


def parse_date(mention: CorpusMention, published: str) -> tuple[str, str, str, str]:
    """(ISO date, precision, basis, basis note) for a date mention, resolved against the publication date."""
    words = re.findall(r"[a-z]+|\d+", mention.text.lower())
    year = next((w for w in words if re.fullmatch(r"\d{4}", w)), "")
    month = next((number for w in words if (number := lexicon.month_number(w))), None)
    day = next((w for w in words if re.fullmatch(r"\d{1,2}", w)), "")
    published_year = int(published[:4])
    published_month = int(published[5:7]) if len(published) >= 7 else None
    if year and month and day:
        return f"{year}-{month:02d}-{int(day):02d}", "day", "stated", ""
    if year and month:
        return f"{year}-{month:02d}", "month", "stated", ""
    note = f"'{mention.text}' in a text published {published}"
    if month:
        resolved_year = published_year if published_month is None or month <= published_month else published_year - 1
        if day:
            return (f"{resolved_year}-{month:02d}-{int(day):02d}", "day", "relative_to_publication",
                    note + f": {resolved_year}")
        return f"{resolved_year}-{month:02d}", "month", "relative_to_publication", note + f": {resolved_year}"
    if "last year" in mention.text.lower() or "previous year" in mention.text.lower():
        return str(published_year - 1), "year", "relative_to_publication", note
    if "this year" in mention.text.lower():
        return str(published_year), "year", "relative_to_publication", note
    if "next year" in mention.text.lower():
        return str(published_year + 1), "year", "relative_to_publication", note
    return "", "", "relative_to_publication", note + ": resolve by hand"


def evidence_window(text: str, start: int, end: int, limit: int = MAX_WINDOW) -> str:
    """The sentence holding text[start:end], or a window of at most `limit` characters cut at word bounds."""
    sentence_start = max(text.rfind(". ", 0, start) + 2, 0) if text.rfind(". ", 0, start) != -1 else 0
    sentence_end = text.find(". ", end)
    sentence_end = len(text) if sentence_end == -1 else sentence_end + 1
    if sentence_end - sentence_start <= limit:
        return text[sentence_start:sentence_end].strip()
    half = max((limit - (end - start)) // 2, 0)
    left, right = max(sentence_start, start - half), min(sentence_end, end + half)
    while left < start and text[left - 1:left] not in (" ", ""):
        left += 1
    while right > end and text[right:right + 1] not in (" ", ""):
        right -= 1
    return text[left:right].strip()


def recognised_codes(window: str, aliases: Sequence[Alias]) -> list[tuple[str, str]]:
    """(kind, code) of every country and organisation the window names, in order of appearance."""
    folded = fold_case(window)
    found: list[tuple[int, str, str]] = []
    for alias in aliases:
        needle = fold_case(normalise_cased(alias.text))
        for match in re.finditer(rf"(?<![\w-]){re.escape(needle)}(?='s\b|s\b|\b)", folded):
            if not alias.case_sensitive or window[match.start():match.end()] == normalise_cased(alias.text):
                found.append((match.start(), alias.kind, alias.code))
    codes: list[tuple[str, str]] = []
    for _, kind, code in sorted(found):
        if (kind, code) not in codes:
            codes.append((kind, code))
    return codes


def target_seed(mention: CorpusMention) -> str:
    """Where a mention of this kind is most often recorded; the reviewer may move a row to another seed."""
    if mention.kind == "money":
        return "trade_figures"
    if mention.kind in DATE_KINDS or mention.kind == "year":
        return "events"
    if mention.kind in ENTITY_KINDS:
        return "excluded_mentions"
    if mention.kind == "relation":
        return "ties"
    if mention.kind == "stance":
        return "events"  # a refusal, abstention or intent is an event (seeds/vocabulary/event_types.csv)
    return "indicators"


class _FactIds:
    """Next free id per seed and document, following each seed's `<PREFIX>-<doc number>-<nn>` ids."""

    def __init__(self, facts_dir: Path) -> None:
        self.facts_dir = facts_dir
        self.used: dict[str, set[str]] = {}
        self.prefix: dict[str, str] = {}

    def next(self, seed: str, doc_id: str) -> str:
        if seed not in self.used:
            header, rows = _read_rows(self.facts_dir / f"{seed}.csv")
            ids = [row[header[0]] for row in rows]
            self.used[seed] = set(ids)
            self.prefix[seed] = next((i.split("-")[0] for i in ids if i.count("-") == 2), seed[:3].upper())
        number = doc_id.removeprefix("doc_")
        candidate = 1
        while f"{self.prefix[seed]}-{number}-{candidate:02d}" in self.used[seed]:
            candidate += 1
        fact_id = f"{self.prefix[seed]}-{number}-{candidate:02d}"
        self.used[seed].add(fact_id)
        return fact_id


def _suggested_row(seed: str, header: Sequence[str], mention: CorpusMention, text: str, published: str,
                   fact_id: str, aliases: Sequence[Alias], hedges: dict[str, set[str]]) -> dict[str, str]:
    window = evidence_window(text, mention.start, mention.end)
    codes = recognised_codes(window, aliases)
    countries = [code for kind, code in codes if kind == "country"]
    value, qualifier = parse_number(mention, text, hedges)
    proposal: dict[str, str] = {
        header[0]: fact_id, "doc_id": mention.doc_id, "evidence": window, "qualifier": qualifier,
    }
    if seed == "trade_figures":
        proposal |= {"reporter_iso3": countries[0] if countries else "",
                     "partner_iso3": countries[1] if len(countries) > 1 else "", "value_usd": value}
    elif seed == "indicators":
        subject_kind, subject_code = codes[0] if codes else ("", "")
        proposal |= {"subject_code": subject_code, "subject_kind": subject_kind, "value": value,
                     "unit": "pct" if mention.kind == "percent" else "count"}
    elif seed == "ties":
        proposal |= _suggested_tie(mention, countries, published)
    elif seed == "events" and mention.kind == "stance":
        proposal |= {"location_iso3": countries[0] if countries else ""}
    elif seed == "events":
        date, precision, basis, note = parse_date(mention, published) if mention.kind != "year" else (
            mention.text, "year", "stated", "")
        proposal |= {"event_date": date, "event_date_precision": precision, "event_date_basis": basis,
                     "date_basis_note": note, "location_iso3": countries[0] if countries else ""}
    elif seed == "excluded_mentions":
        proposal = {header[0]: fact_id, "doc_id": mention.doc_id, "mention": mention.text, "context": window,
                    "reason": ""}
    return {column: proposal.get(column, "") for column in header}


def _suggested_tie(mention: CorpusMention, countries: Sequence[str], published: str) -> dict[str, str]:
    """A tie between the first two countries of the window, as a present-tense statement dated at publication; the
    reviewer sets tie_kind and the direction (seeds/vocabulary/tie_kinds.csv) and moves a past or dated tie."""
    precision = {1: "year", 2: "month", 3: "day"}[len(published.split("-"))]
    return {"from_code": countries[0] if countries else "", "from_kind": "country" if countries else "",
            "to_code": countries[1] if len(countries) > 1 else "", "to_kind": "country" if len(countries) > 1 else "",
            "is_in_force": "true", "as_of_date": published, "as_of_date_precision": precision,
            "as_of_date_basis": "publication_date",
            "date_basis_note": f"present tense ('{mention.text}') in a text published {published}"}


def suggest(project: Project, doc_id: str, review_dir: Path | None = None) -> dict[str, Path]:
    """Write the review files for one document's uncovered mentions; returns seed -> review file."""
    documents = {row["doc_id"]: row for row in _read_rows(project.seeds_dir / "reference" / "documents.csv")[1]}
    if doc_id not in documents:
        raise IntakeError(f"{doc_id} is not in seeds/reference/documents.csv: add it with `security-ties add-document`")
    review_dir = review_dir or project.root / "review" / doc_id
    result = coverage(project.corpus_dir, project.seeds_dir, [doc_id])
    text = normalise_cased((project.corpus_dir / documents[doc_id]["file_name"]).read_text(encoding="utf-8"))
    aliases = load_aliases(project.seeds_dir)
    hedges = load_hedges(project.seeds_dir)
    ids = _FactIds(project.seeds_dir / "facts")
    by_seed: dict[str, list[dict[str, str]]] = {}
    entities_seen: set[str] = set()
    for mention in result.uncovered:
        if mention.kind in ENTITY_KINDS:
            if mention.code in entities_seen:
                continue  # an entity is covered per document: one row settles every occurrence
            entities_seen.add(mention.code)
        seed = target_seed(mention)
        header, _ = _read_rows(project.seeds_dir / "facts" / f"{seed}.csv")
        row = _suggested_row(seed, header, mention, text, documents[doc_id]["publication_date"],
                             ids.next(seed, doc_id), aliases, hedges)
        by_seed.setdefault(seed, []).append({"accept": "", "mention_kind": mention.kind, "mention": mention.text} | row)
    review_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for seed, rows in by_seed.items():
        header, _ = _read_rows(project.seeds_dir / "facts" / f"{seed}.csv")
        path = review_dir / f"{seed}.csv"
        _write_rows_atomically(path, [*REVIEW_COLUMNS, *header], rows)
        written[seed] = path
    return written


def accept(project: Project, doc_id: str, review_dir: Path | None = None) -> dict[str, int]:
    """Append the rows a person marked `accept` to their seeds, only if the seeds then pass every check."""
    review_dir = review_dir or project.root / "review" / doc_id
    reviews = sorted(review_dir.glob("*.csv")) if review_dir.is_dir() else []
    if not reviews:
        raise IntakeError(f"no review files in {review_dir}: run `security-ties suggest --doc {doc_id}` first")
    staged = Path(tempfile.mkdtemp(prefix="security-ties-accept-"))
    try:
        shutil.copytree(project.seeds_dir, staged / "seeds")
        shutil.copytree(project.root / "macros", staged / "macros")  # the pre-flight knows the project's test macros
        appended: dict[str, int] = {}
        for review in reviews:
            seed_csv = staged / "seeds" / "facts" / review.name
            if not seed_csv.is_file():
                raise IntakeError(f"{review}: there is no seed {review.stem} in seeds/facts/")
            header, rows = _read_rows(seed_csv)
            _, reviewed = _read_rows(review)
            chosen = [row for row in reviewed if row.get("accept", "").strip().lower() in ACCEPTED]
            for line, row in enumerate(reviewed, start=2):
                if row in chosen and row.get("doc_id") != doc_id:
                    raise IntakeError(f"{review}:{line}: doc_id {row.get('doc_id')!r} is not {doc_id}")
            if chosen:
                _write_rows_atomically(seed_csv, header, [*rows, *({c: r.get(c, "") for c in header} for r in chosen)])
                appended[review.stem] = len(chosen)
        if not appended:
            raise IntakeError(f"no row in {review_dir} is marked accept=yes: review the files and mark the rows to add")
        try:
            validate_seeds(staged / "seeds")
        except SeedValidationError as error:
            raise IntakeError(f"the accepted rows do not pass the seed pre-flight; nothing was appended:\n{error}") from error
        _, problems = verify(project.corpus_dir, staged / "seeds")
        if problems:
            listed = "\n".join(f"  - {p}" for p in problems[:20])
            raise IntakeError(f"the accepted rows fail the evidence check; nothing was appended:\n{listed}")
        for seed in appended:
            _replace_from(staged / "seeds" / "facts" / f"{seed}.csv", project.seeds_dir / "facts" / f"{seed}.csv")
        return appended
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _replace_from(source: Path, destination: Path) -> None:
    temporary = destination.with_name(f".{destination.name}.accepting")
    shutil.copyfile(source, temporary)
    os.replace(temporary, destination)


def check_window_is_evidence(corpus: Corpus, doc_id: str, window: str) -> bool:
    """True when verify-evidence would find the window in the document (what every suggestion must satisfy)."""
    return normalise(window) in corpus.text(doc_id)

"""Value-vs-evidence check: every number and stated date of a fact row appears in the row's own quote.

The evidence check proves a quote is in the text; this proves the structured values say what the quote says.
Every integer or double column of a seed that has an `evidence` column is checked (so a new column cannot be
skipped by accident), read by its kind:

- money (`*_usd*`, or an indicator in unit usd): a number in the quote times its scale word
  ("$2.2 billion" -> 2200000000, "$188 million", "roughly $750 million");
- percent (`*_pct*`, or unit pct): a number followed by "%" or "percent";
- year (`year`, `*_year`): a four-digit number in the quote;
- count (anything else: quantity, rank, killed, troops ...): a number, or a number word ("four", "second").

Number words, scale words and month names are read as `lexicon` spells them, the same list coverage and
`suggest` read.

The qualifier must fit the wording in front of the number: "almost $8 billion" is approx or less_than, never
exact; an approx value needs "around", "roughly" ... in the quote. A date whose basis is `stated` must have its
year, month name and day in the quote.

Legitimate exceptions (values derived from other words, like "before 2020" -> 2019, or figures the quote only
implies) are rows of `seeds/reference/value_check_exceptions.csv` (fact id + column + reason). An exception
that is no longer needed, or names a row that does not exist, is reported too, so the list stays honest.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from security_ties.evidence import normalise
from security_ties import lexicon, vocabulary
from security_ties.problems import Located, display_path, listed
from security_ties.seed_check import SeedData, is_numeric_type, number_problem, read_all_seeds
from security_ties.seed_check import date_problem as malformed_date

EXCEPTIONS = Path("reference") / "value_check_exceptions.csv"
EVIDENCE_COLUMN = "evidence"
QUALIFIER_COLUMNS = ("qualifier", "figure_qualifier")

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_PHRASE = re.compile(r"[a-z]+(?: [a-z]+)*")


class ValueCheckError(Exception):
    """Raised when fact values do not appear in their own quotes."""

    def __init__(self, problems: list[Located]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} value(s) not found in their own evidence quote; nothing was built or "
                         f"published:\n{listed(list(problems))}")


@dataclass(frozen=True)
class StatedNumber:
    """A number as a quote states it: its value, the hedge word before it, and whether it is a percentage."""

    value: float
    hedge: str
    is_percent: bool
    is_year_shaped: bool


def load_hedges(seeds_dir: Path) -> dict[str, set[str]]:
    """Hedge phrase -> qualifiers it allows, from the qualifier vocabulary seed's `wording` column (phrases of
    plain words; examples such as "between ... and ..." are skipped). A number with none in front is exact."""
    hedges: dict[str, set[str]] = {}
    for row in vocabulary.rows(seeds_dir, "qualifiers"):
        for phrase in (row.get("wording") or "").split(","):
            if _PHRASE.fullmatch(phrase := phrase.strip().lower()):
                hedges.setdefault(phrase, set()).add(row["qualifier"])
    return hedges


def hedge_before(text: str, start: int, hedges: dict[str, set[str]]) -> str:
    """The hedge phrase right in front of the number at `start` of lower-case `text` ("roughly $"), or ""."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(hedges, key=len, reverse=True))) + r")\s+(?:\$\s*)?$")
    match = pattern.search(text[max(0, start - 24):start])
    return match.group(1) if match else ""


def stated_numbers(quote: str, hedges: dict[str, set[str]]) -> list[StatedNumber]:
    """Every number the quote states, in digits or in words (`lexicon`), also with the scale word after it applied
    ("$2.2 billion" -> 2.2 and 2.2e9, "three million" -> 3 and 3e6)."""
    text = normalise(quote)
    found: list[StatedNumber] = []
    for match in _NUMBER.finditer(text):
        digits = match.group(1).replace(",", "") + (match.group(2) or "")
        number = float(digits)
        rest = text[match.end():]
        hedge = hedge_before(text, match.start(), hedges)
        year_shaped = bool(re.fullmatch(r"\d{4}", digits))
        found.append(StatedNumber(number, hedge, lexicon.percent_after(rest), year_shaped))
        if scale := lexicon.scale_after(rest):
            found.append(StatedNumber(number * scale, hedge, False, False))
    for start, end, values in lexicon.number_words_in(text):
        hedge, is_percent = hedge_before(text, start, hedges), lexicon.percent_after(text[end:])
        found += [StatedNumber(value, hedge, is_percent, False) for value in values]
    return found


def value_kind(column: str, row: dict[str, str]) -> str:
    """money, percent, year or count: how a column's number is written in a quote."""
    unit = row.get("unit", "") if column in ("value", "value_upper") else ""
    if "_usd" in column or column.endswith("usd") or unit == "usd":
        return "money"
    if "_pct" in column or column.endswith("pct") or unit == "pct":
        return "percent"
    if column == "year" or column.endswith("_year"):
        return "year"
    return "count"


def plain(number: float) -> str:
    """A number as a reader writes it in a seed: 2200000000, 2.2 (never 2.2e+09)."""
    return str(int(number)) if number == int(number) else repr(number)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def value_problem(value: float, kind: str, qualifier: str, quote: str,
                  hedges: dict[str, set[str]]) -> str | None:
    """Why `value` is not what the quote states (None when it is)."""
    candidates = [m for m in stated_numbers(quote, hedges) if _same(m.value, value)]
    if kind == "percent":
        candidates = [m for m in candidates if m.is_percent]
    elif kind == "year":
        candidates = [m for m in candidates if m.is_year_shaped]
    if not candidates:
        wanted = {"percent": "as a percentage", "year": "as a year"}.get(kind, "")
        stated = [plain(v) for v in sorted({m.value for m in stated_numbers(quote, hedges)})] or ["none"]
        return f"{plain(value)} is not stated {wanted} in the quote (numbers it states: {', '.join(stated)})".replace("  ", " ")
    if kind == "year" or qualifier in ("", "range"):
        return None
    fitting = [m for m in candidates if (qualifier == "exact" and not m.hedge) or qualifier in hedges.get(m.hedge, ())]
    if fitting:
        return None
    wording = candidates[0].hedge
    if qualifier == "exact":
        return f"{plain(value)} is hedged in the quote ('{wording} ...') but the qualifier is exact"
    return (f"qualifier {qualifier} does not fit the quote's wording "
            f"({'no hedge word in front of ' + plain(value) if not wording else repr(wording) + ' in front of ' + plain(value)})")


def date_problem(value: str, precision: str, quote: str) -> str | None:
    """Why a date stated outright is not in the quote: its year, month name and day must all be there."""
    text = normalise(quote)
    parts = value.split("-")
    missing = []
    if parts[0] not in re.findall(r"\d{4}", text):
        missing.append(f"year {parts[0]}")
    if len(parts) > 1 and precision in ("month", "day"):
        month = lexicon.month_names(int(parts[1]))
        if not re.search(rf"\b{month}", text):
            missing.append(f"month {lexicon.MONTHS[int(parts[1]) - 1][0].capitalize()}")
        elif len(parts) > 2 and precision == "day":
            day = str(int(parts[2]))
            if not re.search(rf"\b{month}\s+{day}\b|\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}", text):
                missing.append(f"day {day}")
    if not missing:
        return None
    return f"{value} has basis 'stated' but the quote does not state its {' and '.join(missing)}"


@dataclass(frozen=True)
class Excuse:
    """One row of the exceptions seed: a value its quote does not state, and why it is still right."""

    line: int
    fact_id: str
    column_name: str
    reason: str


def read_exceptions(path: Path) -> list[Excuse]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return [Excuse(reader.line_num, r["fact_id"], r["column_name"], r["reason"]) for r in reader]


def _row_problems(data: SeedData, hedges: dict[str, set[str]]) -> list[tuple[int, str, str, str]]:
    """(line, fact id, column, problem) for every value of one seed that its quote does not state."""
    types = data.spec.column_types
    numeric = [c for c, t in types.items() if is_numeric_type(t)]
    dates = [c for c in types if f"{c}_precision" in types and f"{c}_basis" in types]
    key = next(iter(types))
    found = []
    for line, row in data.rows:
        quote = row[EVIDENCE_COLUMN]
        qualifier = next((row[c] for c in QUALIFIER_COLUMNS if c in row), "")
        for column in numeric:
            if row[column] == "" or number_problem(row[column], types[column]):
                continue  # empty, or unreadable (the pre-flight names that)
            kind = value_kind(column, row)
            if problem := value_problem(float(row[column]), kind, qualifier, quote, hedges):
                found.append((line, row[key], column, f"{column} {problem}"))
        for column in dates:
            precision = row[f"{column}_precision"]
            if row[column] and row[f"{column}_basis"] == "stated" and not malformed_date(row[column], precision):
                if problem := date_problem(row[column], precision, quote):
                    found.append((line, row[key], column, f"{column} {problem}"))
    return found


def check_values(seeds_dir: Path) -> tuple[int, list[Located]]:
    """(values checked, problems) over every fact seed with an evidence column, minus the listed exceptions."""
    root = seeds_dir.parent
    seeds, _, _ = read_all_seeds(seeds_dir)
    exceptions_path = seeds_dir / EXCEPTIONS
    exceptions = read_exceptions(exceptions_path)
    hedges = load_hedges(seeds_dir)
    excused = {(e.fact_id, e.column_name) for e in exceptions}
    used: set[tuple[str, str]] = set()
    known_cells: set[tuple[str, str]] = set()
    problems: list[Located] = []
    checked = 0
    for data in seeds.values():
        if EVIDENCE_COLUMN not in data.spec.column_types:
            continue
        key = next(iter(data.spec.column_types))
        for _, row in data.rows:
            known_cells.update((row[key], column) for column in data.spec.column_types)
            checked += sum(1 for c, t in data.spec.column_types.items() if row[c] and is_numeric_type(t))
            checked += sum(1 for c in data.spec.column_types if row.get(f"{c}_basis") == "stated" and row[c])
        for line, fact_id, column, message in _row_problems(data, hedges):
            if (fact_id, column) in excused:
                used.add((fact_id, column))
            else:
                problems.append(Located(display_path(data.spec.path, root), line, f"{fact_id}: {message}"))
    where = display_path(exceptions_path, root)
    for exception in exceptions:
        cell = (exception.fact_id, exception.column_name)
        if cell not in known_cells:
            problems.append(Located(where, exception.line, f"exception for {exception.fact_id}.{exception.column_name}: "
                                                           "no such fact row and column; remove the exception"))
        elif cell not in used:
            problems.append(Located(where, exception.line, f"exception for {exception.fact_id}.{exception.column_name} "
                                                           "is no longer needed (the quote states the value); remove it"))
    return checked, problems


def verify_values(seeds_dir: Path) -> int:
    """check_values, raising ValueCheckError on any problem; returns the number of values checked."""
    checked, problems = check_values(seeds_dir)
    if problems:
        raise ValueCheckError(problems)
    return checked

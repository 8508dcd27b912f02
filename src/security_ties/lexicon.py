"""How English texts write numbers, months and scales: the one word list of the value check, the coverage report
and the fact suggestions, so a figure one of them reads ("$3 trillion", "twenty-five", "Feb. 22") the other two
read the same way.

What is here, and who reads it:

- number words: cardinals ("four", "twenty-five"), multiples ("twice"), fractions ("half", "two-thirds"), count
  nouns ("dozen", "hundred") and vague quantities ("dozens", "thousands", a mention that states no single number);
  a number word may carry a scale ("three million");
- ordinals ("second largest", "17th" is digits): a value the value check accepts for a rank, but not a coverage
  mention, because in running text "first" and "second" are mostly sequence words, not quantities;
- scales after a number ("$2.2 billion", "$3 trillion", "5bn", "$40m"), and the words that make a number a
  percentage;
- month names and their abbreviations ("February", "Feb.", "Sept."), and the units of a span of time ("three
  decades").

The hedge words ("about", "almost" ...) are not here: they are the `wording` column of the qualifier vocabulary
seed (`value_check.load_hedges`), the one home of what each qualifier means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CARDINALS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
MULTIPLES: dict[str, int] = {"twice": 2, "thrice": 3}
FRACTIONS: dict[str, float] = {
    "half": 0.5, "a third": 1 / 3, "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25,
    "three-quarters": 0.75, "three quarters": 0.75,
}
COUNT_NOUNS: dict[str, int] = {"dozen": 12, "hundred": 100}
VAGUE_QUANTITIES = ("dozens", "hundreds", "thousands", "millions", "billions")

# a scale after a number multiplies it; spelled-out scales also follow number words ("three million")
SCALE_WORDS: dict[str, float] = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SCALE_ABBREVIATIONS: dict[str, float] = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9}
SCALES: dict[str, float] = SCALE_WORDS | SCALE_ABBREVIATIONS
PERCENT_WORDS = ("%", "percent", "per cent")
# the units of a span of time after a number ("three decades", "two days later")
TIME_UNIT = r"(?:day|week|month|year|decade)s?"

# each month's spellings, the full name first
MONTHS: tuple[tuple[str, ...], ...] = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
)

# "may" is a month only where the text says "May", and an abbreviation ("Feb.") only when capitalised: word as
# folded -> as it must be written
CAPITALISED_MONTH_WORDS: dict[str, str] = {
    name: name.capitalize() for names in MONTHS for name in names if name == "may" or name != names[0]}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation that tries the longest spelling first ("two-thirds" before "two")."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_SCALE_AFTER = re.compile(rf"\s*({_alternation(SCALES)})\b")
_PERCENT_AFTER = re.compile(rf"\s*(?:%|(?:{_alternation(w for w in PERCENT_WORDS if w != '%')})\b)")
_CARDINAL = rf"(?:{_alternation(CARDINALS)})"
_MULTIPLIER = rf"(?:{_alternation(['hundred', *SCALE_WORDS])})"

# a number written in words, in lower case; group `words` holds it without the scale, group `scale` the scale
NUMBER_WORDS = (
    rf"(?:(?P<words>{_alternation([*FRACTIONS, *MULTIPLES, *VAGUE_QUANTITIES, *COUNT_NOUNS])}"
    rf"|{_CARDINAL}(?:[- ]{_CARDINAL})?)(?: (?P<scale>{_MULTIPLIER}))?)"
)
_NUMBER_WORDS = re.compile(rf"\b{NUMBER_WORDS}\b")
_ORDINAL = re.compile(rf"\b({_alternation(ORDINALS)})\b")


def month_names(number: int | None = None) -> str:
    """A regex alternation of every spelling of one month (1-12), or of all months: an abbreviation may end in a
    full stop ("Feb. 22"). Lower case: match it against case-folded text."""
    months = MONTHS if number is None else (MONTHS[number - 1],)
    spellings = [rf"(?:{_alternation(names[0] for names in months)})\b"]
    if short := [name for names in months for name in names[1:]]:
        spellings.append(rf"(?:{_alternation(short)})\b\.?")
    return f"(?:{'|'.join(spellings)})"


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation ("Feb.", "september"), None for any other word."""
    word = word.lower().rstrip(".")
    return next((number for number, names in enumerate(MONTHS, start=1) if word in names), None)


def scale_after(rest: str) -> float | None:
    """The multiplier of the scale word at the start of `rest` (the text right after a number), if any:
    " trillion in 2023" -> 1e12, "bn" -> 1e9."""
    match = _SCALE_AFTER.match(rest.lower())
    return SCALES[match.group(1)] if match else None


def percent_after(rest: str) -> bool:
    """True when the text right after a number makes it a percentage ("%", " percent", " per cent")."""
    return bool(_PERCENT_AFTER.match(rest.lower()))


def word_values(phrase: str) -> list[float]:
    """The numbers a number-word phrase states: "four" -> [4], "twenty-five" -> [25], "three million" -> [3, 3e6],
    "two hundred" -> [2, 200], "half" -> [0.5]; [] for a vague quantity ("dozens") or no number words."""
    match = _NUMBER_WORDS.fullmatch(phrase.lower().strip())
    if match is None or match.group("words") in VAGUE_QUANTITIES:
        return []
    words = match.group("words")
    values = {**FRACTIONS, **MULTIPLES, **COUNT_NOUNS, **CARDINALS}
    value = float(values[words]) if words in values else float(sum(CARDINALS[w] for w in re.split(r"[- ]", words)))
    if scale := match.group("scale"):
        return [value, value * (100 if scale == "hundred" else SCALE_WORDS[scale])]
    return [value]


def number_words_in(text: str) -> list[tuple[int, int, list[float]]]:
    """(start, end, values) of every number written in words in lower-case text, ordinals included."""
    found = [(m.start(), m.end(), word_values(m.group())) for m in _NUMBER_WORDS.finditer(text)]
    found += [(m.start(), m.end(), [float(ORDINALS[m.group(1)])]) for m in _ORDINAL.finditer(text)]
    return found

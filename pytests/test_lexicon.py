"""One lexicon: the coverage report finds, `suggest` proposes and the value check accepts the same numbers, scales
and months, because all three read `security_ties.lexicon` and no other module spells those words."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT
from security_ties import lexicon
from security_ties.intake import parse_date, parse_number
from security_ties.mentions import NUMBER_KINDS, CorpusMention, find_mentions, normalise_cased
from security_ties.value_check import date_problem, load_hedges, stated_numbers, value_problem

HEDGES = load_hedges(ROOT / "seeds")
SOURCE = ROOT / "src" / "security_ties"


def found_by_coverage(sentence: str, kind: str) -> CorpusMention:
    """The one mention of `kind` that coverage finds in the sentence."""
    text = normalise_cased(sentence)
    found = [m for m in find_mentions("doc_x", text) if m.kind == kind]
    assert len(found) == 1, f"coverage finds {[(m.kind, m.text) for m in find_mentions('doc_x', text)]} in {sentence!r}"
    return found[0]


def suggested_number(sentence: str, kind: str) -> tuple[str, str]:
    return parse_number(found_by_coverage(sentence, kind), normalise_cased(sentence), HEDGES)


@pytest.mark.parametrize(("sentence", "value", "kind"), [
    ("Their trade reached $3 trillion in 2023.", 3e12, "money"),
    ("Their trade reached 3 trillion dollars in 2023.", 3e12, "money"),
    ("Exports reached $2.2 billion in 2019.", 2.2e9, "money"),
    ("Exports reached $5bn in 2019.", 5e9, "money"),
    ("The loan was $40m in 2019.", 40e6, "money"),
    ("The loan was $40 mn in 2019.", 40e6, "money"),
    ("The grant was $250k in 2019.", 250e3, "money"),
    ("The grant was $250 thousand in 2019.", 250e3, "money"),
    ("Over three million people fled.", 3e6, "number_word"),
    ("The treaty needs twenty-five signatures.", 25, "number_word"),
    ("The treaty needs twenty five signatures.", 25, "number_word"),
    ("Talks lasted three decades.", 3, "number_word"),
    ("Prices rose twice.", 2, "number_word"),
    ("Two hundred troops stayed.", 200, "number_word"),
    ("They hold half the stock.", 0.5, "number_word"),
    ("They hold two-thirds of the stock.", 2 / 3, "number_word"),
    ("A dozen drones were sold.", 12, "number_word"),
    ("Its share rose to 30 per cent last year.", 30, "percent"),
])
def test_coverage_suggest_and_the_value_check_read_a_figure_alike(sentence: str, value: float, kind: str) -> None:
    suggested, qualifier = suggested_number(sentence, kind)
    assert float(suggested) == pytest.approx(value) and qualifier in ("exact", "more_than")
    value_kind = {"number_word": "count"}.get(kind, kind)
    assert value_problem(value, value_kind, qualifier, sentence, HEDGES) is None


@pytest.mark.parametrize("word", [*lexicon.CARDINALS, *lexicon.MULTIPLES, *lexicon.FRACTIONS, *lexicon.COUNT_NOUNS])
def test_every_number_word_of_the_lexicon_is_found_suggested_and_accepted(word: str) -> None:
    sentence = f"The report counts {word} of them."
    value = float({**lexicon.CARDINALS, **lexicon.MULTIPLES, **lexicon.FRACTIONS, **lexicon.COUNT_NOUNS}[word])
    suggested, qualifier = suggested_number(sentence, "number_word")
    assert float(suggested) == pytest.approx(value) and qualifier == "exact"
    assert value_problem(value, "count", "exact", sentence, HEDGES) is None


@pytest.mark.parametrize("scale", list(lexicon.SCALES))
def test_every_scale_of_the_lexicon_makes_money_for_all_three(scale: str) -> None:
    sentence = f"The deal was worth $7 {scale} in 2021."
    value = 7 * lexicon.SCALES[scale]
    assert found_by_coverage(sentence, "money").text == "7"
    assert suggested_number(sentence, "money") == (str(int(value)), "exact")
    assert value_problem(value, "money", "exact", sentence, HEDGES) is None


@pytest.mark.parametrize("word", lexicon.VAGUE_QUANTITIES)
def test_a_vague_quantity_is_a_mention_but_states_no_number(word: str) -> None:
    sentence = f"The war displaced {word} of families."
    assert suggested_number(sentence, "number_word") == ("", "")
    assert [n.value for n in stated_numbers(sentence, HEDGES)] == []


@pytest.mark.parametrize(("number", "spelling"), [
    (number, spelling) for number, names in enumerate(lexicon.MONTHS, start=1) for spelling in names])
def test_every_month_spelling_is_a_date_for_all_three(number: int, spelling: str) -> None:
    written = spelling.capitalize() + ("." if spelling != lexicon.MONTHS[number - 1][0] else "")
    for sentence in (f"The accord was signed on {written} 22, 2024 in Yerevan.",
                     f"The accord was signed on 22 {written} 2024 in Yerevan."):
        mention = found_by_coverage(sentence, "date")
        assert parse_date(mention, "2024-12-31")[:3] == (f"2024-{number:02d}-22", "day", "stated"), sentence
        assert date_problem(f"2024-{number:02d}-22", "day", sentence) is None
    other = number % 12 + 1
    assert date_problem(f"2024-{other:02d}-22", "day", f"The accord was signed on {written} 22, 2024.") is not None


def test_an_abbreviated_month_in_the_running_text_is_a_date_not_a_bare_day() -> None:
    sentence = "Pashinyan told France 24 on Feb. 22 that Armenia froze its participation."
    mention = found_by_coverage(sentence, "date")
    assert mention.text == "Feb. 22"
    assert parse_date(mention, "2024-03")[:3] == ("2024-02-22", "day", "relative_to_publication")
    assert not [m for m in find_mentions("d", normalise_cased(sentence)) if m.kind == "relative_date"]


def test_an_ordinal_is_a_rank_the_value_check_reads_but_not_a_coverage_mention() -> None:
    sentence = "Russia's second largest military base abroad."
    assert value_problem(2, "count", "exact", sentence, HEDGES) is None
    assert [m.kind for m in find_mentions("d", normalise_cased(sentence)) if m.kind in NUMBER_KINDS] == []


def _word_lists_outside_the_lexicon() -> list[str]:
    """String constants of other modules that spell lexicon words as a table or a regex alternation."""
    words = {*lexicon.CARDINALS, *lexicon.ORDINALS, *lexicon.MULTIPLES, *lexicon.FRACTIONS, *lexicon.COUNT_NOUNS,
             *lexicon.VAGUE_QUANTITIES, *lexicon.SCALES, *(name for names in lexicon.MONTHS for name in names)}
    found = []
    for path in sorted(SOURCE.glob("*.py")):
        if path.name == "lexicon.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" not in node.value:
                members = [token for token in re.split(r"[|()?:\\\s]+", node.value.lower()) if token]
                if (len(node.value) > 1 and node.value.lower() in words) or ("|" in node.value and len(set(members) & words) >= 2):
                    found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
    return found


def test_no_other_module_spells_number_words_months_or_scales() -> None:
    assert _word_lists_outside_the_lexicon() == []

"""Standing ties, refusals and statements of intent: counted as mentions, extracted as rows, and turned into
mart_security_ties (pair, kind, year) with its basis, evidence count and latest text."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from security_ties.mentions import coverage, find_mentions, normalise_cased

FACT_ID = re.compile(r"\b[A-Z]{3}-\d{3}-\d{2}\b")


@pytest.fixture(scope="module")
def query(published_warehouse: Path):
    def run(sql: str) -> pd.DataFrame:
        with duckdb.connect(str(published_warehouse), read_only=True) as connection:
            return connection.execute(sql).df()
    return run


def _years(query, from_iso3: str, to_iso3: str, tie_kind: str) -> set[int]:
    rows = query(f"select year_number from marts.mart_security_ties where from_iso3 = '{from_iso3}' "
                 f"and to_iso3 = '{to_iso3}' and tie_kind = '{tie_kind}'")
    return set(rows.year_number.astype(int))


def test_relation_and_stance_words_are_mentions() -> None:
    text = normalise_cased("Russia, Armenia's ally, guards the border. Minsk has long been an arms supplier to Baku. "
                           "Yerevan declined a mission; Belarus does not intend to worsen relations.")
    found = {(m.kind, m.text) for m in find_mentions("doc_x", text)}
    assert {("relation", "ally"), ("relation", "guards"), ("relation", "supplier"),
            ("stance", "declined"), ("stance", "does not intend")} <= found


def test_relation_and_stance_coverage_is_complete_and_counted(project, corpus_dir: Path) -> None:
    result = coverage(corpus_dir, project.seeds_dir)
    for kind in ("relation", "stance"):
        covered, total = result.by_kind[kind]
        assert total > 10 and covered == total, f"{kind}: {covered}/{total}"
    assert all(result.by_document_kind[(doc, "relation")][1] > 0 for doc in result.by_document)


def test_without_the_ties_seed_relation_mentions_are_uncovered(project, corpus_dir: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    for folder in ("facts", "reference"):
        (seeds / folder).mkdir(parents=True)
        for path in (project.seeds_dir / folder).glob("*.csv"):
            (seeds / folder / path.name).write_bytes(path.read_bytes())
    ties = seeds / "facts" / "ties.csv"
    ties.write_text(ties.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    uncovered = {(m.doc_id, m.text) for m in coverage(corpus_dir, seeds).uncovered if m.kind == "relation"}
    assert ("doc_003", "backer") in uncovered and ("doc_001", "supplier") in uncovered


TIE_OR_STANCE_WORDS = re.compile(
    r"\b(?:ally|allies|allied|backers?|guarantor|arms supplier|supplier|guard(?:s|ed|ing)?|military base|base in"
    r"|reliant on|dependent on|strategic dialogue|rapprochement|declined|refused|refuses|refrain\w*|abstain\w*"
    r"|does not intend|will observe)\b", re.IGNORECASE)
HOLDING_EVENT_TYPES = {"relation", "refusal", "abstention", "intent"}


def test_no_tie_or_stance_lives_only_in_a_note(project) -> None:
    """A note that tells a tie or a refusal beyond its own quote names the row that holds it (a TIE-, EVT- ... id);
    a row that is itself the tie (a relation or stance event and its actors) needs no pointer."""
    rows: list[tuple[str, str, dict[str, str]]] = []
    for path in sorted((project.seeds_dir / "facts").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows += [(path.stem, row.get("fact_id") or row.get("treaty_id") or row.get("claim_id") or "", row)
                     for row in csv.DictReader(handle)]
    known = {fact_id for _, fact_id, _ in rows}
    evidence = {fact_id: row["evidence"] for _, fact_id, row in rows if row.get("evidence")}
    holding = {fact_id for seed, fact_id, row in rows if seed == "events" and row["event_type"] in HOLDING_EVENT_TYPES}
    orphans = []
    for seed, fact_id, row in rows:
        if seed in {"ties", "excluded_mentions", "conflict_resolutions"} or fact_id in holding:
            continue
        own_quote = (row.get("evidence") or evidence.get(fact_id, "")).lower()
        told = [m.group().lower() for m in TIE_OR_STANCE_WORDS.finditer(row.get("note") or "")]
        if [word for word in told if word not in own_quote] and not set(FACT_ID.findall(row["note"])) & known:
            orphans.append(f"{seed} {fact_id}: {row['note']}")
    assert orphans == [], "\n".join(orphans)


def test_refusals_abstentions_and_intents_are_event_types(project) -> None:
    with (project.seeds_dir / "facts" / "events.csv").open(newline="", encoding="utf-8") as handle:
        types = {row["fact_id"]: row["event_type"] for row in csv.DictReader(handle)}
    assert types["EVT-001-49"] == "refusal"  # declined a CSTO monitoring mission
    assert types["EVT-001-51"] == "refusal"  # refused to sign the 2022 declaration as CSTO chairman
    assert types["EVT-001-50"] == "abstention"  # refraining from CSTO meetings and drills
    assert types["EVT-003-24"] == "refusal"  # refuses summits with Russia
    assert types["EVT-001-46"] == types["EVT-001-47"] == "intent"  # Belarus; Kazakhstan observing sanctions
    assert types["EVT-004-03"] == "relation"


def test_armenia_russia_alliance_base_and_arms_supply_in_2024(query) -> None:
    assert 2024 in _years(query, "ARM", "RUS", "alliance")
    assert 2024 in _years(query, "RUS", "ARM", "military_base")
    assert 2024 in _years(query, "RUS", "ARM", "arms_supply")
    # the base is in force from the 1995 treaty's signing, a stated event
    base = query("select year_number, tie_basis from marts.mart_security_ties "
                 "where from_iso3 = 'RUS' and to_iso3 = 'ARM' and tie_kind = 'military_base'")
    assert base.year_number.min() == 1995 and set(base.tie_basis) == {"stated_event"}


def test_belarus_arms_supply_to_azerbaijan_2018_to_2022(query) -> None:
    years = _years(query, "BLR", "AZE", "arms_supply")
    assert {2018, 2019, 2020, 2021, 2022} <= years
    stated = query("select tie_basis, evidence_count, latest_doc_id from marts.mart_security_ties "
                   "where from_iso3 = 'BLR' and to_iso3 = 'AZE' and tie_kind = 'arms_supply' and year_number = 2020")
    # doc_001 (2024, known from 2024-12-31) is known later than doc_004 (June 2024)
    assert stated.tie_basis[0] == "stated_event" and stated.evidence_count[0] >= 2 and stated.latest_doc_id[0] == "doc_001"


def test_iran_backs_armenia(query) -> None:
    backer = query("select tie_basis, latest_doc_id from marts.mart_security_ties "
                   "where from_iso3 = 'IRN' and to_iso3 = 'ARM' and tie_kind = 'backer'")
    assert list(backer.itertuples(index=False, name=None)) == [("attested", "doc_003")]


def test_a_tie_the_text_says_has_ended_gives_no_year(query) -> None:
    # doc_003: Armenia "said no thanks to its security guarantor" (TIE-003-04): no RUS->ARM backer year from it
    backer = query("select year_number from marts.mart_security_ties "
                   "where from_iso3 = 'RUS' and to_iso3 = 'ARM' and tie_kind = 'backer'")
    assert backer.empty


def test_suggest_proposes_a_tie_row_for_an_uncovered_relation_word(project, corpus_dir: Path, tmp_path: Path) -> None:
    from conftest import copy_project
    from security_ties.intake import suggest
    from security_ties.project import Project

    root = copy_project(tmp_path / "project")
    ties = root / "seeds" / "facts" / "ties.csv"
    ties.write_text(ties.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    written = suggest(Project(root=root, corpus_dir=corpus_dir, warehouse_dir=root / "warehouse"), "doc_003",
                      tmp_path / "review")
    with written["ties"].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    backer = next(row for row in rows if row["mention"] == "backer")
    assert backer["fact_id"].startswith("TIE-003-")  # the next free ids, in the order of the text
    assert (backer["mention_kind"], backer["as_of_date"], backer["as_of_date_basis"]) == (
        "relation", "2024-03", "publication_date")
    assert "IRN" in {backer["from_code"], backer["to_code"]}


def _seed_rows(project, name: str) -> list[dict[str, str]]:
    with (project.seeds_dir / "facts" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_reread_fixes_hold(project) -> None:
    treaties = {row["treaty_id"]: row for row in _seed_rows(project, "treaties")}
    assert treaties["rus_arm_gyumri_base_treaty_1995"]["doc_id"] == "doc_001"  # doc_000 never names the treaty
    steps = {row["fact_id"]: row for row in _seed_rows(project, "treaty_events")}
    assert steps["TRE-001-10"]["treaty_id"] == "csto_charter"  # its text names only the charter's Article 4
    actors = {(row["fact_id"], row["actor_code"]): row["role"] for row in _seed_rows(project, "event_actors")}
    assert actors[("EVT-004-03", "AZE")] == "target" and actors[("EVT-004-03", "BLR")] == "initiator"
    exclusions = {row["exclusion_id"]: row for row in _seed_rows(project, "excluded_mentions")}
    # stated ties and facts an exclusion used to hide: each is now a row
    assert not {"EXC-000-12", "EXC-001-11", "EXC-003-24", "EXC-004-01", "EXC-004-04"} & exclusions.keys()
    ties = {row["fact_id"]: row for row in _seed_rows(project, "ties")}
    assert (ties["TIE-000-02"]["tie_kind"], ties["TIE-000-02"]["to_code"]) == ("occupation", "UKR")
    assert {ties[f]["tie_kind"] for f in ("TIE-001-11", "TIE-001-12")} == {"joint_force"}
    assert (ties["TIE-004-02"]["tie_kind"], ties["TIE-004-08"]["tie_kind"]) == ("alliance", "rapprochement")
    # reasons that said something false now say what the text says
    assert "end_date" in exclusions["EXC-001-18"]["reason"]
    assert "Türkiye" in exclusions["EXC-003-23"]["reason"]
    assert "Caesar" in exclusions["EXC-004-03"]["reason"]
    assert "EVT-003-08" in exclusions["EXC-003-22"]["reason"]

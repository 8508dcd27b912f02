"""The coded vocabularies kept as mapping seeds (seeds/vocabulary/*.csv) and the project vars of
dbt_project.yml (the calendar bounds), read for the Python-side checks.

The seeds are the one home of each vocabulary: dbt reads them through staging, the seed pre-flight through
the seeds' YAML relationships, and the Python checks through this module. The calendar bounds live in
dbt_project.yml `vars:`; YAML tests name them as "{{ var('calendar_first_year') }}".
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

VOCABULARY_FOLDER = "vocabulary"
PROJECT_FILE = "dbt_project.yml"


def project_vars(project_root: Path) -> dict[str, Any]:
    """The `vars:` of the project's dbt_project.yml."""
    path = project_root / PROJECT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the project root must hold dbt_project.yml")
    return dict((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("vars") or {})


def calendar_years(project_root: Path) -> tuple[int, int]:
    """(first, last) year of the calendar every dated fact falls in (vars calendar_first_year/_last_year)."""
    variables = project_vars(project_root)
    try:
        return int(variables["calendar_first_year"]), int(variables["calendar_last_year"])
    except KeyError as missing:
        raise KeyError(f"{project_root / PROJECT_FILE} declares no var {missing}; add it under vars:") from None


def rows(seeds_dir: Path, seed: str) -> list[dict[str, str]]:
    """Every row of one vocabulary seed (seeds/vocabulary/<seed>.csv)."""
    path = seeds_dir / VOCABULARY_FOLDER / f"{seed}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"vocabulary seed {path} not found: it is the one home of the {seed} codes; "
                                "restore it from git")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def codes(seeds_dir: Path, seed: str, column: str) -> tuple[str, ...]:
    """The distinct non-empty values of one column of a vocabulary seed, in file order."""
    rows_ = rows(seeds_dir, seed)
    if rows_ and column not in rows_[0]:
        path = seeds_dir / VOCABULARY_FOLDER / f"{seed}.csv"
        raise KeyError(f"{path} has no column {column!r}")
    return tuple(dict.fromkeys(row[column] for row in rows_ if row[column]))


def membership_event_types(seeds_dir: Path) -> tuple[str, ...]:
    """Every membership event type (joined, withdrew, is_member ...)."""
    return codes(seeds_dir, "membership_event_types", "event_type")


def membership_statuses(seeds_dir: Path) -> tuple[str, ...]:
    """Every membership status an event can put a country in (member, partner, ..., former)."""
    return codes(seeds_dir, "membership_event_types", "resulting_status")


def treaty_event_types(seeds_dir: Path) -> tuple[str, ...]:
    """Every treaty event type (signed, in_force, invoked ...)."""
    return codes(seeds_dir, "treaty_event_types", "event_type")


def treaty_lifecycle_stages(seeds_dir: Path) -> tuple[str, ...]:
    """Every lifecycle stage a treaty can be in: named_only, then the event types with a lifecycle_rank, by rank."""
    ranked = [row for row in rows(seeds_dir, "treaty_event_types") if row["lifecycle_rank"]]
    return ("named_only", *(row["event_type"] for row in sorted(ranked, key=lambda row: int(row["lifecycle_rank"]))))

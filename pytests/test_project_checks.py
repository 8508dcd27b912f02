"""The project's conventions hold, and each check can fail: dbt-bouncer (dbt-bouncer.yml) for names,
folders, lineage, descriptions, unique tests, contracts and exposures; project_checks for what it cannot
express (grain tests, seed column descriptions, built-but-undocumented columns, exposure lists)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from security_ties.dbt_runner import target_path as dbt_target_path
from security_ties.project_checks import (
    coverage_summary,
    description_problems,
    exposure_problems,
    grain_problems,
    load_manifest,
    marts,
    marts_named_in,
)

DBT_BOUNCER = Path(sys.executable).parent / "dbt-bouncer"


@pytest.fixture(scope="module")
def manifest(project, published_warehouse: Path) -> dict:
    """The manifest the published warehouse was built from (the build keeps its own dbt target folder)."""
    return load_manifest(dbt_target_path(project) / "manifest.json")


@pytest.fixture(scope="module")
def warehouse_columns(published_warehouse: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(published_warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name in ('raw', 'staging', 'intermediate', 'marts')"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


@pytest.fixture(scope="module")
def readers(project, manifest: dict) -> dict[str, set[str]]:
    """What each exposure's code reads: the report's SQL, and every mart for the exports."""
    report = (project.root / "src" / "security_ties" / "report.py").read_text(encoding="utf-8")
    return {"html_report": marts_named_in(report), "mart_exports": marts(manifest)}


def run_bouncer(project, manifest: dict, folder: Path) -> subprocess.CompletedProcess[str]:
    """dbt-bouncer with the project's config over the given manifest, written to folder/target."""
    (folder / "target").mkdir(parents=True, exist_ok=True)
    (folder / "target" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    config = yaml.safe_load((project.root / "dbt-bouncer.yml").read_text(encoding="utf-8"))
    config["dbt_artifacts_dir"] = str(folder / "target")
    (folder / "dbt-bouncer.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.run([str(DBT_BOUNCER), "--config-file", str(folder / "dbt-bouncer.yml")],
                          cwd=project.root, capture_output=True, text=True, check=False)


def test_every_seed_and_model_has_a_grain_test(manifest: dict) -> None:
    with_grain, nodes, _, _ = coverage_summary(manifest)
    print(f"grain tests: {with_grain}/{nodes} seeds and models")
    assert nodes >= 50
    assert grain_problems(manifest) == []


def test_every_seed_column_and_built_column_is_documented(manifest: dict, warehouse_columns) -> None:
    _, _, documented, columns = coverage_summary(manifest)
    print(f"column descriptions: {documented}/{columns}")
    assert description_problems(manifest, warehouse_columns) == []


def primary_key_test_of(manifest: dict, node_id: str) -> str:
    (test_id,) = [k for k, v in manifest["nodes"].items()
                  if v["resource_type"] == "test" and v.get("attached_node") == node_id
                  and v.get("test_metadata", {}).get("name") == "primary_key"]
    return test_id


def test_removing_a_grain_test_is_caught(manifest: dict) -> None:
    broken = copy.deepcopy(manifest)
    del broken["nodes"][primary_key_test_of(broken, "model.security_ties.fct_trade_flow")]
    assert grain_problems(broken) == ["model fct_trade_flow has no grain test (a primary_key test on its key, or "
                                      "unique_combination where a column of its grain may be null)"]


def test_a_unique_test_on_a_not_null_column_is_no_longer_a_grain_test(manifest: dict) -> None:
    """The old per-column pair (unique + the contract's NOT NULL) does not stand in for the one primary_key test."""
    broken = copy.deepcopy(manifest)
    test_id = primary_key_test_of(broken, "model.security_ties.fct_trade_flow")
    broken["nodes"][test_id]["test_metadata"] = {"name": "unique", "kwargs": {"column_name": "fact_id"}}
    broken["nodes"][test_id]["column_name"] = "fact_id"
    assert grain_problems(broken) == ["model fct_trade_flow has no grain test (a primary_key test on its key, or "
                                      "unique_combination where a column of its grain may be null)"]


def test_a_second_primary_key_test_is_caught(manifest: dict) -> None:
    broken = copy.deepcopy(manifest)
    test_id = primary_key_test_of(broken, "seed.security_ties.claims")
    second = copy.deepcopy(broken["nodes"][test_id])
    second["test_metadata"]["kwargs"]["column_names"] = ["doc_id", "subject_code"]
    broken["nodes"][test_id + "_second"] = second
    assert grain_problems(broken) == ["seed claims has 2 primary_key tests (claim_id; doc_id, subject_code); keep one, "
                                      "and test an alternate key with unique or unique_combination"]


def test_a_primary_key_test_other_than_the_contract_key_is_caught(manifest: dict) -> None:
    broken = copy.deepcopy(manifest)
    test_id = primary_key_test_of(broken, "model.security_ties.fct_event_actor")
    broken["nodes"][test_id]["test_metadata"]["kwargs"]["column_names"] = ["fact_id", "actor_code"]
    assert grain_problems(broken) == ["model fct_event_actor: its primary_key test names (fact_id, actor_code), its "
                                      "contract's primary key (event_actor_id)"]


def test_removing_a_seed_column_description_is_caught(manifest: dict, warehouse_columns) -> None:
    broken = copy.deepcopy(manifest)
    broken["nodes"]["seed.security_ties.countries"]["columns"]["iso2"]["description"] = ""
    assert description_problems(broken, warehouse_columns) == ["countries.iso2 has no description"]


def test_an_undocumented_built_column_is_caught(manifest: dict, warehouse_columns) -> None:
    built = {**warehouse_columns, "dim_country": [*warehouse_columns["dim_country"], "capital_city"]}
    assert description_problems(manifest, built) == ["dim_country.capital_city is built but not documented in YAML"]


def test_exposures_list_exactly_the_marts_their_readers_read(manifest: dict, readers) -> None:
    assert len(readers["mart_exports"]) >= 20 and {"fct_membership_spell", "fct_trade_flow"} <= readers["html_report"]
    assert exposure_problems(manifest, readers) == []


def test_a_mart_the_report_starts_reading_must_join_its_exposure(manifest: dict, readers) -> None:
    reading_more = {**readers, "html_report": readers["html_report"] | {"dim_treaty"}}
    assert exposure_problems(manifest, reading_more) == ["exposure html_report does not list dim_treaty, which it reads"]


@pytest.mark.slow
def test_dbt_bouncer_passes_on_the_project(project, manifest: dict, tmp_path: Path) -> None:
    result = run_bouncer(project, manifest, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "All checks passed" in result.stdout


@pytest.mark.slow
def test_dbt_bouncer_catches_a_misnamed_mart_an_undocumented_column_and_a_seed_read_by_a_mart(
        project, manifest: dict, tmp_path: Path) -> None:
    broken = copy.deepcopy(manifest)
    trade = broken["nodes"]["model.security_ties.fct_trade_flow"]
    trade["name"] = "trade_flow"
    broken["nodes"]["model.security_ties.dim_country"]["columns"]["iso2"]["description"] = ""
    broken["nodes"]["model.security_ties.dim_document"]["depends_on"]["nodes"].append("seed.security_ties.documents")
    result = run_bouncer(project, broken, tmp_path)
    assert result.returncode != 0
    failed = result.stdout
    for check in ("check_model_names", "check_model_column_description_populated", "check_lineage_seed_cannot_be_used"):
        assert check in failed, check


# --- one home per code list: seeds/vocabulary ---------------------------------------------------------------

# events.event_type (and fct_event.event_type) keep their list until their own vocabulary seed replaces it.
ACCEPTED_VALUES_LEFT = {("events", "event_type"), ("fct_event", "event_type")}
_QUOTED_LIST = __import__("re").compile(r"""[(\[]\s*((?:['"][A-Za-z_]+['"]\s*,\s*)+['"][A-Za-z_]+['"])\s*,?\s*[)\]]""")


def vocabularies(root: Path) -> dict[str, set[str]]:
    """Each two-column vocabulary seed (code, description) -> its codes."""
    found = {}
    for path in (root / "seeds" / "vocabulary").glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if lines and lines[0].split(",")[1:] == ["description"]:
            found[path.stem] = {line.split(",", 1)[0] for line in lines[1:]}
    return found


def accepted_values_lists(root: Path) -> list[tuple[str, str, str]]:
    """(file, node, column) of every accepted_values test in the models' and seeds' YAML."""
    found = []
    for path in [*(root / "models").rglob("*.yml"), *(root / "seeds").rglob("*.yml")]:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for node in [*(document.get("models") or []), *(document.get("seeds") or [])]:
            for column in node.get("columns") or []:
                for test in column.get("data_tests") or []:
                    if isinstance(test, dict) and "accepted_values" in test:
                        found.append((str(path.relative_to(root)), node["name"], column["name"]))
    return found


def code_lists_outside_their_seed(root: Path) -> list[str]:
    """SQL or Python that writes out two or more codes of one vocabulary as a literal list or tuple."""
    codes = vocabularies(root)
    offenders = []
    sources = [*(root / "models").rglob("*.sql"), *(root / "macros").rglob("*.sql"), *(root / "src").rglob("*.py")]
    for path in sources:
        for match in _QUOTED_LIST.finditer(path.read_text(encoding="utf-8")):
            items = {item.strip().strip("'\"") for item in match.group(1).split(",")}
            for seed, seed_codes in codes.items():
                if len(items & seed_codes) >= 2:
                    offenders.append(f"{path.relative_to(root)}: {sorted(items & seed_codes)} (seeds/vocabulary/{seed}.csv)")
    return offenders


def test_no_accepted_values_list_outside_a_vocabulary_seed(project) -> None:
    """Every coded column is a relationships test to its vocabulary seed, not a list written out in YAML."""
    left = {(node, column) for _, node, column in accepted_values_lists(project.root)}
    assert left <= ACCEPTED_VALUES_LEFT, sorted(left - ACCEPTED_VALUES_LEFT)


# Lists left where they are, each for a stated reason (a rule, not a copy of the vocabulary, or not a code list).
CODE_LISTS_LEFT = {
    "models/marts/mart_trade_partners.sql": "the statuses that count as CSTO membership for the trade question",
    "src/security_ties/mentions.py": "entity kinds plus weapon_system: the kinds of mention, not entity_kinds",
    "src/security_ties/value_check.py": "the column names value/value_upper and the date words, not codes",
    "src/security_ties/synth_facts.py": "the synthetic generator's weighted draws over codes",
}


def test_no_code_list_of_a_vocabulary_in_sql_or_python(project) -> None:
    offenders = [line for line in code_lists_outside_their_seed(project.root)
                 if line.split(":", 1)[0] not in CODE_LISTS_LEFT]
    assert offenders == []


def test_a_code_list_written_out_is_caught(project, tmp_path: Path) -> None:
    for folder in ("seeds/vocabulary", "src", "models", "macros"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "seeds/vocabulary/date_precisions.csv").write_text(
        (project.root / "seeds/vocabulary/date_precisions.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "src" / "rules.py").write_text('PRECISIONS = ("day", "month", "year")\n', encoding="utf-8")
    (tmp_path / "models" / "m.sql").write_text("select 1 where p in ('day', 'month')\n", encoding="utf-8")
    assert sorted(code_lists_outside_their_seed(tmp_path)) == sorted([
        "src/rules.py: ['day', 'month', 'year'] (seeds/vocabulary/date_precisions.csv)",
        "models/m.sql: ['day', 'month'] (seeds/vocabulary/date_precisions.csv)",
    ])

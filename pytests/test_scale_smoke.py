"""CI smoke run of the scale path at 10^4 rows (not timed): `synth` writes deterministic files with the fact
seeds' shapes; the benchmark runs the project of its frozen commit, whatever the working tree's models are; there
the unchanged models build and pass every data test on the synthetic facts through the external Parquet sources,
the same compiled SQL run directly in DuckDB gives the same relations, the hand-written script
(benchmarks/handwritten.sql) builds the same marts and its checks pass on good data and fail on injected
defects, the marts' PRIMARY KEY constraints follow enforce_key_constraints, the analyst queries run, and the
audit is bounded by its row limit. The tests that run the benchmark are marked slow."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import ROOT
from security_ties import audit, frozen, scale, scale_contenders, scale_dbt, synth
from security_ties.project import Project

FACTS = ROOT / "seeds" / "facts"


def table(path: Path) -> list[tuple[object, ...]]:
    with duckdb.connect() as connection:
        return connection.execute(f"select * from read_parquet('{path}') order by all").fetchall()


def test_synth_writes_every_fact_seed_with_its_columns_and_types(tmp_path: Path) -> None:
    written = synth.generate(ROOT, tmp_path, 2_000, seed=7)
    config = yaml.safe_load((FACTS / "_facts__seeds.yml").read_text(encoding="utf-8"))
    assert set(written) == {seed["name"] for seed in config["seeds"]}
    for seed in config["seeds"]:
        with (FACTS / f"{seed['name']}.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        with duckdb.connect() as connection:
            described = connection.execute(f"describe select * from read_parquet('{tmp_path / seed['name']}.parquet')").fetchall()
        assert [row[0] for row in described] == header, seed["name"]
        types = seed["config"]["column_types"]
        assert [row[1].lower() for row in described] == [types[c].lower() for c in header], seed["name"]
        assert written[seed["name"]] > 0


def test_synth_is_deterministic_for_a_seed_and_differs_between_seeds(tmp_path: Path) -> None:
    first, again, other = (synth.generate(ROOT, tmp_path / name, 2_000, seed=seed)
                           for name, seed in (("a", 1), ("b", 1), ("c", 2)))
    assert first == again == other  # the same row counts
    for name in first:
        assert table(tmp_path / "a" / f"{name}.parquet") == table(tmp_path / "b" / f"{name}.parquet"), name
    assert table(tmp_path / "a" / "trade_figures.parquet") != table(tmp_path / "c" / "trade_figures.parquet")


def test_synth_states_some_facts_twice_and_some_in_conflict(tmp_path: Path) -> None:
    synth.generate(ROOT, tmp_path, 20_000, seed=3)
    with duckdb.connect() as connection:
        restated, conflicting = connection.execute(f"""
            select count(*), count(*) filter (where values_stated > 1) from (
                select count(*) as statements, count(distinct value_usd) as values_stated
                from read_parquet('{tmp_path}/trade_figures.parquet')
                group by reporter_iso3, partner_iso3, partner_org_code, flow, year having count(distinct doc_id) > 1)
        """).fetchone() or (0, 0)
        precisions = {p for (p,) in connection.execute(
            f"select distinct event_date_precision from read_parquet('{tmp_path}/events.parquet')").fetchall()}
    assert restated > 0 and 0 < conflicting < restated
    assert precisions == {"day", "month", "year"}


def test_synth_rejects_a_row_count_too_small(tmp_path: Path) -> None:
    with pytest.raises(synth.SynthError, match="--rows must be at least 100"):
        synth.generate(ROOT, tmp_path, 10)


def git(repository: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-C", str(repository), *arguments], capture_output=True, text=True,
                          check=True).stdout


def tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_benchmark_runs_the_frozen_commit_whatever_the_models_are_today(tmp_path: Path) -> None:
    """A clone whose models changed after the frozen commit (committed and not), and which holds no hand-written
    script, gives the benchmark the same project, file for file, as this repository does."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(clone)], check=True)
    mart = next(iter(sorted((clone / "models" / "marts").rglob("*.sql"))))
    mart.write_text("select 1 as a_model_changed_today\n", encoding="utf-8")
    git(clone, "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "--quiet", "-am", "change a model")
    (clone / "dbt_project.yml").write_text("name: not_committed\n", encoding="utf-8")

    frozen_from_clone = frozen.frozen_project(clone, tmp_path / "work_clone")
    frozen_here = frozen.frozen_project(ROOT, tmp_path / "work_here")
    assert tree(frozen_from_clone) == tree(frozen_here)
    relative = str(mart.relative_to(clone))
    assert tree(frozen_here)[relative] == git(ROOT, "show", f"{frozen.FROZEN_COMMIT}:{relative}").encode()
    assert tree(frozen_here)[relative] != mart.read_bytes()
    assert (frozen_here / scale_contenders.HANDWRITTEN_SCRIPT).is_file()
    assert "not_committed" not in (frozen_here / "dbt_project.yml").read_text(encoding="utf-8")


def test_the_handwritten_script_lives_only_in_the_frozen_commit_named_in_the_docs() -> None:
    assert git(ROOT, "show", f"{frozen.FROZEN_COMMIT}:{scale_contenders.HANDWRITTEN_SCRIPT}"), "the frozen commit has no script"
    assert not (ROOT / scale_contenders.HANDWRITTEN_SCRIPT).exists(), (
        "benchmarks/handwritten.sql is read from frozen.FROZEN_COMMIT; a working-tree copy would be edited in vain: "
        "to measure newer models, restore it, make it mirror them, commit, and move FROZEN_COMMIT to that commit")
    for document in (ROOT / "benchmarks" / "README.md", ROOT / "docs" / "benchmarks.md"):
        assert frozen.FROZEN_COMMIT in document.read_text(encoding="utf-8"), f"{document} names another commit"


def test_a_commit_the_clone_does_not_have_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(frozen.FrozenProjectError, match="git fetch --unshallow"):
        frozen.frozen_project(ROOT, tmp_path, commit="0" * 40)
    assert not any(tmp_path.iterdir())


def fact_seeds(project: Path) -> list[str]:
    config = yaml.safe_load((project / "seeds" / "facts" / "_facts__seeds.yml").read_text(encoding="utf-8"))
    return [seed["name"] for seed in config["seeds"]]


ROWS = 10_000
# Data test kinds dbt runs on the seeds only (their columns' shapes: ISO dates, patterns, codes by kind). The scale
# build does not run seed tests (the facts are Parquet files), so the hand-written script does not replicate them;
# docs/benchmarks.md lists them.
SEED_ONLY_KINDS = {"date_matches_precision", "iso_date", "matches_pattern", "relationships_by_kind"}


@pytest.fixture(scope="module")
def scale_work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scale")


@pytest.fixture(scope="module")
def project(scale_work: Path) -> Path:
    """The frozen project the benchmark runs (extracted into the work folder, as run_scale does)."""
    return frozen.frozen_project(ROOT, scale_work)


@pytest.fixture(scope="module")
def smoke(scale_work: Path) -> scale.ScaleResult:
    return scale.run_scale(ROOT, scale_work, ROWS, seed=0, memory_limit="2GB", duckdb_threads=2, repeats=3)


@pytest.fixture(scope="module")
def run_folder(smoke: scale.ScaleResult, scale_work: Path) -> Path:
    return scale_work / f"rows_{ROWS}"


def handwritten_checks(project: Path, run_folder: Path, facts: Path, database: Path) -> dict[tuple[str, str, str], int]:
    """Run the frozen benchmarks/handwritten.sql on a fresh copy of the seeded file: failing rows per (relation,
    rule, columns)."""
    shutil.copyfile(run_folder / "seeded" / "security_ties.duckdb", database)
    report = scale_contenders.run_handwritten(project / scale_contenders.HANDWRITTEN_SCRIPT, facts, database, "2GB", 2)
    checks = {(relation, rule, columns): failing for relation, rule, columns, failing in report["results"]}
    assert len(checks) == report["checks"], "two checks of the script share a (relation, rule, columns) name"
    return checks


@pytest.fixture(scope="module")
def good_checks(project: Path, run_folder: Path,
                tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], int]:
    return handwritten_checks(project, run_folder, run_folder / "data",
                              tmp_path_factory.mktemp("good") / "security_ties.duckdb")


@pytest.mark.slow
def test_the_models_pass_every_data_test_on_synthetic_facts(smoke: scale.ScaleResult) -> None:
    assert smoke.dbt_tests_failed == 0
    assert smoke.direct_checks_failed == 0


@pytest.mark.slow
def test_the_timed_dbt_build_parsed_partially(smoke: scale.ScaleResult, run_folder: Path) -> None:
    """The first row count of a fresh work folder is warm too (the untimed priming parse left the msgpack the
    build then did not rewrite), and the parse figures are what they claim: the cold one full, the warm one
    partial."""
    assert smoke.dbt_build_parse == "partial"
    assert (run_folder / "target_dbt" / "run_results.json").is_file()
    assert smoke.dbt_parse_warm == "partial"
    assert smoke.dbt_parse_cold_seconds > 0 and smoke.dbt_parse_warm_seconds > 0
    cold = json.loads((run_folder / "target_parse_cold" / "perf_info.json").read_text(encoding="utf-8"))
    assert cold["is_partial_parse_enabled"] is False and cold["parsed_path_count"] == cold["path_count"] > 100


@pytest.mark.slow
def test_another_row_count_in_the_same_work_folder_builds_warm(smoke: scale.ScaleResult, scale_work: Path,
                                                                run_folder: Path, project: Path) -> None:
    """Other data, other folder, same dbt settings: the build still parses partially, by dbt's own debug log (a
    trial with the file log at debug) as well as by the untouched msgpack the timed runs rely on. Negative
    control: the same warm target with other vars (as before: a row count's own data path) parses in full, by
    the log and by perf_info."""
    settings = scale_dbt.dbt_settings(project, scale_work, memory_limit="2GB", duckdb_threads=2, dbt_threads=2,
                                  key_constraints=False)
    profile = (settings.profiles_dir / "profiles.yml").read_text(encoding="utf-8")
    assert "rows_" not in settings.variables + profile + str(settings.target)
    other = scale_dbt.prepare_rows(project, scale_work, 2_000, seed=1, memory_limit="2GB", duckdb_threads=2, dbt_threads=2)
    try:
        database = other.folder / "dbt" / "security_ties.duckdb"
        database.parent.mkdir()
        built = scale_dbt.dbt_build(settings, other, database, "dbt", debug_log=True)
        assert built.measured.returncode == 0 and built.failed == 0, built.measured.stdout[-2000:]
        assert built.logged_parse == "partial"
        assert built.parse == "partial"
        target = other.folder / "target_other_vars"
        shutil.copytree(settings.target, target)
        changed = scale_dbt.DbtSettings(settings.executable, settings.root, scale_work, settings.profiles_dir, target,
                                    json.dumps({"facts_location": str(other.data / "{name}.parquet"),
                                                "enforce_key_constraints": False}))
        log = other.folder / "logs" / "other_vars"
        parsed = scale_dbt.dbt_parse(changed, log, debug_log=True)
        assert parsed.mode.startswith("full")
        assert scale_dbt.parse_mode(log).startswith("full: Unable to do partial parsing because config vars")
    finally:
        scale_dbt.point_current(scale_work, run_folder)  # the other tests read the smoke run's files through it


@pytest.mark.slow
def test_the_direct_duckdb_run_builds_the_same_relations_as_dbt(smoke: scale.ScaleResult) -> None:
    assert smoke.relations > 30
    assert smoke.rows_differ == []


@pytest.mark.slow
def test_the_handwritten_script_builds_every_mart_identical_to_dbt(smoke: scale.ScaleResult, run_folder: Path) -> None:
    with duckdb.connect(str(run_folder / "dbt" / "security_ties.duckdb"), read_only=True) as connection:
        (marts,) = connection.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts'").fetchone() or (0,)
    assert marts >= 25
    assert smoke.marts_compared == marts + 1  # every table of marts, and membership_as_of on the as-of query
    assert smoke.marts_differ == []


@pytest.mark.slow
def test_the_handwritten_checks_all_pass_on_good_data(smoke: scale.ScaleResult,
                                                      good_checks: dict[tuple[str, str, str], int]) -> None:
    assert smoke.handwritten_checks == len(good_checks) > 600
    assert smoke.handwritten_checks_failed == 0
    assert [check for check, failing in good_checks.items() if failing] == []


@pytest.mark.slow
def test_a_handwritten_check_fails_when_a_defect_is_injected(project: Path, run_folder: Path, tmp_path: Path,
                                                             good_checks: dict[tuple[str, str, str], int]) -> None:
    facts = tmp_path / "data"
    shutil.copytree(run_folder / "data", facts)
    with duckdb.connect() as connection:
        def rewrite(name: str, query: str) -> None:
            source = facts / f"{name}.parquet"
            connection.execute(f"create or replace table staged as select * from read_parquet('{source}')")
            connection.execute(f"copy ({query}) to '{source}' (format parquet)")

        # a duplicated key (a trade figure stated twice under one id) and a code outside the accepted values
        rewrite("trade_figures", "select * from staged union all (select * from staged order by fact_id limit 1)")
        rewrite("trade_figures", "select * replace (case when fact_id = (select max(fact_id) from staged) "
                                 "then 'barter' else flow end as flow) from staged")
        # a document that does not exist, and a missing key
        rewrite("events", "select * replace (case when fact_id = (select min(fact_id) from staged) "
                          "then 'doc_999' else doc_id end as doc_id) from staged")
        rewrite("events", "select * replace (case when fact_id = (select max(fact_id) from staged) "
                          "then null else fact_id end as fact_id) from staged")
    checks = handwritten_checks(project, run_folder, facts, tmp_path / "security_ties.duckdb")
    expected = [("fct_trade_flow", "unique", "fact_id"), ("trade_figures", "unique", "fact_id"),
                ("fct_trade_flow", "accepted_values", "flow"),
                ("fct_event", "relationships", "doc_id -> dim_document.doc_id"),
                ("events", "relationships", "doc_id -> documents.doc_id"),
                ("fct_event", "not_null", "fact_id")]
    for check in expected:
        assert good_checks[check] == 0, check
        assert checks[check] > 0, f"{check} did not catch the injected defect"


@pytest.mark.slow
def test_the_handwritten_script_matches_dbt_on_the_curated_facts(project: Path, run_folder: Path, tmp_path: Path) -> None:
    """The curated fact seeds (membership lineage, attested spells, real conflicts) as the script's Parquet input:
    the same marts as dbt's build of the same seeds, and every check passes."""
    seeded = run_folder / "seeded" / "security_ties.duckdb"
    facts = tmp_path / "facts"
    facts.mkdir()
    with duckdb.connect(str(seeded), read_only=True) as connection:
        for name in fact_seeds(project):
            connection.execute(f"copy raw.{name} to '{facts / name}.parquet' (format parquet)")
    dbt_db, handwritten_db = tmp_path / "dbt" / "security_ties.duckdb", tmp_path / "handwritten" / "security_ties.duckdb"
    for copy in (dbt_db, handwritten_db):
        copy.parent.mkdir()
        shutil.copyfile(seeded, copy)
    profile = scale_dbt.write_profile(tmp_path / "profile", dbt_db, "2GB", 2, 2)
    built = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--select", "resource_type:model",
                            "--exclude", "resource_type:unit_test", "--profiles-dir", str(profile), "--log-level", "warn"],
                           cwd=project, env={**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target")},
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    report = scale_contenders.run_handwritten(project / scale_contenders.HANDWRITTEN_SCRIPT, facts, handwritten_db,
                                              "2GB", 2)
    assert report["failing"] == []
    differ, compared = scale_contenders.compare_marts(dbt_db, handwritten_db)
    assert compared >= 26 and differ == []


def _dbt_tests(manifest: dict, schemas: set[str]) -> dict[str, list[tuple[str, str | None]]]:
    """dbt's data tests by the relation they test (attached node, or the one relation a singular test is named
    after) in the given schemas: (kind, column) pairs; a singular test's kind is its name after '__'."""
    nodes = manifest["nodes"]
    found: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for test in (n for n in nodes.values() if n["resource_type"] == "test"):
        metadata = test.get("test_metadata") or {}
        if metadata:
            parent = nodes.get(test.get("attached_node") or "")
            if parent and parent["schema"] in schemas:
                found[parent["name"]].append((metadata["name"], (metadata.get("kwargs") or {}).get("column_name")))
        else:
            relation, _, rule = test["name"].removeprefix("test_").partition("__")
            if any(nodes.get(uid, {}).get("name") == relation and nodes[uid]["schema"] in schemas
                   for uid in test["depends_on"]["nodes"]):
                found[relation].append((rule, None))
    return found


@pytest.mark.slow
def test_the_handwritten_checks_cover_every_data_test_dbt_runs_on_the_marts(
        run_folder: Path, good_checks: dict[tuple[str, str, str], int]) -> None:
    manifest = json.loads((run_folder / "target_dbt" / "manifest.json").read_text(encoding="utf-8"))
    dbt_tests = _dbt_tests(manifest, {"marts"})
    assert len(dbt_tests) >= 25 and sum(map(len, dbt_tests.values())) > 400
    script: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for relation, rule, columns in good_checks:
        script[relation].append((rule, columns))
    for relation, tests in dbt_tests.items():
        assert len(script[relation]) >= len(tests), relation  # at least one check per dbt test
        for kind, column in tests:
            assert any(rule == kind and (column is None or columns == column or columns.startswith(f"{column} "))
                       for rule, columns in script[relation]), f"{relation}: no {kind} check on {column}"
    # every kind of test on the seeds is replicated, but for the seed-only kinds the scale build does not run
    seed_kinds = {kind for tests in _dbt_tests(manifest, {"raw"}).values() for kind, _ in tests}
    script_kinds = {rule for rule, _ in (c for checks in script.values() for c in checks)}
    assert seed_kinds - script_kinds == SEED_ONLY_KINDS
    mart_kinds = {kind for tests in dbt_tests.values() for kind, _ in tests}
    assert mart_kinds <= script_kinds


@pytest.mark.slow
def test_the_primary_keys_follow_enforce_key_constraints(project: Path, run_folder: Path, tmp_path: Path) -> None:
    """Off in the benchmark's build (the var false): NOT NULL kept, no PRIMARY KEY. On by default: one small mart
    built with the project's vars as they are has its key."""
    def constraints(database: Path, table: str | None = None) -> set[str]:
        with duckdb.connect(str(database), read_only=True) as connection:
            return {kind for (kind,) in connection.execute(
                "select distinct constraint_type from duckdb_constraints() where schema_name = 'marts' "
                "and (? is null or table_name = ?)", [table, table]).fetchall()}

    assert constraints(run_folder / "dbt" / "security_ties.duckdb") == {"NOT NULL"}
    database = tmp_path / "security_ties.duckdb"
    shutil.copyfile(run_folder / "seeded" / "security_ties.duckdb", database)
    profile = scale_dbt.write_profile(tmp_path / "profile", database, "1GB", 2, 2)
    dbt = str(Path(sys.executable).parent / "dbt")
    built = subprocess.run([dbt, "run", "--select", "+dim_qualifier", "--profiles-dir", str(profile), "--log-level", "warn"],
                           cwd=project, env={**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target")},
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert constraints(database, "dim_qualifier") == {"NOT NULL", "PRIMARY KEY"}


@pytest.mark.slow
def test_the_analyst_queries_and_the_audit_run_at_scale(smoke: scale.ScaleResult) -> None:
    assert set(smoke.query_p95_ms) == set(scale_contenders.QUERIES)
    assert smoke.audit_failed == 0
    assert smoke.dbt_peak_mb > 0 and smoke.direct_peak_mb > 0 and smoke.handwritten_peak_mb > 0


@pytest.mark.slow
def test_the_audit_reads_at_most_its_row_limit_per_mart(project: Path, run_folder: Path) -> None:
    database = run_folder / "dbt" / "security_ties.duckdb"
    limit = 500
    batches = audit.read_marts(database, list(audit.load_contracts(project)), limit)
    assert batches.counted_in_duckdb, "no mart above the limit: the bound was not exercised"
    assert all(len(frame) <= limit for frame in batches.frames.values())
    assert not set(batches.frames) & set(batches.counted_in_duckdb)
    # today's row-count rules (this checkout's vars and contracts) on the frozen marts above the limit
    today = Project.from_environment(ROOT)
    results = audit.run_checkpoint(today, database, docs=False, row_limit=limit,
                                     tables=sorted(batches.counted_in_duckdb))
    assert {r.table for r in results} == set(batches.counted_in_duckdb) & set(audit.suite_tables(today))
    assert all(r.passed == 1 for r in results)  # the row count, checked in DuckDB
    assert all(r.success for r in results), [f for r in results for f in r.failures]


def test_a_sampled_mart_still_has_its_row_count_checked_in_full() -> None:
    counts = audit.row_counts(ROOT)
    assert audit._row_count_problems("dim_date", 14_610, counts) == []
    assert "row count 14611 outside 14610..14610" in audit._row_count_problems("dim_date", 14_611, counts)[0]
    assert "row count 4 outside 5..any" in audit._row_count_problems("dim_document", 4, counts)[0]

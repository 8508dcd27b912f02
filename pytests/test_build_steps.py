"""The build's orchestration in small pieces: the step timer, the completeness check over dbt's steps, the
split of the tests into parallel parts, a `--changed` build's choice of tests, the benchmark's breakdown and
dbt's node counter."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from security_ties.bench import STEP_ORDER, breakdown
from security_ties.build import DBT_STEPS, step_results, unrun_nodes
from security_ties.dbt_session import (
    FULL_STEPS, TESTS_ARGUMENTS, TESTS_STEP, Counter, changed_steps, chosen_tests, fingerprint_relations, part_count,
    rows_only, seeds_with_new_content, split,
)
from security_ties.steps import Progress

ROOT = Path(__file__).resolve().parents[1]


def write_results(target: Path, step: str, results: list[dict[str, object]]) -> None:
    (target / f"run_results.{step}.json").write_text(json.dumps({"results": results}), encoding="utf-8")


def test_progress_prints_each_step_start_and_end_with_its_time_and_keeps_it() -> None:
    stream = io.StringIO()
    progress = Progress(stream=stream)
    with progress.step("pre-flight"):
        pass
    with pytest.raises(RuntimeError), progress.step("dbt"):
        raise RuntimeError("boom")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[pre-flight] started" and lines[1].startswith("[pre-flight] done in ")
    assert lines[2] == "[dbt] started" and lines[3].startswith("[dbt] FAILED after ")
    assert set(progress.timings) == {"pre-flight", "dbt"}


def test_quiet_progress_prints_nothing_but_keeps_the_times() -> None:
    stream = io.StringIO()
    progress = Progress(quiet=True, stream=stream)
    with progress.step("audit"):
        progress.suite_counter(1, 21, "dim_country")
    assert stream.getvalue() == "" and "audit" in progress.timings


def test_a_node_that_no_dbt_step_ran_is_reported(tmp_path: Path) -> None:
    manifest = {"nodes": {"seed.p.countries": {}, "model.p.stg": {}, "test.p.orphan": {}, "analysis.p.a": {}},
                "unit_tests": {"unit_test.p.stg.case": {}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_results(tmp_path, "seeds", [{"unique_id": "seed.p.countries", "status": "success"}])
    write_results(tmp_path, "models", [{"unique_id": "model.p.stg", "status": "success"},
                                       {"unique_id": "unit_test.p.stg.case", "status": "pass"}])
    assert unrun_nodes(tmp_path, step_results(tmp_path)) == ["test.p.orphan"]


def test_the_seeds_load_then_the_models_build_then_every_test_runs() -> None:
    assert [name for name, _ in FULL_STEPS] + [TESTS_STEP] == list(DBT_STEPS) == ["seeds", "models", "tests"]
    seeds, models = (arguments for _, arguments in FULL_STEPS)
    assert seeds[seeds.index("--select") + 1] == "resource_type:seed"
    excluded = models[models.index("--exclude") + 1:]
    assert excluded == ["resource_type:seed", "resource_type:test", "resource_type:unit_test"]
    assert TESTS_ARGUMENTS[TESTS_ARGUMENTS.index("--select") + 1:] == ["resource_type:test", "resource_type:unit_test"]


def test_the_tests_are_split_into_parts_that_cover_each_test_once() -> None:
    tests = [f"test.p.{kind}_{index}" for kind in ("not_null", "unique", "relationships") for index in range(7)]
    parts = split(tests, 2)
    assert sorted(parts[0] + parts[1]) == sorted(tests) and not set(parts[0]) & set(parts[1])
    assert {len(part) for part in parts} == {10, 11}
    assert all(any(uid.startswith(f"test.p.{kind}") for uid in part) for part in parts
               for kind in ("not_null", "unique", "relationships"))
    assert split(tests[:1], 4) == [tests[:1]]  # never an empty part


def manifest_of(tests: dict[str, list[str]], seeds: dict[str, str]) -> SimpleNamespace:
    nodes = {uid: SimpleNamespace(resource_type="test", depends_on=SimpleNamespace(nodes=parents))
             for uid, parents in tests.items() if uid.startswith("test.")}
    nodes |= {uid: SimpleNamespace(resource_type="seed", alias=alias) for uid, alias in seeds.items()}
    units = {uid: SimpleNamespace(depends_on=SimpleNamespace(nodes=parents))
             for uid, parents in tests.items() if uid.startswith("unit_test.")}
    sources = {f"source.p.raw.{alias}": SimpleNamespace(identifier=alias) for alias in seeds.values()}
    return SimpleNamespace(nodes=nodes, unit_tests=units, sources=sources)


def test_a_changed_build_runs_the_tests_of_what_it_rebuilt_and_the_modified_tests() -> None:
    manifest = manifest_of({"test.p.on_seed": ["seed.p.trade"], "test.p.on_source": ["source.p.raw.trade"],
                            "test.p.on_model": ["model.p.fct"], "test.p.across": ["model.p.dim", "model.p.fct"],
                            "test.p.elsewhere": ["model.p.dim"], "test.p.edited": ["model.p.dim"],
                            "unit_test.p.fct.case": ["model.p.fct"], "unit_test.p.dim.case": ["model.p.dim"]},
                           {"seed.p.trade": "trade", "seed.p.other": "other"})
    built = {"seed.p.trade", "model.p.fct"}
    chosen = chosen_tests(manifest, "changed", built, modified={"seed.p.trade", "test.p.edited"})
    assert chosen == ["test.p.across", "test.p.edited", "test.p.on_model", "test.p.on_seed", "test.p.on_source",
                      "unit_test.p.fct.case"]
    assert len(chosen_tests(manifest, "full", set(), set())) == 8


def test_a_seed_row_edit_leaves_the_unit_tests_out_a_code_edit_runs_them() -> None:
    manifest = manifest_of({"test.p.on_model": ["model.p.fct"], "unit_test.p.fct.case": ["model.p.fct"]},
                           {"seed.p.trade": "trade"})
    built = {"seed.p.trade", "model.p.fct"}
    rows_edited = chosen_tests(manifest, "changed", built, {"seed.p.trade"}, rows_changed_only=True)
    assert rows_edited == ["test.p.on_model"]  # a unit test reads fixtures, not the edited rows
    assert chosen_tests(manifest, "changed", built, {"seed.p.trade"}) == ["test.p.on_model", "unit_test.p.fct.case"]


def test_a_changed_build_does_not_rerun_tests_that_read_only_relations_rebuilt_with_the_same_content() -> None:
    manifest = manifest_of({"test.p.on_fct": ["model.p.fct"], "test.p.on_dim": ["model.p.dim"],
                            "test.p.across": ["model.p.dim", "model.p.fct"], "test.p.on_source": ["source.p.raw.trade"],
                            "test.p.edited": ["model.p.dim"]},
                           {"seed.p.trade": "trade"})
    built = {"seed.p.trade", "model.p.fct", "model.p.dim"}
    unchanged = {"model.p.dim"}  # rebuilt, but its fingerprint is the published one
    chosen = chosen_tests(manifest, "changed", built - unchanged, {"seed.p.trade", "test.p.edited"}, True)
    assert chosen == ["test.p.across", "test.p.edited", "test.p.on_fct", "test.p.on_source"]  # a modified test always runs
    seed_unchanged = chosen_tests(manifest, "changed", {"model.p.fct"}, {"seed.p.trade"}, True)
    assert "test.p.on_source" not in seed_unchanged  # the seed reloaded with the same rows: its source is as published


CLOCK_OR_CHANCE = re.compile(r"current_date|current_timestamp|\bnow\s*\(|\btoday\b|random\s*\(|uuid|run_started_at|"
                             r"invocation_id|modules\.datetime", re.IGNORECASE)


def test_no_model_macro_or_test_reads_the_clock_or_chance_which_changed_builds_rely_on() -> None:
    """A `--changed` build does not re-run a test whose inputs are as published (unchanged or rebuilt with the
    same fingerprint): that is only sound while a test's result depends on nothing but its SQL and its rows."""
    sql = [path for folder in ("models", "macros", "tests") for path in (ROOT / folder).rglob("*.sql")]
    yml = [path for folder in ("models", "seeds") for path in (ROOT / folder).rglob("*.yml")]
    assert len(sql) > 50
    readers = [str(path.relative_to(ROOT)) for path in [*sql, *yml] if CLOCK_OR_CHANCE.search(path.read_text(encoding="utf-8"))]
    assert not readers, f"these read the clock or chance; --changed would have to re-run their tests: {readers}"


def fingerprints_of(folder: Path, values: str, value_type: str = "double") -> dict[str, Any]:
    """The fingerprints of a seed table holding `values`, of a view over it, and of a relation that is not there."""
    folder.mkdir()
    with duckdb.connect(str(folder / "w.duckdb")) as connection:
        connection.execute("create schema raw; create schema marts")
        connection.execute(f"create table raw.trade (fact_id varchar, value {value_type})")
        connection.execute(f"insert into raw.trade values {values}")
        connection.execute("create view marts.trade_view as select fact_id, value * 2 as doubled from raw.trade")
    return fingerprint_relations(folder / "w.duckdb", {"seed": ("raw", "trade"), "view": ("marts", "trade_view"),
                                                       "missing": ("marts", "nowhere")})


def test_fingerprints_are_equal_for_the_same_rows_in_any_order_and_differ_for_any_change(tmp_path: Path) -> None:
    rows = "('TRD-1', 2.2), ('TRD-2', 3.5), ('TRD-2', 3.5)"
    same = fingerprints_of(tmp_path / "same", rows)
    assert same == fingerprints_of(tmp_path / "reordered", "('TRD-2', 3.5), ('TRD-1', 2.2), ('TRD-2', 3.5)")
    assert same["missing"] is None and same["seed"][1] == 3
    variants = {"a value": "('TRD-1', 2.3), ('TRD-2', 3.5), ('TRD-2', 3.5)",
                "a duplicate less": "('TRD-1', 2.2), ('TRD-2', 3.5)",
                "a null": "('TRD-1', null), ('TRD-2', 3.5), ('TRD-2', 3.5)"}
    for index, (change, values) in enumerate(variants.items()):
        changed = fingerprints_of(tmp_path / f"variant_{index}", values)
        assert changed["seed"] != same["seed"] and changed["view"] != same["view"], change
    retyped = fingerprints_of(tmp_path / "retyped", rows, "decimal(9, 1)")
    assert retyped["seed"] != same["seed"]  # the same values in another column type


def test_the_seeds_whose_files_changed_load_first_and_the_rest_of_the_changes_after() -> None:
    def seed(name: str, checksum: str) -> SimpleNamespace:
        return SimpleNamespace(unique_id=f"seed.p.{name}", name=name, schema="raw", alias=name,
                               checksum=SimpleNamespace(checksum=checksum), columns={},
                               config=SimpleNamespace(column_types={}, delimiter=","))

    nodes = {"seed.p.trade": seed("trade", "new"), "seed.p.other": seed("other", "same"),
             "seed.p.retyped": seed("retyped", "same"), "model.p.fct": SimpleNamespace(name="fct")}
    sources = {"source.p.facts.trade": SimpleNamespace(source_name="facts", name="trade", schema="raw", identifier="trade")}
    manifest = SimpleNamespace(nodes=nodes, sources=sources, exposures={})
    published = {uid: {"checksum": {"checksum": "same"}, "config": {"column_types": {}, "delimiter": ","}, "columns": {}}
                 for uid in ("seed.p.trade", "seed.p.other", "seed.p.retyped")}
    early = seeds_with_new_content(manifest, published)
    assert [node.name for node in early] == ["trade"]
    steps, only_rows = changed_steps(manifest, {"seed.p.trade", "test.p.t"}, published, {"seed.p.trade"})
    assert steps == [("models", ["build", "--select", "trade+", "source:facts.trade+", "--exclude", "resource_type:seed",
                                 "resource_type:test", "resource_type:unit_test"])] and only_rows
    # a seed dbt finds modified for its configuration, not its file, loads after the listing; a model edit is code
    steps, only_rows = changed_steps(manifest, {"seed.p.trade", "seed.p.retyped", "model.p.fct"}, published,
                                     {"seed.p.trade"})
    assert steps[0] == ("seeds", ["build", "--select", "retyped", "--exclude", "resource_type:test"])
    assert steps[1][1][:4] == ["build", "--select", "fct+", "retyped+"] and not only_rows


def published_seed(column_types: dict[str, str], columns: list[str]) -> dict[str, Any]:
    """The `nodes` of a published manifest holding one seed."""
    node = {"config": {"column_types": column_types, "delimiter": ","}, "columns": {name: {} for name in columns}}
    return {"seed.p.trade": node}


def seed_now(column_types: dict[str, str], columns: list[str]) -> SimpleNamespace:
    return SimpleNamespace(unique_id="seed.p.trade", config=SimpleNamespace(column_types=column_types, delimiter=","),
                           columns={name: None for name in columns})


def test_only_rows_changed_when_a_seed_keeps_its_types_and_columns() -> None:
    types = {"fact_id": "varchar", "value_usd": "double"}
    state = published_seed(types, ["fact_id", "value_usd"])
    assert rows_only([seed_now(types, ["fact_id", "value_usd"])], state)
    assert not rows_only([seed_now({**types, "value_usd": "bigint"}, ["fact_id", "value_usd"])], state)
    assert not rows_only([seed_now({**types, "note": "varchar"}, ["fact_id", "value_usd", "note"])], state)
    state = published_seed({}, [])
    assert not rows_only([SimpleNamespace(unique_id="seed.p.new", config=None, columns={})], state)


def test_the_breakdown_splits_the_dbt_steps_by_node_time(tmp_path: Path) -> None:
    write_results(tmp_path, "seeds", [{"unique_id": "seed.p.a", "execution_time": 3.0}])
    write_results(tmp_path, "models", [{"unique_id": "model.p.m", "execution_time": 2.0}])
    write_results(tmp_path, "tests", [{"unique_id": "test.p.t1", "execution_time": 1.0},
                                      {"unique_id": "test.p.t2", "execution_time": 6.0},
                                      {"unique_id": "unit_test.p.m.u", "execution_time": 3.0}])
    timings = {"pre-flight": 1.0, "values": 0.2, "evidence": 0.5, "dbt": 30.0, "dbt import": 2.5, "dbt parse": 4.0,
               "dbt seeds": 3.0,
               "dbt models": 5.0, "dbt tests": 15.0, "audit": 6.0, "publish": 0.5, "exports": 1.0}
    steps = breakdown(timings, tmp_path)
    assert list(steps) == list(STEP_ORDER)
    assert steps["seeds"] == pytest.approx(3.0) and steps["models"] == pytest.approx(5.0)
    assert steps["tests"] == pytest.approx(15.0 * 7 / 10) and steps["unit tests"] == pytest.approx(15.0 * 3 / 10)
    assert steps["dbt start-up"] == pytest.approx(2.5)  # the session's own measure: it starts beside the pre-flight
    assert steps["values"] == pytest.approx(0.2) and steps["dbt state"] == 0.0


def event(name: str, index: int, total: int, status: str) -> SimpleNamespace:
    return SimpleNamespace(info=SimpleNamespace(name=name, msg=f"{status.upper()} node {index}"),
                           data=SimpleNamespace(index=index, total=total, status=status))


def test_the_node_counter_prints_n_of_total_and_every_failure(capsys: pytest.CaptureFixture[str]) -> None:
    counter = Counter("models", quiet=False)
    counter(event("LogModelResult", 1, 3, "success"))
    counter(event("LogTestResult", 2, 3, "fail"))
    counter(event("LogTestResult", 3, 3, "pass"))
    counter(event("MainReportVersion", 0, 0, ""))  # not a node result
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "  dbt models 1/3"
    assert printed[1] == "  dbt models 2/3 FAIL node 2"
    assert printed[-1] == "  dbt models 3/3"
    assert (counter.done, counter.total, len(counter.failures)) == (3, 3, 1)


def test_the_tests_run_in_one_part_per_core_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECURITY_TIES_TEST_PARTS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert part_count() == 2
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    assert part_count() == 4
    monkeypatch.setenv("SECURITY_TIES_TEST_PARTS", "1")
    assert part_count() == 1
    monkeypatch.setenv("SECURITY_TIES_TEST_PARTS", "two")
    with pytest.raises(ValueError, match="SECURITY_TIES_TEST_PARTS must be a whole number"):
        part_count()

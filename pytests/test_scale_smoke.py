"""CI smoke run of the scale path at 10^4 rows (not timed): `synth` writes deterministic files with the fact
seeds' shapes, the unchanged models build and pass every data test on them through the external Parquet
sources, the same compiled SQL run directly in DuckDB gives the same relations, the analyst queries run,
and the audit is bounded by its row limit."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import ROOT
from security_ties import quality, scale, synth
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


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> scale.ScaleResult:
    return scale.run_scale(ROOT, tmp_path_factory.mktemp("scale"), 10_000, seed=0, memory_limit="2GB",
                           duckdb_threads=2, repeats=3)


def test_the_models_pass_every_data_test_on_synthetic_facts(smoke: scale.ScaleResult) -> None:
    assert smoke.dbt_tests_failed == 0
    assert smoke.direct_checks_failed == 0


def test_the_direct_duckdb_run_builds_the_same_relations_as_dbt(smoke: scale.ScaleResult) -> None:
    assert smoke.relations > 30
    assert smoke.rows_differ == []


def test_the_analyst_queries_and_the_audit_run_at_scale(smoke: scale.ScaleResult) -> None:
    assert set(smoke.query_p95_ms) == set(scale.QUERIES)
    assert smoke.audit_failed == 0
    assert smoke.dbt_peak_mb > 0 and smoke.direct_peak_mb > 0


def test_the_audit_reads_at_most_its_row_limit_per_mart(smoke: scale.ScaleResult, tmp_path_factory) -> None:
    database = next(tmp_path_factory.getbasetemp().glob("scale*/rows_10000/dbt/security_ties.duckdb"))
    limit = 500
    batches = quality.read_marts(database, list(quality.load_contracts(ROOT)), limit)
    assert batches.sampled, "no mart above the limit: the bound was not exercised"
    assert all(len(batches.frames[t]) == limit for t in batches.sampled)
    results = quality.run_checkpoint(Project.from_environment(ROOT), database, docs=False, row_limit=limit,
                                     tables=sorted(batches.sampled))
    assert {r.table for r in results} == set(batches.sampled)
    assert all(r.success for r in results), [f for r in results for f in r.failures]


def test_a_sampled_mart_still_has_its_row_count_checked_in_full() -> None:
    assert quality._row_count_problems("dim_date", 14_610) == []
    assert "row count 14611 outside 14610..14610" in quality._row_count_problems("dim_date", 14_611)[0]
    assert "row count 4 outside 5..any" in quality._row_count_problems("dim_document", 4)[0]

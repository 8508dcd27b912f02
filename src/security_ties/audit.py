"""Great Expectations: the audit of the finished marts, run on every build candidate before it is published.

The suites (`audit_suites`) hold only what no dbt test checks: each mart's volume in the finished file. Every
other rule (contract, keys, codes, ranges, patterns, pair orders, the fact-id shape) is a dbt test on the layer
where the value is born. This module runs the suites on the DuckDB file from the outside with Great
Expectations (GX 1.24): the build runs it on every candidate before publishing (`audit`), and
`security-ties audit` (`make gx-docs`) runs it on demand.

How a run works:
1. Every mart with a suite is read from the DuckDB file, opened read-only, into a DataFrame
   (`con.sql(...).df()`). A mart larger than the row limit (SECURITY_TIES_AUDIT_ROW_LIMIT, default 200,000 rows;
   the real marts hold at most ~15,000) is not handed to GX: its row count is checked in DuckDB instead, so the
   audit's time and memory stay bounded at scale.
2. Each mart's frame is validated against its suite by one validation definition (the frame is the batch
   parameter, so no Parquet round trip). `security-ties audit` does this in the file-backed GX project
   gx/ with result format SUMMARY and builds the static Data Docs site once, at
   gx/uncommitted/data_docs/local_site/index.html (it shows the latest run only; older results are
   removed). Its suites and definitions are output, git-ignored: `audit_suites` is the source.
3. The build's audit (`audit`) runs the same suites in an in-memory context with result format
   BOOLEAN_ONLY and no Data Docs, then validates only the failing marts again with SUMMARY so that the
   error names the observed values: the same expectations, a fraction of the time.
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import html
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import AbstractDataContext, FileDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.datasource.fluent import PandasDatasource

from security_ties.audit_suites import (
    CONTRACTS,
    ROW_COUNTS,
    SCHEMA,
    Contract,
    Problems,
    Suites,
    load_contracts,
    plan,
    row_count_rules,
    row_counts,
    suite_purpose,
    suite_tables,
)
from security_ties.project import Project
from security_ties.warehouse import BuildError

# the suite API that build, cli and the tests reach through this module
__all__ = ["ROW_COUNTS", "TableResult", "audit", "load_contracts", "plan", "read_marts", "row_counts",
           "run_checkpoint", "suite_purpose", "suite_tables", "summary_table"]

GX_FOLDER = "gx"
SOURCE = "marts_frames"
GENERATED = ("expectations", "validation_definitions", "checkpoints")  # re-created by every run
BATCHES = Path("uncommitted") / "batches"  # Parquet batches of earlier versions, removed by every run
RESULTS = Path("uncommitted") / "validations"
DOCS = Path("uncommitted") / "data_docs"
DOCS_INDEX = DOCS / "local_site" / "index.html"
LOCK = Path("uncommitted") / ".run.lock"


@dataclass(frozen=True)
class TableResult:
    """One mart's outcome: how many expectations passed and failed, and which failed (with evidence)."""

    table: str
    success: bool
    passed: int
    failed: int
    failures: list[str] = field(default_factory=list)

# --- running ------------------------------------------------------------------------------------

ROW_LIMIT_VARIABLE = "SECURITY_TIES_AUDIT_ROW_LIMIT"
DEFAULT_ROW_LIMIT = 200_000  # rows read per mart; the real marts hold at most ~15,000, so they are read whole
Progress = Callable[[int, int, str], None]  # (suites done, suites in all, table just validated)


def row_limit_from_environment() -> int | None:
    """The audit's bound on rows read per mart: SECURITY_TIES_AUDIT_ROW_LIMIT (0 = no bound)."""
    value = int(os.environ.get(ROW_LIMIT_VARIABLE, str(DEFAULT_ROW_LIMIT)))
    return value or None


@dataclass(frozen=True)
class Batches:
    """What the audit read from one DuckDB file: every table of the marts schema, the frames to validate, the
    marts above the row limit, whose row count is checked in DuckDB instead (table -> row count), and a name
    for the run."""

    present: list[str]
    frames: dict[str, pd.DataFrame]
    counted_in_duckdb: dict[str, int]
    run_name: str


@contextmanager
def _exclusive(gx_dir: Path) -> Iterator[None]:
    """One run at a time per GX project: runs share the stores and the Data Docs."""
    lock = gx_dir / LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _reset(gx_dir: Path) -> None:
    """Remove what the previous run generated: definitions, batches of older versions, results and Data Docs."""
    for path in [*(gx_dir / name for name in GENERATED), gx_dir / BATCHES, gx_dir / RESULTS, gx_dir / DOCS]:
        shutil.rmtree(path, ignore_errors=True)
    # GX's empty template for config variables: GX re-reads it on every store access (seconds per run)
    (gx_dir / "uncommitted" / "config_variables.yml").unlink(missing_ok=True)


def read_marts(database: Path, tables: Sequence[str], row_limit: int | None = None) -> Batches:
    """Read the marts from the DuckDB file (read-only) as DataFrames. A mart holding more than `row_limit` rows
    is not read: its row count is checked in DuckDB (see `_row_count_problems`), which bounds the audit's time
    and memory at scale; the real marts are far below the default limit."""
    frames: dict[str, pd.DataFrame] = {}
    counted: dict[str, int] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        present = [name for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name", [SCHEMA]
        ).fetchall()]
        for table in sorted(set(tables) & set(present)):
            relation = f'{SCHEMA}."{table}"'
            if row_limit is not None:
                (rows,) = connection.execute(f"select count(*) from {relation}").fetchone() or (0,)
                if rows > row_limit:
                    counted[table] = int(rows)
                    continue
            frames[table] = connection.sql(f"select * from {relation}").df()
        try:
            row = connection.execute("select build_id from meta.build_info").fetchone()
        except duckdb.Error:
            row = None
    return Batches(present, frames, counted, str(row[0]) if row else database.parent.name)


def _row_count_problems(table: str, rows: int, counts: Mapping[str, tuple[int, int | None]]) -> list[str]:
    """The row-count rule of a mart above the row limit, checked in DuckDB on its full count."""
    low, high = counts.get(table, (0, None))
    if rows < low or (high is not None and rows > high):
        return [f"row count {rows} outside {low}..{high if high is not None else 'any'} (checked in DuckDB: the "
                f"mart holds more rows than the audit reads)"]
    return []


def _file_context(gx_dir: Path) -> FileDataContext:
    """The file-backed GX project (for Data Docs), with usage statistics, progress bars and how-to buttons off."""
    context = gx.get_context(mode="file", context_root_dir=str(gx_dir))
    assert isinstance(context, FileDataContext)
    variables = context.variables
    sites = dict(variables.data_docs_sites or {})
    site = dict(sites.get("local_site") or {})
    progress = variables.progress_bars  # a ProgressBarsConfig when set in this process, a dict when read back
    bars = progress.get("globally") if isinstance(progress, dict) else getattr(progress, "globally", True)
    if variables.analytics_enabled is not False or bars is not False or site.get("show_how_to_buttons", True):
        variables.analytics_enabled = False
        variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        variables.data_docs_sites = {**sites, "local_site": {**site, "show_how_to_buttons": False}}
        variables.save()
    return context


def _memory_context() -> AbstractDataContext:
    """An in-memory GX context for the build's audit: nothing is written to disk, so no store round trips."""
    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
                               progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False))
    return gx.get_context(project_config=config, mode="ephemeral")


@contextmanager
def _frame_source(context: AbstractDataContext) -> Iterator[PandasDatasource]:
    """The data source that hands each mart's DataFrame to its validation. GX saves every data source into a
    file project's great_expectations.yml, so the file is put back as it was once the run is over."""
    root = getattr(context, "root_directory", None)
    config = Path(str(root)) / "great_expectations.yml" if root else None
    saved = config.read_bytes() if config and config.is_file() else None
    try:
        yield context.data_sources.add_or_update_pandas(name=SOURCE)
    finally:
        if config and saved is not None:
            config.write_bytes(saved)


def _validate(context: AbstractDataContext, contracts: Mapping[str, Contract], suites: Suites, batches: Batches,
              result_format: str, run_name: str, progress: Progress | None = None,
              ) -> dict[str, ExpectationSuiteValidationResult]:
    """Validate each mart's frame against its suite, one validation definition per mart (results go to the
    context's store, from which Data Docs are built). `progress` hears after each suite."""
    outcomes: dict[str, ExpectationSuiteValidationResult] = {}
    run_id = RunIdentifier(run_name=run_name)
    with _frame_source(context) as source:
        for done, (table, expectations) in enumerate(sorted(suites.items()), start=1):
            batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe(name=table)
            suite = context.suites.add(gx.ExpectationSuite(
                name=table, expectations=[copy.copy(e) for e in expectations],  # an expectation joins one suite only
                notes=f"{contracts[table].description}\n\n{suite_purpose(expectations)} The contract and the data "
                      f"tests of {CONTRACTS}/*.yml and the seed and model YAML are checked by dbt. Generated by "
                      f"src/security_ties/audit_suites.py; edit it, not this suite."
))
            definition = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
            outcomes[table] = definition.run(batch_parameters={"dataframe": batches.frames[table]},
                                             result_format=result_format, run_id=run_id)
            if progress:
                progress(done, len(suites), table)
    return outcomes


def run_checkpoint(project: Project, database: Path, *, gx_dir: Path | None = None, tables: Sequence[str] | None = None,
                   docs: bool = True, progress: Progress | None = None,
                   row_limit: int | None = DEFAULT_ROW_LIMIT) -> list[TableResult]:
    """Validate the marts of the DuckDB file (opened read-only), one suite per mart, and build the Data Docs.
    `gx_dir` defaults to the project's gx/ (tests pass a scratch one). One result per mart with a suite or a
    problem, sorted by table; a mart without a contract or a contract without a mart comes back as a failure.

    `tables` limits the run to some marts (`build --changed` audits only the marts it rebuilt). With
    `docs=False` (the build's audit) the run happens in an in-memory GX context with result format
    BOOLEAN_ONLY, and only failing marts are validated again with SUMMARY for the evidence in the message:
    the same expectations at about half the cost, with nothing written to gx/."""
    if not database.is_file():
        raise FileNotFoundError(f"warehouse file {database} not found: run `security-ties build` first")
    contracts = load_contracts(project.root)
    counts = row_counts(project.root)
    wanted = sorted(contracts) if tables is None else sorted(set(tables) & set(contracts))
    batches = read_marts(database, [t for t in wanted if t in counts and row_count_rules(t, counts)], row_limit)
    suites, problems = plan(contracts, batches.present, project.seeds_dir)
    if tables is not None:  # plan over every mart (its coverage checks need them all), then keep those asked for
        problems = {t: listed for t, listed in problems.items() if t in wanted}
    in_gx = {t: suite for t, suite in suites.items() if t in batches.frames}
    in_duckdb = {t: _row_count_problems(t, rows, counts) for t, rows in batches.counted_in_duckdb.items()}
    if docs:
        gx_dir = (gx_dir or project.root / GX_FOLDER).resolve()
        with _exclusive(gx_dir):
            _reset(gx_dir)
            context = _file_context(gx_dir)
            outcomes = _validate(context, contracts, in_gx, batches, "SUMMARY", batches.run_name, progress)
            context.build_data_docs()
            results = _results(outcomes, problems, in_duckdb)
            _add_plain_index(gx_dir / DOCS_INDEX, batches.run_name, results)
        return results
    outcomes = _validate(_memory_context(), contracts, in_gx, batches, "BOOLEAN_ONLY", batches.run_name, progress)
    failing = {t: in_gx[t] for t, outcome in outcomes.items() if not outcome.success}
    if failing:  # the evidence (observed counts) for the message
        outcomes.update(_validate(_memory_context(), contracts, failing, batches, "SUMMARY", batches.run_name))
    return _results(outcomes, problems, in_duckdb)


def _results(outcomes: Mapping[str, ExpectationSuiteValidationResult], problems: Problems,
             in_duckdb: Mapping[str, list[str]]) -> list[TableResult]:
    """One result per mart: GX's expectations, the row counts checked in DuckDB (one check each) and the problems."""
    results = []
    for table in sorted(set(outcomes) | set(problems) | set(in_duckdb)):
        checked = outcomes[table].results if table in outcomes else []
        counted = in_duckdb.get(table)
        failures = [describe(r) for r in checked if not r.success] + (counted or []) + problems.get(table, [])
        passed = sum(bool(r.success) for r in checked) + (counted == [])
        results.append(TableResult(table, not failures, passed, len(failures), failures))
    return results


def _add_plain_index(index: Path, run_name: str, results: Sequence[TableResult]) -> None:
    """Put a plain-HTML list of the marts at the top of the Data Docs index. GX fills its own index tables
    with JavaScript from CDNs, so offline they stay empty; this list does not need them."""
    site = index.parent
    rows = []
    for r in results:
        pages = sorted(site.glob(f"validations/{r.table}/**/*.html"))
        name = (f'<a href="{pages[0].relative_to(site).as_posix()}">{html.escape(r.table)}</a>' if pages
                else html.escape(r.table))
        rules = f'<a href="expectations/{r.table}.html">rules</a>' if (site / "expectations" / f"{r.table}.html").exists() else ""
        failures = "".join(f"<li>{html.escape(f)}</li>" for f in r.failures)
        rows.append(f"<tr><td>{name}</td><td>{'passed' if r.success else '<b>FAILED</b>'}</td><td>{r.passed}</td>"
                    f"<td>{r.failed}</td><td>{rules}</td><td><ul>{failures}</ul></td></tr>")
    passed, failed = sum(r.passed for r in results), sum(r.failed for r in results)
    section = (
        f'<section id="marts-validated" style="margin:1em 3em"><h3>Marts validated in run {html.escape(run_name)}</h3>'
        f"<p>{len(results)} marts, {passed} expectations passed, {failed} failed.</p>"
        '<table class="table table-sm"><thead><tr><th>mart (validation result)</th><th>result</th><th>passed</th>'
        f'<th>failed</th><th>suite</th><th>failed expectations</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>")
    page = index.read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>", page)
    at = body.end() if body else 0
    index.write_text(page[:at] + section + page[at:], encoding="utf-8")


# --- reporting ----------------------------------------------------------------------------------

def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, (np.datetime64, pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    return repr(value.item() if isinstance(value, np.generic) else value)


def _evidence(result: ExpectationValidationResult) -> str:
    info = result.exception_info or {}
    errors = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    messages = [e.get("exception_message") for e in errors if e.get("raised_exception")]
    if messages:
        return f"error: {messages[0]}"
    outcome = result.result or {}
    mismatched = (outcome.get("details") or {}).get("mismatched")
    if mismatched:
        return "; ".join(f"{k} columns {sorted(v)}" for k, v in mismatched.items() if v)
    if outcome.get("unexpected_count"):
        examples = ", ".join(_show(v) for v in (outcome.get("partial_unexpected_list") or [])[:3])
        return f"{outcome['unexpected_count']} unexpected, e.g. {examples}"
    if "observed_value" in outcome:
        return f"observed {_show(outcome['observed_value'])}"
    return "failed"


def describe(result: ExpectationValidationResult) -> str:
    """A failed expectation as one line: name(columns): rule [what was found]."""
    config = result.expectation_config
    if config is None:
        return f"an expectation without configuration [{_evidence(result)}]"
    kwargs = config.kwargs
    if "column_A" in kwargs:
        target = f"{kwargs['column_A']} {'>=' if kwargs.get('or_equal') else '>'} {kwargs['column_B']}"
    else:
        target = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    name = f"{config.type}({target})" if target else config.type
    rule = f": {config.description}" if config.description else ""
    return f"{name}{rule} [{_evidence(result)}]"


def summary_table(results: Sequence[TableResult]) -> str:
    """Per mart: expectations passed and failed, then each failed expectation on its own line."""
    width = max([len("table"), *(len(r.table) for r in results)])
    lines = [f"{'table':<{width}}  {'passed':>6}  {'failed':>6}", "-" * (width + 16)]
    for r in results:
        lines.append(f"{r.table:<{width}}  {r.passed:>6}  {r.failed:>6}{'' if r.success else '  FAILED'}")
        lines += [f"    - {failure}" for failure in r.failures]
    passed, failed = sum(r.passed for r in results), sum(r.failed for r in results)
    failing = sum(not r.success for r in results)
    lines.append("-" * (width + 16))
    lines.append(f"{len(results)} marts, {passed} expectations passed, {failed} failed"
                 + (f" in {failing} mart(s)" if failing else "") + f"; Data Docs: {GX_FOLDER}/{DOCS_INDEX}")
    return "\n".join(lines)


def audit(candidate: Path, project: Project, *, gx_dir: Path | None = None,
          tables: Sequence[str] | None = None, progress: Progress | None = None) -> dict[str, int]:
    """The build's audit step: validate the candidate file's marts (all, or `tables`) in memory, without Data
    Docs (`security-ties audit` builds them). Returns the expectation counts; raises BuildError naming every
    failing mart and expectation, so nothing is published."""
    results = run_checkpoint(project, candidate, gx_dir=gx_dir, tables=tables,
                             docs=False, progress=progress, row_limit=row_limit_from_environment())
    counts = {"passed": sum(r.passed for r in results), "failed": sum(r.failed for r in results)}
    failing = [r for r in results if not r.success]
    if failing:
        listed = "\n".join(f"  - marts.{r.table}: {failure}" for r in failing for failure in r.failures)
        raise BuildError(f"Great Expectations: {counts['failed']} expectation(s) failed in {len(failing)} mart(s); "
                         f"nothing was published:\n{listed}")
    return counts

"""`security-ties build`: write, audit, publish - one pipeline that reads top to bottom.

DuckDB allows one writer or many readers per file, so a build never writes the published file: it takes the
warehouse folder's lock, repairs what a killed build left, checks the seeds, the values and the quotes in
Python, runs dbt into `builds/candidate/` (dbt_runner.py: seeds, models and data tests, parsed once, the
tests in two parallel parts), audits the candidate's marts with Great Expectations,
records `meta.build_info`, and only then publishes it atomically (publish.py) and exports the marts
(exports.py). Any failure raises BuildError and publishes nothing; the candidate is removed however the build
ends. A build killed with SIGKILL leaves only its candidate folder, removed by the next build, and dbt dies
with it (processes.py).

`--changed` starts from a copy of the published file and lets dbt rebuild what changed since the published
build and everything downstream (`state:modified+` against the manifest saved with it), then audits the models
it rebuilt. Without a published build and its manifest it builds everything and says so.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb

from security_ties import dbt_runner, preflight
from security_ties.processes import BuildInterrupted, stop_on_sigterm
from security_ties.progress import Progress
from security_ties.project import Project
from security_ties.publish import (
    Exporter, new_build_id, prepare_warehouse, publish, published_build_id, record_build_info,
)
from security_ties.warehouse import BuildError, build_lock, candidate_path, remove_stale_candidates

__all__ = ["Auditor", "BuildError", "BuildInterrupted", "BuildResult", "build"]

@dataclass
class BuildResult:
    build_id: str
    published_path: Path
    seed_rows: int
    dbt_counts: dict[str, int]
    quality_summary: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # step -> wall seconds
    published: bool = True  # False when `--changed` found nothing to rebuild


class Auditor(Protocol):
    """The audit step: validate the candidate's marts (all, or only `tables`), raise BuildError on a failure."""

    def __call__(self, candidate: Path, *, tables: Sequence[str] | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> dict[str, int]: ...


def build(project: Project, audit: Auditor | None = None, export: Exporter | None = None, *,
          progress: Progress | None = None, changed: bool = False, threads: int | None = None) -> BuildResult:
    """Check, build, test, audit and publish; any failure raises BuildError and publishes nothing."""
    progress = progress or Progress(quiet=True)
    with build_lock(project), stop_on_sigterm():
        remove_stale_candidates(project)
        with progress.step("warehouse checks"):
            prepare_warehouse(project, export)
        with progress.step("pre-flight"):
            seed_rows = preflight.check_seeds(project)
        with progress.step("values"):
            preflight.check_values(project)
        with progress.step("evidence"):
            preflight.check_evidence(project)
        state = published_state(project, progress) if changed else None
        build_id, candidate = new_build_id(), candidate_path(project)
        candidate.parent.mkdir(parents=True)
        try:
            if state:
                with progress.step("copy published"):
                    shutil.copyfile(project.published_path, candidate)
            with progress.step("dbt"):
                run = run_dbt(project, candidate, state, threads, progress)
            counts = dbt_runner.node_counts(run.results)
            if state and not run.results:
                progress.say("nothing changed since the published build; nothing was published")
                return BuildResult(published_build_id(project.published_path) or build_id, project.published_path,
                                   seed_rows, counts, {}, dict(progress.timings), published=False)
            quality: dict[str, int] = {}
            if audit:
                with progress.step("audit"):
                    tables = dbt_runner.built_models(run.results) if state else None
                    quality = audit(candidate, tables=tables, progress=progress.suite_counter)
            with progress.step("publish"):
                record_build_info(candidate, build_id, project, counts, quality)
                publish(project, candidate, build_id)
                dbt_runner.save_state(project, build_id)
            if export:
                with progress.step("exports"):
                    export_published(project, build_id, export)
        finally:
            shutil.rmtree(candidate.parent, ignore_errors=True)
        return BuildResult(build_id, project.published_path, seed_rows, counts, quality, dict(progress.timings))


def published_state(project: Project, progress: Progress) -> Path | None:
    """The saved dbt manifest of the published build, for `--changed`; None (and why) when there is none."""
    build_id = published_build_id(project.published_path) if project.published_path.exists() else None
    folder = dbt_runner.state_path(project, build_id) if build_id else None
    if folder is not None and (folder / "manifest.json").is_file():
        return folder
    why = ("no published warehouse yet" if not project.published_path.exists()
           else f"{project.published_path} has no meta.build_info" if not build_id
           else f"no saved dbt manifest for the published build {build_id}")
    progress.say(f"--changed: {why}; building everything")
    return None


def run_dbt(project: Project, candidate: Path, state: Path | None, threads: int | None,
            progress: Progress) -> dbt_runner.DbtRun:
    """dbt's build and tests into the candidate; a failed node, or (full build) a node dbt did not run, fails the
    build."""
    started = time.perf_counter()
    run = dbt_runner.run(project, candidate, dbt_runner.build_arguments(state, threads), progress)
    progress.record("dbt start-up", max(0.0, time.perf_counter() - started - run.elapsed))  # import and parse
    if run.returncode != 0:
        listed = "\n".join(f"  - {failure}" for failure in dbt_runner.failed_nodes(run))
        raise BuildError(f"dbt build failed; the published warehouse was not changed:\n{listed}")
    if state is None and (missing := dbt_runner.unrun_nodes(project, run.results)):
        raise BuildError(f"dbt ran but skipped {len(missing)} node(s); nothing was published: {', '.join(missing[:10])}")
    return run


def export_published(project: Project, build_id: str, export: Exporter) -> None:
    """Export the marts of the build just published; a failure here leaves the build published."""
    try:
        export(project, project.published_path, build_id)
    except (OSError, duckdb.Error) as error:
        raise BuildError(f"build {build_id} was published, but exporting the marts failed (exports/current still "
                         f"shows the previous export; `security-ties doctor` re-exports): {error}") from error

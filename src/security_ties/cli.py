"""The security-ties command line: build, check, inspect and roll back the warehouse."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from security_ties import build as build_module
from security_ties import info as info_module
from security_ties import publish
from security_ties.evidence import EvidenceError, verify
from security_ties.intake import IntakeError
from security_ties.mentions import TIE_KINDS, coverage
from security_ties.processes import BuildInterrupted
from security_ties.progress import Progress
from security_ties.project import Project
from security_ties.seed_check import SeedValidationError, validate_seeds
from security_ties.value_check import ValueCheckError, check_values
from security_ties.warehouse import describe_os_error

DESCRIPTION = """\
security-ties: a cited fact warehouse of Armenia's security ties (dbt on DuckDB).

Run every command from the repository's top folder. Paths come from the environment:
  CORPUS_DIR                    the five source texts (default ../shared/corpus)
  SECURITY_TIES_WAREHOUSE_DIR   where the published file lives (default warehouse/)
  SECURITY_TIES_KEEP_RELEASES   how many previous published files to keep (default 3)
"""


def quality_audit(project: Project) -> build_module.Auditor:
    """The build's audit step: the Great Expectations checkpoint on the candidate (see audit.py)."""
    def audit(candidate: Path, **options: Any) -> dict[str, int]:
        from security_ties.audit import audit as audit_marts

        return audit_marts(candidate, project, **options)

    return audit


def command_build(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import exports

    audit = None if arguments.skip_expectations else quality_audit(project)
    progress = Progress(quiet=arguments.quiet)
    result = build_module.build(project, audit=audit, export=exports.export_marts, progress=progress,
                                changed=arguments.changed, threads=arguments.threads)
    if not result.published:
        print(f"nothing changed since build {result.build_id}; {result.published_path} stays as it is")
        return 0
    print(f"published build {result.build_id} -> {result.published_path}")
    print(f"  seed rows validated: {result.seed_rows}")
    print("  dbt: " + ", ".join(f"{k} {v}" for k, v in result.dbt_counts.items()))
    if result.quality_summary:
        print("  expectations: " + ", ".join(f"{k} {v}" for k, v in result.quality_summary.items()))
    if not arguments.quiet:
        print("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items()))
    if arguments.timings_json:
        Path(arguments.timings_json).write_text(json.dumps(result.timings), encoding="utf-8")
    return 0


def command_validate_seeds(project: Project, arguments: argparse.Namespace) -> int:
    rows = validate_seeds(project.seeds_dir)
    print(f"seeds OK: {rows} rows checked against their YAML column_types and tests")
    return 0


def command_verify_evidence(project: Project, arguments: argparse.Namespace) -> int:
    checked, problems = verify(project.corpus_dir, project.seeds_dir)
    for problem in problems:
        print(f"  - {problem}")
    print(f"{checked} quotes checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def command_verify_values(project: Project, arguments: argparse.Namespace) -> int:
    checked, problems = check_values(project.seeds_dir)
    for problem in problems:
        print(f"  - {problem}")
    print(f"{checked} values and stated dates checked against their own quotes, {len(problems)} problem(s)")
    return 1 if problems else 0


def command_doctor(project: Project, arguments: argparse.Namespace) -> int:
    for repair in publish.doctor(project):
        print(f"repaired: {repair}")
    print(info_module.render(project))
    return 0


def command_coverage(project: Project, arguments: argparse.Namespace) -> int:
    result = coverage(project.corpus_dir, project.seeds_dir, arguments.doc or None)
    for mention in result.uncovered:
        print(f"  uncovered: {mention}")
    for kind, (covered, total) in result.by_kind.items():
        print(f"  {kind:<14} {covered:>4}/{total:<4} covered")
    for (doc_id, kind), (covered, total) in result.by_document_kind.items():
        if kind in TIE_KINDS:
            print(f"  {doc_id} {kind:<8} {covered:>4}/{total:<4} covered")
    covered = len(result.mentions) - len(result.uncovered)
    print(f"extraction coverage: {covered}/{len(result.mentions)} mentions = {result.percent:.1f} %")
    if result.uncovered:
        print("next: record each uncovered mention as a fact or an excluded_mentions row with a reason "
              "(`security-ties suggest --doc DOC_ID` prefills them)")
    return 1 if result.uncovered else 0


def command_add_document(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import intake

    added = intake.add_document(
        project, Path(arguments.path), publisher=arguments.publisher, published_on=arguments.published_on,
        url=arguments.url or "", title=arguments.title or "", authors=arguments.authors or "",
    )
    print(f"added {added.doc_id}: {added.corpus_path} (sha256 {added.sha256[:12]}...) and its documents row")
    print(f"next: security-ties coverage --doc {added.doc_id}   # what the text mentions")
    print(f"      security-ties suggest --doc {added.doc_id}    # prefilled rows to review under review/{added.doc_id}/")
    return 0


def command_suggest(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import intake

    review_dir = Path(arguments.review_dir) if arguments.review_dir else None
    if arguments.accept:
        appended = intake.accept(project, arguments.doc, review_dir)
        for seed, count in appended.items():
            print(f"  appended {count} row(s) to seeds/facts/{seed}.csv")
        print("next: security-ties build")
        return 0
    written = intake.suggest(project, arguments.doc, review_dir)
    if not written:
        print(f"{arguments.doc}: every mention is covered; nothing to suggest")
    for seed, path in written.items():
        print(f"  review {path} ({seed})")
    if written:
        print(f"next: edit the rows, set accept=yes on those to keep, then security-ties suggest --doc {arguments.doc} --accept")
    return 0


def command_info(project: Project, arguments: argparse.Namespace) -> int:
    print(info_module.render(project))
    return 0


def command_rollback(project: Project, arguments: argparse.Namespace) -> int:
    restored = publish.rollback(project, arguments.build_id)
    print(f"published release {restored} again -> {project.published_path}")
    return 0


def command_audit(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import audit

    database = Path(arguments.database) if arguments.database else project.published_path
    results = audit.run_checkpoint(project, database)
    print(audit.summary_table(results))
    return 0 if all(r.success for r in results) else 1


def command_report(project: Project, arguments: argparse.Namespace) -> int:
    from security_ties import report

    path = report.write_report(project, project.published_path, Path(arguments.output) if arguments.output else None)
    print(f"report written to {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="security-ties", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Callable[[Project, argparse.Namespace], int], help_text: str,
            aliases: tuple[str, ...] = ()) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, aliases=list(aliases))
        sub.set_defaults(handler=handler)
        return sub

    build = add(
        "build", command_build,
        "Validate the seeds and evidence, dbt build into a new file, run the Great Expectations checkpoint, "
        "then publish it atomically over warehouse/security_ties.duckdb (keeping previous releases) and "
        "export every mart as Parquet and CSV. Any failure publishes nothing.",
    )
    build.add_argument("--skip-expectations", action="store_true", help="do not run the GX checkpoint (debugging only)")
    build.add_argument("--changed", action="store_true",
                       help="on a copy of the published file, rebuild only what changed since the published build and "
                            "everything downstream (dbt state:modified+), with their tests; audit the rebuilt models; "
                            "publish atomically. The full build stays the default and CI's")
    build.add_argument("--threads", type=int, help="dbt threads (default: the profile's)")
    build.add_argument("--quiet", action="store_true", help="print only the result, no progress (for scripts)")
    build.add_argument("--timings-json", help="also write each step's wall seconds to this JSON file (benchmarks)")
    add("validate-seeds", command_validate_seeds,
        "Check every seed row against its YAML (types, dates, keys, codes); errors name file, line and problem.")
    add("verify-evidence", command_verify_evidence,
        "Check that every evidence quote occurs in its document and every document's sha256 matches.")
    coverage_command = add(
        "coverage", command_coverage,
        "List the mentions (numbers in digits and words, money, percentages, dates and relative dates, countries, "
        "organisations, weapon systems) that no fact or exclusion covers, with their context, and the coverage per kind.")
    coverage_command.add_argument("--doc", action="append", help="only this document (repeatable), e.g. doc_005")
    add_document = add(
        "add-document", command_add_document,
        "Add a text to the corpus: checks it (UTF-8, not empty, not a duplicate by sha256, a valid date), copies it "
        "into CORPUS_DIR and appends its documents row; refuses bad input and then changes nothing.")
    add_document.add_argument("path", help="the text file (UTF-8)")
    add_document.add_argument("--publisher", required=True, help="who published the text")
    add_document.add_argument("--published-on", required=True, help="publication date: YYYY-MM-DD, YYYY-MM or YYYY")
    add_document.add_argument("--url", help="where the text was published")
    add_document.add_argument("--title", help="title (default: the text's first line)")
    add_document.add_argument("--authors", help="author names")
    suggest_command = add(
        "suggest", command_suggest,
        "Write review files (review/DOC_ID/<seed>.csv) with a prefilled seed row for every uncovered mention of a "
        "document; with --accept, append the rows marked accept=yes to the seeds (after the pre-flight and the "
        "evidence check pass on them).")
    suggest_command.add_argument("--doc", required=True, help="the document, e.g. doc_005")
    suggest_command.add_argument("--accept", action="store_true", help="append the accepted review rows to the seeds")
    suggest_command.add_argument("--review-dir", help="where the review files are (default review/DOC_ID)")
    add("verify-values", command_verify_values,
        "Check that every numeric fact value (money, percentages, counts, years) and every stated date appears in "
        "its own evidence quote, with a qualifier that fits its wording; exceptions are listed with a reason in "
        "seeds/reference/value_check_exceptions.csv.")
    add("info", command_info, "Print versions, paths, the published build, row counts per table and seed, "
        "the extraction coverage, and warnings (a write-mode holder of the published file, empty release folders, "
        "exports behind the published build).")
    add("doctor", command_doctor, "Repair what a killed build leaves (empty release folders, exports behind the "
        "published build), then print the same as info.")
    rollback = add("rollback", command_rollback, "Publish a kept release again: by default the newest release older than the published one; --build-id picks any kept release.")
    rollback.add_argument("--build-id", help="the release to restore (see `security-ties info`)")
    audit = add("audit", command_audit,
                "Audit the marts: run the Great Expectations checkpoint on every mart and build the Data Docs site.")
    audit.add_argument("--database", help="warehouse file to audit (default: the published one)")
    report = add("report", command_report, "Write the static offline HTML report with charts of the published warehouse.")
    report.add_argument("--output", help="output folder (default reports/)")
    return root


def main(argv: list[str] | None = None) -> int:
    return run_command(parser().parse_args(argv))


def run_command(arguments: argparse.Namespace) -> int:
    """Run the chosen command's handler; every expected error ends in one line on stderr and exit code 1."""
    try:
        project = Project.from_environment()
        return arguments.handler(project, arguments)
    except (build_module.BuildError, SeedValidationError, ValueCheckError, EvidenceError, IntakeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 143 if isinstance(error, BuildInterrupted) else 1
    except OSError as error:  # includes "not the project root" (a FileNotFoundError without a path)
        message = describe_os_error(error) if error.filename else str(error)
        print(f"error: {message}", file=sys.stderr)
        return 1
    except duckdb.Error as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; what was not yet published was discarded (`security-ties info` shows the "
              "published build)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

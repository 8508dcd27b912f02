"""The command line explains itself and fails with messages a user can act on."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, copy_project, run_cli


COMMANDS = {"build", "validate-seeds", "verify-evidence", "coverage", "info", "rollback", "doctor", "audit", "report"}
DEVELOPER_COMMANDS = {"bench", "bench-scale", "synth"}


def listed_commands(help_text: str) -> dict[str, str]:
    """command -> its help text, read from the COMMAND section of `--help` (whole names, not substrings)."""
    section = help_text.split("positional arguments:", 1)[1].split("\noptions:", 1)[0]
    commands: dict[str, str] = {}
    current = None
    for line in section.splitlines():
        entry = re.match(r"^    ([a-z][a-z-]*)(?: \([a-z, -]+\))?(?:\s{2,}(\S.*))?$", line)
        if entry:
            current = entry.group(1)
            commands[current] = entry.group(2) or ""
        elif current and line.startswith(" " * 8) and line.strip():
            commands[current] = f"{commands[current]} {line.strip()}".strip()
    return commands


def test_help_lists_every_command_by_name_with_an_explanation() -> None:
    result = run_cli(ROOT, "--help")
    assert result.returncode == 0
    listed = listed_commands(result.stdout)
    assert sorted(COMMANDS - set(listed)) == []
    for command in COMMANDS:
        assert len(listed[command].split()) >= 5, f"{command}: {listed[command]!r}"


def test_developer_commands_have_their_own_entry_point_out_of_the_analysts_help() -> None:
    assert not DEVELOPER_COMMANDS & set(listed_commands(run_cli(ROOT, "--help").stdout))
    result = run_cli(ROOT, "--help", command="security-ties-dev")
    assert result.returncode == 0
    listed = listed_commands(result.stdout)
    assert set(listed) == DEVELOPER_COMMANDS
    assert all(len(listed[command].split()) >= 5 for command in DEVELOPER_COMMANDS), listed


def test_verify_evidence_without_the_corpus_names_the_folder_and_the_fix(tmp_path: Path) -> None:
    result = run_cli(ROOT, "verify-evidence", env={"CORPUS_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 1
    assert f"corpus folder {tmp_path / 'nowhere'} not found: set CORPUS_DIR" in result.stderr


def test_build_under_ci_without_the_corpus_fails_before_building(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = run_cli(project, "build", env={"CORPUS_DIR": str(tmp_path / "nowhere"), "CI": "true"})
    assert result.returncode == 1
    assert "corpus folder" in result.stderr and "not found" in result.stderr
    assert not (project / "warehouse" / "security_ties.duckdb").exists()


def test_command_outside_the_project_says_where_to_run_it(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "info")
    assert result.returncode == 1
    assert "is not the security-ties project root" in result.stderr


def test_info_prints_versions_seed_rows_coverage_and_table_counts(published_warehouse: Path) -> None:
    result = run_cli(ROOT, "info")
    assert result.returncode == 0
    for expected in ["dbt-core", "duckdb", "facts/trade_figures.csv", "extraction coverage:", "marts.fct_trade_flow", "build_id"]:
        assert expected in result.stdout

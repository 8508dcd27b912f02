"""Shared fixtures: the project, the corpus (required under CI) and the published warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from security_ties.bench import copy_tree
from security_ties.project import Project

ROOT = Path(__file__).resolve().parent.parent

# Modules whose every test builds a warehouse, starts Superset or drives a browser: marked slow here (one
# place, so their owners' files stay as they are); other slow tests carry @pytest.mark.slow themselves.
SLOW_MODULES = {"test_publish", "test_publish_releases", "test_superset", "test_report"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__ in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "spark: needs .venv-spark (pyspark, dbt-spark) and Java 17; `make spark` runs these")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.from_environment(ROOT)


@pytest.fixture(scope="session")
def corpus_dir(project: Project) -> Path:
    """The source texts; a missing folder skips locally but fails under CI, where it must exist."""
    if not project.corpus_dir.is_dir():
        message = f"corpus folder {project.corpus_dir} not found (set CORPUS_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message + " - CI must run with ../shared beside the clone")
        pytest.skip(message)
    return project.corpus_dir


@pytest.fixture(scope="session")
def published_warehouse(project: Project) -> Path:
    """The published warehouse; the tests never build it themselves (`make test` builds first)."""
    if not project.published_path.exists():
        pytest.fail(f"no published warehouse at {project.published_path}: run `make build` first", pytrace=False)
    return project.published_path


def copy_project(destination: Path) -> Path:
    """A copy of the project's sources (no venv, no warehouse) to break on purpose."""
    return copy_tree(ROOT, destination)


def run_cli(project_root: Path, *arguments: str, env: dict[str, str] | None = None,
            command: str = "security-ties") -> subprocess.CompletedProcess[str]:
    """Run `security-ties` (or `security-ties-dev`) from this venv in `project_root`."""
    environment = {**os.environ, "CORPUS_DIR": str(Project.from_environment(ROOT).corpus_dir), **(env or {})}
    return subprocess.run(
        [str(Path(sys.executable).parent / command), *arguments],
        cwd=project_root, env=environment, capture_output=True, text=True, check=False,
    )

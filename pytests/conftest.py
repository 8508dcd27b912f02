"""Shared fixtures: the project, the corpus (required under CI), the published warehouse, and a write-mode client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


# A second process that opens a DuckDB file in write mode (no read_only), as a careless notebook would, waits for
# "go", then creates a table and checkpoints, and holds the file until it is killed.
WRITE_MODE_CLIENT = """
import sys, time
from pathlib import Path
import duckdb
database, ready, go, done = sys.argv[1:5]
connection = duckdb.connect(database)
Path(ready).write_text("open")
while not Path(go).exists():
    time.sleep(0.02)
connection.execute("create table main.x as select 1 as one")
connection.execute("checkpoint")
Path(done).write_text("written")
time.sleep(600)
"""


def wait_for_flag(flag: Path, process: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    """Wait until `process` writes `flag`; fail at once if it exits first, and after `seconds` if it hangs."""
    deadline = time.monotonic() + seconds
    while not flag.exists():
        assert process.poll() is None, f"the write-mode client exited (code {process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"timed out after {seconds:.0f} s waiting for {what}"
        time.sleep(0.02)


@dataclass(frozen=True)
class WriteModeClient:
    process: subprocess.Popen[bytes]
    go_flag: Path
    done_flag: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def write(self) -> None:
        """Let the client create table main.x and checkpoint; returns once it has, still holding the file."""
        self.go_flag.touch()
        wait_for_flag(self.done_flag, self.process, "the writer to write")
        assert self.process.poll() is None, "the write-mode client exited after writing"


@contextmanager
def write_mode_client(database: Path, flags_dir: Path) -> Iterator[WriteModeClient]:
    """A write-mode client holding `database` open for the block (it has opened the file when the block starts)."""
    ready, go, done = (flags_dir / name for name in ("ready", "go", "done"))
    process = subprocess.Popen([sys.executable, "-c", WRITE_MODE_CLIENT, str(database), str(ready), str(go), str(done)])
    try:
        wait_for_flag(ready, process, "the writer to open the file")
        yield WriteModeClient(process, go, done)
    finally:
        process.kill()
        process.wait()


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc/<pid>/task/*/children (Linux)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for a reaper."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""

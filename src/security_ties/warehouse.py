"""The warehouse folder: one build at a time, leftovers of killed builds, free space, write-mode holders of the
published file, and one-line messages for OS errors.

Layout (SECURITY_TIES_WAREHOUSE_DIR, default warehouse/):
  security_ties.duckdb             the published file (read-only on disk)
  builds/candidate/                the file a running build writes; nothing else is ever built in place
  releases/<build id>/, manifest   kept copies of published builds (see publish.py)
  exports/<build id>/, current     Parquet and CSV of every mart (see exports.py)
  dbt/target/, dbt/state/<id>/     dbt's target folder, and the manifest of each kept build (`--changed`)
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from security_ties.project import PUBLISHED_NAME, Project

CANDIDATE = "candidate"
# A build needs room for the candidate, its WAL and the release copy: about three published files.
MIN_WAREHOUSE_BYTES = 16 * 2**20
SPACE_FACTOR = 3
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


class BuildError(Exception):
    """A build step failed; the published warehouse was left as it was."""


@contextmanager
def build_lock(project: Project) -> Iterator[None]:
    """One build (or rollback, or doctor) at a time per warehouse folder; a second one fails fast."""
    project.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with (project.warehouse_dir / ".build.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildError("another security-ties build is running on this warehouse folder; wait for it") from error
        yield


def candidate_path(project: Project, name: str = CANDIDATE) -> Path:
    """Every build and release file keeps the published file's name, in a folder of its own: DuckDB names
    the catalog after the file, and dbt writes that catalog name into every view it creates. A build always
    writes `builds/candidate/` (the build lock makes it exclusive): an unchanged database path in the profile
    lets dbt reuse its partial parse instead of parsing the whole project again."""
    return project.builds_dir / name / PUBLISHED_NAME


def remove_stale_candidates(project: Project) -> list[Path]:
    """Candidates of builds that died before cleaning up; only called with the build lock held."""
    stale = sorted(project.builds_dir.iterdir()) if project.builds_dir.is_dir() else []
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    return stale


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (the rename itself is already atomic)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def check_free_space(project: Project) -> None:
    """Fail in a second, not after the audit, when the warehouse disk cannot hold a build."""
    published = project.published_path.stat().st_size if project.published_path.exists() else 0
    needed = max(published, MIN_WAREHOUSE_BYTES) * SPACE_FACTOR
    free = shutil.disk_usage(project.warehouse_dir).free
    if free < needed:
        raise BuildError(
            f"{project.warehouse_dir}: only {free / 2**20:.0f} MiB free, a build needs about {needed / 2**20:.0f} MiB "
            "(the new file, its write-ahead log and the release copy); free disk space there, keep fewer releases "
            "(SECURITY_TIES_KEEP_RELEASES) or set SECURITY_TIES_WAREHOUSE_DIR to a larger disk"
        )


def write_holders(path: Path) -> list[tuple[int, str]]:
    """(pid, command) of every other process holding `path` open for writing, from /proc (Linux)."""
    try:
        target = path.stat()
    except OSError:
        return []
    proc = Path("/proc")
    processes = [p for p in proc.iterdir() if p.name.isdigit() and int(p.name) != os.getpid()] if proc.is_dir() else []
    holders = []
    for process in processes:
        try:
            if holds_for_writing(process, (target.st_dev, target.st_ino)):
                command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                holders.append((int(process.name), command[:120]))
        except (OSError, IndexError, ValueError):
            continue
    return holders


def holds_for_writing(process: Path, file_id: tuple[int, int]) -> bool:
    """Whether the process /proc/<pid> has the file (device, inode) open in write or read-write mode."""
    for descriptor in (process / "fd").iterdir():
        try:
            opened = descriptor.stat()
        except OSError:
            continue
        if (opened.st_dev, opened.st_ino) == file_id:
            flags = (process / "fdinfo" / descriptor.name).read_text().split("flags:")[1].split()[0]
            if int(flags, 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                return True
    return False


def lock_holder_from_error(error: BaseException) -> tuple[int, str] | None:
    """DuckDB names the process holding the write lock in its error: use it where /proc is not readable."""
    match = _LOCK_HOLDER.search(str(error))
    return (int(match.group(2)), match.group(1)) if match else None


def writer_warning(path: Path, pid: int, command: str) -> str:
    return (f"process {pid} ({command}) holds {path} open in write mode, so every reader fails with "
            f"'Conflicting lock' until it closes: close that connection (or stop process {pid}) and open the "
            "warehouse read-only: duckdb.connect(path, read_only=True), `duckdb -readonly`, or "
            "?access_mode=read_only in a SQLAlchemy URI")


def describe_os_error(error: OSError) -> str:
    """One line: the path, what went wrong and what to do."""
    path = error.filename or "a warehouse file"
    advice = {
        errno.ENOSPC: "free disk space there or set SECURITY_TIES_WAREHOUSE_DIR to a larger disk",
        errno.EDQUOT: "your disk quota is used up: free space or set SECURITY_TIES_WAREHOUSE_DIR elsewhere",
        errno.EROFS: "that file system is read-only: set SECURITY_TIES_WAREHOUSE_DIR to a writable folder",
        errno.EACCES: "check its permissions (ls -ld) or set SECURITY_TIES_WAREHOUSE_DIR to a folder you can write",
        errno.EPERM: "check its permissions (ls -ld) or set SECURITY_TIES_WAREHOUSE_DIR to a folder you can write",
        errno.ENOENT: "check that the path exists (run from the project's top folder)",
    }.get(error.errno or 0, "check the path and the disk")
    return f"{path}: {error.strerror or error} - {advice}"

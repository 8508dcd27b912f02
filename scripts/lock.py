"""Resolve pyproject.toml into requirements.lock (runtime) and requirements-dev.lock (dev + reference extras).

One lock serves Python 3.11, 3.12 and 3.13: the set is resolved by pip (`install --dry-run --report`, no
install) under each interpreter with the existing locks as constraints, so a re-lock only moves what
pyproject.toml changed (delete a lock file to re-resolve everything to the newest allowed versions). A
package resolved to different versions under two interpreters is an error; one needed only by some
interpreters gets a `python_version` marker. Wheels only: a package that would need a compiler on one of
the versions fails the lock instead of a user's install.

    python scripts/lock.py [python3.11 python3.12 python3.13]

Each interpreter must run by that name (with pyenv, activate all three: PYENV_VERSION=3.11.7:3.12.1:3.13.0).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PROJECT_NAME = "security-ties"
DEFAULT_PYTHONS = ("python3.11", "python3.12", "python3.13")


class LockError(Exception):
    """The pins cannot be resolved to one set for every interpreter."""


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def resolve(python: str, requirement: str, constraints: list[Path]) -> tuple[str, dict[str, tuple[str, str]]]:
    """(minor version, canonical name -> (name as published, version)) pip would install for the requirement."""
    version = subprocess.run([python, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [python, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                   "--disable-pip-version-check", "--only-binary=:all:", "--report", str(report), requirement]
        for constraint in constraints:
            command += ["-c", str(constraint)]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
            raise LockError(f"{python} ({version}): pip cannot resolve {requirement}: {' '.join(errors) or result.stderr[-500:]}")
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    pins = {canonical(item["metadata"]["name"]): (item["metadata"]["name"], item["metadata"]["version"]) for item in installs}
    pins.pop(PROJECT_NAME, None)
    return version, pins


def merge(per_python: dict[str, dict[str, tuple[str, str]]]) -> list[str]:
    """Requirement lines valid for every interpreter, with a marker where a package is not needed by all."""
    names = sorted({name for pins in per_python.values() for name in pins})
    lines = []
    for name in names:
        versions = {python: pins[name] for python, pins in per_python.items() if name in pins}
        distinct = {pin[1] for pin in versions.values()}
        if len(distinct) > 1:
            raise LockError(f"{name} resolves to different versions per Python: {versions}; pin it in pyproject.toml")
        published, version = next(iter(versions.values()))
        line = f"{published}=={version}"
        if len(versions) < len(per_python):
            line += "; " + " or ".join(f'python_version == "{python}"' for python in sorted(versions))
        lines.append(line)
    return lines


def write_locks(pythons: list[str]) -> None:
    constraints = [path for path in (RUNTIME_LOCK, DEV_LOCK) if path.is_file()]
    runtime: dict[str, dict[str, tuple[str, str]]] = {}
    development: dict[str, dict[str, tuple[str, str]]] = {}
    for python in pythons:
        version, runtime[version] = resolve(python, ".", constraints)
        _, development[version] = resolve(python, ".[dev,reference]", constraints)
    runtime_lines = merge(runtime)
    dev_lines = [line for line in merge(development) if line not in runtime_lines]
    header = f"# written by `make lock` (scripts/lock.py) for Python {', '.join(sorted(runtime))}; edit pyproject.toml, not this file\n"
    RUNTIME_LOCK.write_text(header + "\n".join(runtime_lines) + "\n", encoding="utf-8")
    DEV_LOCK.write_text(header + "-r requirements.lock\n" + "\n".join(dev_lines) + "\n", encoding="utf-8")
    print(f"{RUNTIME_LOCK.name}: {len(runtime_lines)} packages; {DEV_LOCK.name}: {len(dev_lines)} more")


def main(arguments: list[str]) -> int:
    try:
        write_locks(arguments or list(DEFAULT_PYTHONS))
    except (LockError, subprocess.CalledProcessError, FileNotFoundError) as error:
        print(f"lock failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

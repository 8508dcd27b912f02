"""One message format for every check that reads seed files: `path:line: problem`.

The seed pre-flight, the evidence check and the value check all report problems this way, so an editor or
a terminal can jump to the line, and a reader sees the same shape whichever check complained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path, root: Path | None = None) -> str:
    """The path relative to `root` (the project) when it lies inside it, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


@dataclass(frozen=True)
class Located:
    """A problem at one line of one file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def listed(problems: list[object], limit: int = 50) -> str:
    """Problems as an indented list, at most `limit` of them."""
    lines = [f"  - {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(lines)

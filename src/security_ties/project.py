"""Where the project's files are: one value built from the environment, passed to every command."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PUBLISHED_NAME = "security_ties.duckdb"


@dataclass(frozen=True)
class Project:
    root: Path
    corpus_dir: Path
    warehouse_dir: Path
    keep_releases: int = 3

    @classmethod
    def from_environment(cls, root: Path | None = None) -> "Project":
        root = (root or Path.cwd()).resolve()
        if not (root / "dbt_project.yml").is_file():
            raise FileNotFoundError(
                f"{root} is not the security-ties project root (no dbt_project.yml): run the command "
                "from the repository's top folder"
            )
        corpus = Path(os.environ.get("CORPUS_DIR", root.parent / "shared" / "corpus"))
        warehouse = Path(os.environ.get("SECURITY_TIES_WAREHOUSE_DIR", root / "warehouse"))
        keep = int(os.environ.get("SECURITY_TIES_KEEP_RELEASES", "3"))
        return cls(root=root, corpus_dir=corpus.resolve(), warehouse_dir=warehouse.resolve(), keep_releases=keep)

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def published_path(self) -> Path:
        return self.warehouse_dir / PUBLISHED_NAME

    @property
    def builds_dir(self) -> Path:
        return self.warehouse_dir / "builds"

    @property
    def releases_dir(self) -> Path:
        return self.warehouse_dir / "releases"

    @property
    def exports_dir(self) -> Path:
        return self.warehouse_dir / "exports"

"""The pre-flight of a build, in Python before dbt starts: every seed row against its YAML, every numeric value
and stated date against its own quote, and every quote against its document. A failure names the file, the row
and the problem, and nothing is built."""

from __future__ import annotations

import os

from security_ties.evidence import EvidenceError, verify
from security_ties.problems import listed
from security_ties.project import Project
from security_ties.seed_check import validate_seeds
from security_ties.value_check import verify_values
from security_ties.warehouse import BuildError


def check_seeds(project: Project) -> int:
    """Every seed row against its YAML column_types and tests; returns the rows checked."""
    return validate_seeds(project.seeds_dir)


def check_values(project: Project) -> None:
    """Every numeric fact value and stated date appears in its own quote (see value_check)."""
    verify_values(project.seeds_dir)


def check_evidence(project: Project) -> None:
    """Every evidence quote occurs in its document; without the corpus only a warning (an error under CI)."""
    if not project.corpus_dir.is_dir() and not os.environ.get("CI"):
        print(f"warning: corpus folder {project.corpus_dir} not found; evidence quotes not checked")
        return
    try:
        _, problems = verify(project.corpus_dir, project.seeds_dir)
    except EvidenceError as error:
        raise BuildError(str(error)) from error
    if problems:
        raise BuildError(f"{len(problems)} evidence problem(s); nothing was published:\n{listed(list(problems), 30)}")

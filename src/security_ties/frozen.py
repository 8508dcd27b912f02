"""The project as the scale benchmark measures it: every file as of one fixed commit, `FROZEN_COMMIT`.

The benchmark compares dbt with `benchmarks/handwritten.sql`, a script that repeats every model's transforms and
every data test by hand. Were it run against today's models, every model change would have to be made twice. So
both contenders run the project of one commit: the models, macros, seeds and dbt tests, the hand-written script
that mirrors exactly those, and the synthetic data generator (`synth`) that writes facts in exactly those seeds'
shapes. What runs them (the timing, the dbt invocations, the comparisons: `scale`, `scale_dbt`,
`scale_contenders`) is today's code.

`git archive` extracts the commit into the benchmark's work folder once; a fresh `git clone` holds the commit
(full history). The commit is named here and nowhere else in code; benchmarks/README.md names it for readers
(a test keeps the two equal). The script is not in today's tree (`git show FROZEN_COMMIT:benchmarks/handwritten.sql`).
Moving the benchmark to newer models means: restore the script, make it mirror them, commit, and set
`FROZEN_COMMIT` to that commit.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

FROZEN_COMMIT = "58bd2358d99cb9f85b866405ca355d9471d27f95"

# what the benchmark runs the frozen synth with: one JSON line (seconds, rows per file) on stdout
_SYNTH_CHILD = (
    "import json, sys, time; from pathlib import Path; from security_ties import synth; "
    "a = sys.argv[1:]; started = time.perf_counter(); "
    "written = synth.generate(Path(a[0]), Path(a[1]), int(a[2]), seed=int(a[3]), memory_limit=a[4], threads=int(a[5])); "
    "print(json.dumps({'seconds': time.perf_counter() - started, 'written': written}))"
)


class FrozenProjectError(Exception):
    """The frozen commit cannot be extracted; the message says what to do."""


def frozen_project(repository: Path, work: Path, commit: str = FROZEN_COMMIT) -> Path:
    """WORK/project_<commit>: every file of the repository at `commit`, extracted once (an extraction that was cut
    short is never used: it is staged beside the folder and renamed into place)."""
    folder = work / f"project_{commit[:12]}"
    if (folder / "dbt_project.yml").is_file():
        return folder
    archive = subprocess.run(["git", "-C", str(repository), "archive", "--format=tar", commit],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        raise FrozenProjectError(
            f"the scale benchmark runs the project as of commit {commit} (security_ties.frozen.FROZEN_COMMIT), and "
            f"`git archive` could not read it from {repository}: {archive.stderr.decode(errors='replace').strip()}. "
            "Run from a git clone with full history (`git fetch --unshallow` in a shallow one).")
    work.mkdir(parents=True, exist_ok=True)
    staged = work / f".{folder.name}.partial"
    shutil.rmtree(staged, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(staged, filter="data")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staged, folder)
    return folder


def frozen_env(project: Path) -> dict[str, str]:
    """The environment of a child process that imports `security_ties` from the frozen project, not today's."""
    path = os.pathsep.join(p for p in (str(project / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def frozen_synth(project: Path, out: Path, rows: int, *, seed: int, memory_limit: str,
                 threads: int) -> tuple[float, dict[str, int]]:
    """The frozen commit's `synth.generate` on its own seeds: (seconds it took, rows per file written)."""
    command = [sys.executable, "-c", _SYNTH_CHILD, str(project), str(out), str(rows), str(seed), memory_limit,
               str(threads)]
    result = subprocess.run(command, cwd=project, env=frozen_env(project), capture_output=True, text=True, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"the frozen synth ({project / 'src' / 'security_ties' / 'synth.py'}) failed "
                           f"(exit {result.returncode}):\n{result.stderr[-3000:]}")
    report = json.loads(lines[-1])
    return float(report["seconds"]), {name: int(rows) for name, rows in report["written"].items()}

"""The dbt unit tests (model code on fixed inputs, `unit_tests:` in the models' YAML) run here, in `make test` and
CI, and not in every build: their inputs are fixtures, so a build with new seed rows cannot change their result
(dbt Labs advises running them in development and CI). They read the built relations' column types, so they run
on a scratch copy of the published warehouse."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_every_dbt_unit_test_passes_on_a_copy_of_the_published_warehouse(project, published_warehouse: Path,
                                                                       tmp_path: Path) -> None:
    scratch = tmp_path / published_warehouse.name  # same file name = same catalog as the views inside
    shutil.copy(published_warehouse, scratch)
    target = tmp_path / "target"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", "test_type:unit",
         "--target-path", str(target), "--log-path", str(tmp_path / "logs")],
        cwd=project.root, env={**os.environ, "SECURITY_TIES_DB": str(scratch)}, capture_output=True, text=True,
        check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    unit_tests = set(json.loads((target / "manifest.json").read_text(encoding="utf-8"))["unit_tests"])
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert len(unit_tests) >= 30
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert ran == dict.fromkeys(unit_tests, "pass")

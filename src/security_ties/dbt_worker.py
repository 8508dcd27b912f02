"""The build's one speed mechanism: parse the project once, then run dbt's work in processes forked from the
parsed one, the data tests in two parts side by side. (The unit tests check model code on fixed inputs, not
the data: like dbt Labs advises, they run in development and CI - `make test`, pytests/test_unit_tests.py - not
in every build.)

Why it exists: dbt's per-node work (rendering a test's Jinja, its bookkeeping) is Python under the GIL, so one
`dbt build` keeps one core busy however many threads it runs, and the data tests are
most of the build. Two `dbt test` processes each parsed the project again and saved 8 % (under the 10 % rule);
forking after one parse keeps the parse for both parts. Measured on a quiet machine (docs/benchmarks.md, "The
one speed mechanism"): the whole build 25.7 s against 35.5 s with one `dbt build` (0.72 wall, 0.94 CPU) and
1.29 times 58bd235's wall time; while another process keeps the second core busy it saves nothing.

Run by dbt_runner in place of the `dbt` executable, as `python -m security_ties.dbt_worker --target-path T
--log-path L [--state S] [--threads N]`, with the database in SECURITY_TIES_DB. It
1. parses (dbtRunner `parse`: writes T/manifest.json and keeps dbt's partial parse);
2. forks a child that runs `build` of the seeds and models only (`--select state:modified+ --state S` when S is
   given; in that case a second child lists the data tests that `dbt build` would select with it);
3. splits those tests round robin into two parts and forks one child per part, each running `test` with one
   thread on a copy of the built file (its own `SECURITY_TIES_DB`; the profile is rendered per invocation) and on
   the parsed manifest without the other part's tests (tests are leaves: nothing refers to them);
4. merges the children's results (T/parts/models.json, tests-1.json, tests-2.json) into T/run_results.json,
   removes the copies, and exits 0 only if every child succeeded.
Every child logs dbt's JSON lines to the shared stdout, which the build turns into progress; before the tests
this process logs one line of its own (`TestPartsStarted`, with the number of tests) so the build's n/N counts
over both parts. The built file is complete when the models child ends: the project's on-run-end hook
`checkpoint_warehouse` writes DuckDB's log into the file, so a plain copy of the file is a full copy.

This process never opens the database and forks only while it has one thread. Each child gets SIGKILL if it
dies (processes.death_with_parent), and this process gets it if the build dies, so dbt dies with the build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from security_ties.processes import death_with_parent

TEST_PARTS = 2
TEST_KINDS = ("test.",)  # data tests; the unit tests run in `make test` (pytests/test_unit_tests.py)
PARTS_EVENT = "TestPartsStarted"
NOT_TESTS = ["--exclude", "resource_type:test", "resource_type:unit_test"]


def fork(name: str, work: Callable[[], int]) -> int:
    """Run `work` in a forked child and return its pid; the child exits with what `work` returns (1 if it
    raises) and gets SIGKILL if this process dies."""
    if threading.active_count() != 1:
        raise RuntimeError(f"{name}: dbt's worker must fork with one thread; found "
                           f"{[thread.name for thread in threading.enumerate()]}")
    sys.stdout.flush()
    sys.stderr.flush()
    die_with_parent = death_with_parent()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        die_with_parent()
        code = work()
    except BaseException as error:  # noqa: BLE001 - a forked child must always reach os._exit
        print(f"{name} stopped: {error}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # never unwind into the parent's stack


def wait(pids: list[int]) -> bool:
    """Wait for every child; whether all of them exited 0."""
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    return all(code == 0 for code in codes)


def invoke(manifest: Any, arguments: list[str], results: Path | None) -> int:
    """One dbt invocation on the parsed manifest (in a child); its run results written to `results`."""
    from dbt.cli.main import dbtRunner

    outcome = dbtRunner(manifest=manifest).invoke(arguments)
    if results is not None and outcome.result is not None and hasattr(outcome.result, "write"):
        outcome.result.write(str(results))
    if outcome.exception is not None:
        print(f"dbt {arguments[0]} stopped: {outcome.exception}", file=sys.stderr)
    return 0 if outcome.success else 1


def list_tests(manifest: Any, state: str, common: list[str], output: Path) -> int:
    """Write the data tests that `dbt build --select state:modified+ --state <state>` selects."""
    from dbt.cli.main import dbtRunner

    listed = dbtRunner(manifest=manifest).invoke(["ls", "--select", "state:modified+", "--state", state,
                                                  "--output", "json", "--output-keys", "unique_id", "--quiet",
                                                  *common])
    if not listed.success:
        print(f"dbt could not compare the project with the published build's state: {listed.exception}",
              file=sys.stderr)
        return 1
    ids = sorted(uid for line in listed.result or [] if (uid := json.loads(line)["unique_id"]).startswith(TEST_KINDS))
    output.write_text(json.dumps(ids), encoding="utf-8")
    return 0


def all_tests(manifest: Any) -> list[str]:
    return sorted(uid for uid in manifest.nodes if uid.startswith(TEST_KINDS))


def split(tests: list[str], parts: int) -> list[list[str]]:
    """Round robin over the sorted ids, so each part gets a share of every model's tests and of every kind."""
    return [part for part in (tests[index::parts] for index in range(parts)) if part]


def keep_only(manifest: Any, tests: set[str]) -> None:
    """Drop every unit test and every data test but `tests` from the (forked child's) manifest."""
    for uid in set(all_tests(manifest)) - tests:
        manifest.nodes.pop(uid, None)
    manifest.unit_tests.clear()


def copy_database(database: Path, part: int) -> Path:
    """A copy under the same file name (DuckDB names the catalog after the file, and the manifest knows it)."""
    copy = database.parent / f"test-part-{part}" / database.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(database, copy)
    return copy


def run_test_part(manifest: Any, tests: list[str], copy: Path, common: list[str], results: Path) -> int:
    """In a child: `test` of one part on its copy of the built file, one thread."""
    os.environ["SECURITY_TIES_DB"] = str(copy)
    keep_only(manifest, set(tests))
    return invoke(manifest, ["test", "--threads", "1", *common, "--no-write-json"], results)


def announce_tests(parts: list[list[str]]) -> None:
    """One JSON line in dbt's log format: how many tests follow, so the build's n/N counts over every part."""
    sizes = [len(part) for part in parts]
    message = f"data tests in {len(parts)} parallel parts: {' + '.join(map(str, sizes))}"
    print(json.dumps({"info": {"name": PARTS_EVENT, "level": "info", "msg": message},
                      "data": {"total": sum(sizes), "parts": sizes}}), flush=True)


def merge_results(target: Path, files: list[Path], elapsed: float) -> None:
    """The children's run results (kept in T/parts/ until the next build) as the one run_results.json the build
    reads."""
    results = [result for path in files if path.is_file()
               for result in json.loads(path.read_text(encoding="utf-8")).get("results", [])]
    (target / "run_results.json").write_text(json.dumps({"results": results, "elapsed_time": elapsed}),
                                             encoding="utf-8")


def build(manifest: Any, target: Path, database: Path, state: str | None, threads: list[str],
          common: list[str]) -> int:
    """Steps 2-4 of the module docstring; the exit code of the whole."""
    started = time.perf_counter()
    folder = target / "parts"
    shutil.rmtree(folder, ignore_errors=True)  # never merge an older run's results
    folder.mkdir(parents=True)
    models_results, listing = folder / "models.json", folder / "selected_tests.json"
    selection = ["--select", "state:modified+", "--state", state] if state else []
    children = [fork("dbt build of the seeds and models", lambda: invoke(
        manifest, ["build", *selection, *NOT_TESTS, *threads, *common, "--no-write-json"], models_results))]
    if state:
        children.append(fork("dbt ls", lambda: list_tests(manifest, state, common, listing)))
    files = [models_results]
    try:
        if not wait(children):
            return 1  # the tests do not run on models that were not built
        tests = json.loads(listing.read_text(encoding="utf-8")) if state else all_tests(manifest)
        parts = split(tests, TEST_PARTS)
        if parts:
            announce_tests(parts)
        copies = [copy_database(database, index + 1) for index in range(len(parts))]
        files += [folder / f"tests-{index + 1}.json" for index in range(len(parts))]
        children = [fork(f"dbt test part {index + 1}", lambda index=index, part=part: run_test_part(
            manifest, part, copies[index], common, files[index + 1])) for index, part in enumerate(parts)]
        try:
            return 0 if wait(children) else 1
        finally:
            for copy in copies:
                shutil.rmtree(copy.parent, ignore_errors=True)
    finally:
        merge_results(target, files, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m security_ties.dbt_worker", description=__doc__.split("\n")[0])
    parser.add_argument("--target-path", type=Path, required=True)
    parser.add_argument("--log-path", type=Path, required=True)
    parser.add_argument("--state", help="the published build's manifest folder: build what changed since")
    parser.add_argument("--threads", type=int, help="dbt threads of the seeds and models step")
    options = parser.parse_args(argv)
    from dbt.cli.main import dbtRunner

    common = ["--target-path", str(options.target_path), "--log-path", str(options.log_path), "--log-format",
              "json", "--no-use-colors", "--log-level-file", "error"]  # the debug log file would be tens of MB
    parsed = dbtRunner().invoke(["parse", *common])
    if not parsed.success or parsed.result is None:
        print(f"dbt could not parse the project: {parsed.exception}", file=sys.stderr)
        return 2
    threads = ["--threads", str(options.threads)] if options.threads else []
    database = Path(os.environ["SECURITY_TIES_DB"])
    return build(parsed.result, options.target_path, database, options.state, threads, common)


if __name__ == "__main__":
    sys.exit(main())

"""Run a build's dbt work in one short-lived process that parses the project once, and run the data tests
in parallel processes forked from it.

The build has three dbt steps: the seeds, then the models, then every data test and unit test.
Staging reads seeds only through `source()`, which gives dbt no edge from a seed to its staging model, so
the seeds load first. The seeds' own tests run with the rest: the pre-flight has already checked every seed
row in Python, and a failing seed test fails the build before anything is published.

dbt's per-node work is Python under the GIL (rendering a test's Jinja, bookkeeping): one process keeps
about one core busy however many threads it runs, and the data tests (~950 nodes, most of the build) are
that work. So after the models are built, the data and unit tests are split into as many parts as there are cores
(at most four), and each part runs in a child forked from this process on its own copy of the built file
(DuckDB lets one process write a file; a copy is milliseconds). Forking keeps the parse: every child
inherits the parsed manifest and only drops the tests of the other parts. A copy for the audit is made
at the same moment and named in `audit_ready.json`, so the build can run the Great Expectations audit
beside the tests. This process never opens the database itself, and forks only while it has one thread.

It runs as a subprocess of the build (`echo go | python -m security_ties.dbt_session SPEC.json`): dbt's
in-process runner keeps its DuckDB file handle open after a run (dbt-core #11980), and the build must be
able to rename the file once dbt is done. Every step runs in a forked child that checkpoints the file and
exits. The build starts it before its pre-flight: it imports dbt, parses and (`changed`) compares the
project with the published state, then waits for "go" on stdin before it touches the database.

The spec (JSON) names the mode. `full`: every seed, model, unit test and data test. `changed` (with
`state_dir`, the manifest of the published build, and `published_database`, its file): only what changed
since that build and everything downstream of it, with the tests that read any of it. When only seed rows
changed, a rebuilt relation whose content is identical to the published one (same columns, same rows: see
`fingerprint_relations`) counts as not rebuilt: a test that reads only such relations ran on the same rows
in the published build, with the same SQL, and passed there, so it is not run again (nor is the audit of
such a mart). That holds while a test's result depends on its SQL and its rows alone: no model, macro or test
of the project reads the clock or chance (`pytests/test_build_steps.py` checks it). For each step the process writes `run_results.<step>.json` into the target folder,
`selection.json` (the steps and their arguments, the relations found unchanged, the tests not re-run) and
`timings.json` (wall and CPU seconds of the parse and of each step). Progress goes to stdout unless
`quiet`: one line per step start and end, dbt's node counter (n/N) at most once a second, and every
failing node at once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

from security_ties.processes import death_with_parent, exit_without_teardown, yield_the_cpu

RESULT_EVENTS = {"LogTestResult", "LogModelResult", "LogSeedResult", "LogNodeResult", "LogNodeNoOpResult", "LogSnapshotResult",
                 "LogFunctionResult"}
GOOD_STATUSES = {"pass", "success", "ok", "no-op"}
PRINT_EVERY_SECONDS = 1.0


@dataclass
class Counter:
    """dbt's n/N node counter for one step, printed at most once a second (failures at once)."""

    step: str
    quiet: bool
    done: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)
    last_print: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)  # dbt's threads report concurrently

    def __call__(self, event: Any) -> None:
        if event.info.name not in RESULT_EVENTS:
            return
        with self.lock:
            self._count(event)

    def _count(self, event: Any) -> None:
        data = event.data
        total = int(getattr(data, "total", 0) or getattr(data, "num_models", 0) or 0)
        status = str(getattr(data, "status", "")).lower()
        # dbt numbers nodes as they start; with threads they finish out of order, so count the finished ones
        self.done, self.total = self.done + 1, max(self.total, total)
        failed = bool(status) and status not in GOOD_STATUSES and not status.startswith("ok") and "success" not in status
        if failed:
            self.failures.append(event.info.msg.strip())
        now = time.monotonic()
        if self.quiet:
            return
        if failed:
            print(f"  dbt {self.step} {self.done}/{self.total} {event.info.msg.strip()}", flush=True)
        elif self.done == self.total or now - self.last_print >= PRINT_EVERY_SECONDS:
            print(f"  dbt {self.step} {self.done}/{self.total}", flush=True)
            self.last_print = now


TESTS_STEP = "tests"
MAX_TEST_PARTS = 4
FULL_STEPS = (
    ("seeds", ["build", "--select", "resource_type:seed", "--exclude", "resource_type:test"]),
    # the models (and the exposures); their data tests and unit tests run in the tests step
    ("models", ["build", "--exclude", "resource_type:seed", "resource_type:test", "resource_type:unit_test"]),
)
TESTS_ARGUMENTS = ["test", "--select", "resource_type:test", "resource_type:unit_test"]


def list_modified(runner: Any, state_dir: str, common: list[str]) -> list[str]:
    """The unique ids dbt finds modified (`state:modified`) against the published build's manifest."""
    listed = runner.invoke(["ls", "--select", "state:modified", "--state", state_dir, "--output", "json",
                            "--output-keys", "unique_id", *common])
    if not listed.success:
        raise RuntimeError(f"dbt could not compare the project with the published build's state: {listed.exception}")
    return sorted(json.loads(line)["unique_id"] for line in listed.result or [])


def seeds_with_new_content(manifest: Any, published_nodes: dict[str, Any]) -> list[Any]:
    """The seeds whose file differs from the published build's (dbt's own seed checksum) or that are new: the
    seeds `state:modified` lists for their content, known without waiting for it."""
    return [node for uid, node in sorted(manifest.nodes.items()) if uid.startswith("seed.")
            and (published_nodes.get(uid) or {}).get("checksum", {}).get("checksum") != node.checksum.checksum]


def seeds_step(seeds: list[Any]) -> tuple[str, list[str]]:
    return "seeds", ["build", "--select", *[seed.name for seed in seeds], "--exclude", "resource_type:test"]


def changed_steps(manifest: Any, modified: set[str], published_nodes: dict[str, Any],
                  loaded: set[str]) -> tuple[list[tuple[str, list[str]]], bool]:
    """The seeds and models steps of a `changed` build, and whether only seed rows changed (`rows_only`). The
    steps load the modified seeds not `loaded` yet, then build the modified models, the staging models over
    each modified seed's source table (staging reads `source()`, so dbt sees no edge from the seed) and
    everything downstream of both."""
    seeds = [manifest.nodes[uid] for uid in sorted(modified) if uid.startswith("seed.")]
    relations = {(seed.schema, seed.alias) for seed in seeds}
    over_seeds = [f"source:{source.source_name}.{source.name}+" for source in manifest.sources.values()
                  if (source.schema, source.identifier) in relations]
    steps: list[tuple[str, list[str]]] = []
    if unloaded := [seed for seed in seeds if seed.unique_id not in loaded]:
        steps.append(seeds_step(unloaded))
    code = [uid for uid in modified if not uid.startswith(("seed.", "test.", "unit_test."))]  # models, macros' users
    if code or over_seeds:
        # `state:modified+` by name: with `--state` the step would load the published manifest a second time
        downstream = sorted({selector for uid in modified if (selector := downstream_selector(manifest, uid))})
        steps.append(("models", ["build", "--select", *downstream, *over_seeds, "--exclude", "resource_type:seed",
                                 "resource_type:test", "resource_type:unit_test"]))
    # dbt also lists a changed seed's own data tests as modified; they run either way
    only_rows = bool(seeds) and not code and rows_only(seeds, published_nodes)
    return steps, only_rows


def downstream_selector(manifest: Any, uid: str) -> str | None:
    """The dbt selector of a node found modified and everything downstream of it (None for a test: tests run
    in the tests step)."""
    if uid.startswith(("test.", "unit_test.")):
        return None
    if uid in manifest.sources:
        source = manifest.sources[uid]
        return f"source:{source.source_name}.{source.name}+"
    if uid in manifest.exposures:
        return f"exposure:{manifest.exposures[uid].name}"
    node = manifest.nodes.get(uid)
    return f"{node.name}+" if node is not None else None


def rows_only(seeds: list[Any], published_nodes: dict[str, Any]) -> bool:
    """Whether every modified seed changed only its rows: the same column_types (which the pre-flight holds
    equal to the header), delimiter and documented columns as in the published build's manifest (its
    `nodes`). Such an edit changes data, never a relation's columns."""
    for seed in seeds:
        before = published_nodes.get(seed.unique_id)
        if before is None or (before["config"].get("column_types"), before["config"].get("delimiter"),
                              sorted(before["columns"])) != (seed.config.column_types, seed.config.delimiter,
                                                            sorted(seed.columns)):
            return False
    return True


def all_tests(manifest: Any) -> dict[str, Any]:
    """Every data test and unit test of the manifest, by unique id."""
    return {**{uid: node for uid, node in manifest.nodes.items() if node.resource_type == "test"},
            **manifest.unit_tests}


def chosen_tests(manifest: Any, mode: str, built: set[str], modified: set[str], rows_changed_only: bool = False) -> list[str]:
    """The data tests and unit tests of the tests step: all of them in a full build; in a `changed` build,
    the modified ones, the data tests that read anything rebuilt (a seed, a model, or a source over a
    reloaded seed), and the unit tests of the rebuilt models unless only seed rows changed: a unit test
    reads its fixtures, not the data, so its result depends on the model's code and its inputs' columns."""
    tests = all_tests(manifest)
    if mode != "changed":
        return sorted(tests)
    reloaded = {node.alias for uid, node in manifest.nodes.items() if uid in built and uid.startswith("seed.")}
    touched = built | {uid for uid, source in manifest.sources.items() if source.identifier in reloaded}
    return sorted(uid for uid, test in tests.items()
                  if uid in modified or (touched & set(test.depends_on.nodes)
                                         and not (rows_changed_only and uid.startswith("unit_test."))))


def fingerprint_relations(database: Path, relations: dict[str, tuple[str, str]]) -> dict[str, list[Any] | None]:
    """unique id -> the fingerprint of its relation (schema, name) in a DuckDB file, None if it is not there:
    its columns with their types, its row count and the sum of its rows' 64-bit hashes. Equal fingerprints
    mean the same columns and the same multiset of rows, short of a hash collision (odds about 2^-64)."""
    import duckdb

    fingerprints: dict[str, list[Any] | None] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for uid, (schema, name) in sorted(relations.items()):
            try:  # binds this relation alone: a catalog query would bind every view of the file first
                relation = connection.sql(f'from "{schema}"."{name}"')
            except duckdb.CatalogException:
                fingerprints[uid] = None
                continue
            columns = [[column, str(kind)] for column, kind in zip(relation.columns, relation.types)]
            rows, hashes = connection.execute(
                f'select count(*), coalesce(sum(hash(row_)::hugeint), 0) from "{schema}"."{name}" as row_').fetchone()
            fingerprints[uid] = [columns, int(rows), str(hashes)]
    return fingerprints


def split(tests: list[str], parts: int) -> list[list[str]]:
    """Round robin over the sorted ids, so every part gets a share of each kind of test and of each model."""
    return [part for part in (tests[index::parts] for index in range(parts)) if part]


@dataclass
class Child:
    pid: int
    results: Path


@dataclass
class Session:
    manifest: Any
    target: Path
    common: list[str]
    quiet: bool
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    listing_started: float = 0.0
    ran: set[str] = field(default_factory=set)  # the steps whose results are written

    def start(self, step: str, arguments: list[str], *, database: Path | None = None,
              keep_tests: set[str] | None = None, part: int = 0, parts: int = 1) -> Child:
        """Fork a child that runs one dbt invocation (on `database` instead of the profile's file, and with
        only `keep_tests` of the tests) and writes its run results."""
        label = f" (part {part + 1} of {parts})" if parts > 1 else ""
        results = self.target / (f"run_results.{step}.{part + 1}.json" if parts > 1 else f"run_results.{step}.json")
        results.unlink(missing_ok=True)
        pid = fork(f"dbt {step}{label}",
                   lambda: self._run_child(step, arguments, results, database, keep_tests, label))
        return Child(pid, results)

    def _run_child(self, step: str, arguments: list[str], results: Path, database: Path | None,
                   keep_tests: set[str] | None, label: str) -> int:
        from dbt.cli.main import dbtRunner

        if database is not None:
            os.environ["SECURITY_TIES_DB"] = str(database)  # the profile reads it on every invocation
        if keep_tests is not None:
            for uid in set(all_tests(self.manifest)) - keep_tests:  # tests are leaves: nothing refers to them
                self.manifest.nodes.pop(uid, None)
                self.manifest.unit_tests.pop(uid, None)
        counter = Counter(f"{step}{label}", self.quiet)
        outcome = dbtRunner(manifest=self.manifest, callbacks=[counter]).invoke(
            [*arguments, *self.common, "--no-write-json"])
        if outcome.result is not None and hasattr(outcome.result, "write"):
            outcome.result.write(str(results))
        checkpoint()
        if outcome.exception is not None:
            print(f"dbt {step}{label} stopped: {outcome.exception}", file=sys.stderr)
        return 0 if outcome.success else 1

    def wait(self, children: list[Child], step: str, started: float) -> bool:
        """Wait for the children of one step; record its wall and CPU seconds; say how it went."""
        succeeded, cpu = True, 0.0
        for child in children:
            _, status, usage = os.wait4(child.pid, 0)
            cpu += usage.ru_utime + usage.ru_stime
            succeeded = succeeded and os.waitstatus_to_exitcode(status) == 0
        seconds = time.perf_counter() - started
        results = [result for child in children if child.results.is_file()
                   for result in json.loads(child.results.read_text(encoding="utf-8")).get("results", [])]
        if not self.quiet:
            state = "done" if succeeded else "FAILED"
            print(f"  dbt {step} {state}: {len(results)} nodes in {seconds:.1f} s", flush=True)
        # a changed build may load seeds twice: those whose files changed, then any others dbt found modified
        self.timings[step] = self.timings.get(step, 0.0) + seconds
        self.cpu[step] = self.cpu.get(step, 0.0) + cpu
        merged = self.target / f"run_results.{step}.json"
        earlier = json.loads(merged.read_text(encoding="utf-8"))["results"] if step in self.ran else []
        merged.write_text(json.dumps({"results": earlier + results, "elapsed_time": self.timings[step]}),
                          encoding="utf-8")
        self.ran.add(step)
        return succeeded

    def write_manifest(self) -> int:
        """Fork a child that writes manifest.json (the build checks it and keeps it as the state of the next
        `--changed` build) while the seeds load: serialising it is half a second of CPU."""
        def write() -> int:
            from dbt.parser.manifest import write_manifest

            yield_the_cpu()  # nothing waits for the manifest before the tests are done
            write_manifest(self.manifest, str(self.target))
            return 0

        return fork("dbt manifest", write)

    def finish(self, writer: int) -> bool:
        """Wait for the manifest writer, write the timings; whether the manifest was written."""
        _, status, _ = os.wait4(writer, 0)
        (self.target / "timings.json").write_text(json.dumps({"wall": self.timings, "cpu": self.cpu}), encoding="utf-8")
        return os.waitstatus_to_exitcode(status) == 0

    def unchanged(self, built: set[str], database: Path, published: Path) -> set[str]:
        """The rebuilt seeds and models whose relation in `database` has the same fingerprint as in the
        published file, compared in a forked child (this process never opens DuckDB). Each file is opened on
        its own, so that a view resolves against its own file's tables. If the comparison fails (the
        published file locked by a writer, say), nothing counts as unchanged and every test runs."""
        relations = {uid: (node.schema, node.alias) for uid in sorted(built)
                     if (node := self.manifest.nodes.get(uid)) is not None}
        output = self.target / "fingerprints.json"
        output.unlink(missing_ok=True)

        def compare() -> int:
            before, after = fingerprint_relations(published, relations), fingerprint_relations(database, relations)
            output.write_text(json.dumps({uid: {"published": before[uid], "built": after[uid]} for uid in relations}),
                              encoding="utf-8")
            return 0

        started = time.perf_counter()
        _, status, usage = os.wait4(fork("dbt fingerprints", compare), 0)
        self.timings["fingerprints"] = time.perf_counter() - started
        self.cpu["fingerprints"] = usage.ru_utime + usage.ru_stime
        if os.waitstatus_to_exitcode(status) != 0 or not output.is_file():
            print("  could not compare the rebuilt relations with the published file; running every test of what "
                  "was rebuilt", flush=True)
            return set()
        compared = json.loads(output.read_text(encoding="utf-8"))
        return {uid for uid, pair in compared.items() if pair["built"] is not None and pair["built"] == pair["published"]}

    def start_listing(self, state_dir: str) -> tuple[int, Path]:
        """Fork a child that lists what dbt finds modified against the published state, so that the seeds
        whose content changed can load meanwhile: loading the published manifest is most of a second."""
        output = self.target / "modified.json"
        output.unlink(missing_ok=True)

        def listing() -> int:
            from dbt.cli.main import dbtRunner

            output.write_text(json.dumps(list_modified(dbtRunner(manifest=self.manifest), state_dir, self.common)),
                              encoding="utf-8")
            return 0

        self.listing_started = time.perf_counter()
        return fork("dbt state", listing), output

    def modified(self, listing: tuple[int, Path] | None) -> set[str]:
        assert listing is not None, "modified() follows start_listing()"
        pid, output = listing
        _, status, usage = os.wait4(pid, 0)
        self.timings["dbt state"] = time.perf_counter() - self.listing_started
        self.cpu["dbt state"] = usage.ru_utime + usage.ru_stime
        if os.waitstatus_to_exitcode(status) != 0 or not output.is_file():
            raise RuntimeError("dbt could not compare the project with the published build's state (its message "
                               "is above); `security-ties build` without --changed builds everything")
        return set(json.loads(output.read_text(encoding="utf-8")))

    def step(self, step: str, arguments: list[str]) -> bool:
        started = time.perf_counter()
        return self.wait([self.start(step, arguments)], step, started)

    def tests(self, tests: list[str], database: Path, parts: int) -> bool:
        """The data tests in `parts` forked children, the first on the built file, the others on copies."""
        started = time.perf_counter()
        children = []
        shares = split(tests, parts)
        for index, share in enumerate(shares):
            copy = database if index == 0 else copy_database(database, f"tests_{index}")
            children.append(self.start(TESTS_STEP, TESTS_ARGUMENTS, database=copy, keep_tests=set(share), part=index,
                                       parts=len(shares)))
        return self.wait(children, TESTS_STEP, started)


def fork(name: str, work: Callable[[], int]) -> int:
    """Run `work` in a forked child and return its pid; the child exits with what `work` returns (1 if it
    raises) and gets SIGKILL if this process dies. Forking is only safe while this process has one thread
    and no DuckDB database open: the session itself never opens one."""
    if threading.active_count() != 1:
        raise RuntimeError(f"the dbt session must fork with one thread; found {[t.name for t in threading.enumerate()]}")
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
        os._exit(code)


def checkpoint() -> None:
    """Write everything to the database file, so that it can be copied: dbt keeps its DuckDB connection open."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV  # noqa: SLF001 - dbt-duckdb has no public handle to it
    connection = getattr(environment, "conn", None)
    if connection is not None:
        connection.execute("checkpoint")


def copy_database(database: Path, folder: str) -> Path:
    """A copy under the same file name (DuckDB names the catalog after the file, and the manifest knows it)."""
    copy = database.parent / folder / database.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(database, copy)
    return copy


def part_count() -> int:
    """One part per core, at most four; SECURITY_TIES_TEST_PARTS overrides (1 runs the tests in one process)."""
    chosen = os.environ.get("SECURITY_TIES_TEST_PARTS", "")
    if chosen:
        if not chosen.isdigit() or int(chosen) < 1:
            raise ValueError(f"SECURITY_TIES_TEST_PARTS must be a whole number of at least 1, not {chosen!r}")
        return int(chosen)
    return max(1, min(MAX_TEST_PARTS, os.cpu_count() or 1))


def stop_child(listing: tuple[int, Path] | None) -> None:
    """Kill the state listing's child when the build stops before its answer is needed."""
    if listing is not None:
        os.kill(listing[0], signal.SIGKILL)


def told_to_go(session: Session) -> bool:
    """Wait for the build's word on stdin: "go" once its pre-flight passed and the file to build is in place;
    anything else (end of input: the build stopped) means stop."""
    started = time.perf_counter()
    word = sys.stdin.readline().strip()
    session.timings["waiting for the pre-flight"] = time.perf_counter() - started
    return word == "go"


def run(spec: dict[str, Any]) -> int:
    started = time.perf_counter()
    from dbt.cli.main import dbtRunner

    import_seconds = time.perf_counter() - started
    target = Path(spec["target_path"])
    database = Path(os.environ["SECURITY_TIES_DB"])
    mode = str(spec.get("mode") or "full")
    quiet = bool(spec.get("quiet"))
    common = list(spec.get("common_args", []))
    session = Session(None, target, common, quiet, timings={"dbt import": import_seconds},
                      cpu={"dbt import": time.process_time()})

    started, cpu_started = time.perf_counter(), time.process_time()
    parsed = dbtRunner().invoke(["parse", *common, "--no-write-json"])  # manifest.json: written by a child
    session.timings["dbt parse"] = time.perf_counter() - started
    session.cpu["dbt parse"] = time.process_time() - cpu_started
    if not parsed.success or parsed.result is None:
        print(f"dbt could not parse the project: {parsed.exception}", file=sys.stderr)
        return 2
    session.manifest = manifest = parsed.result
    if not quiet:
        print(f"  dbt parse done in {session.timings['dbt parse']:.1f} s", flush=True)
    writer = session.write_manifest()

    modified: set[str] = set()
    only_rows = False
    built: set[str] = set()
    # what changed is worked out before the go: it reads no database
    listing = session.start_listing(spec["state_dir"]) if mode == "changed" else None
    published_nodes = (json.loads((Path(spec["state_dir"]) / "manifest.json").read_text(encoding="utf-8"))["nodes"]
                       if mode == "changed" else {})
    if not told_to_go(session):
        stop_child(listing)
        session.finish(writer)
        return 3
    if mode == "changed":
        early = seeds_with_new_content(manifest, published_nodes)
        steps = [seeds_step(early)] if early else []
        if early and not session.step(*steps[0]):
            stop_child(listing)
            session.finish(writer)
            return 1
        modified = session.modified(listing)
        later, only_rows = changed_steps(manifest, modified, published_nodes, {seed.unique_id for seed in early})
        steps += later
        if not quiet:
            print("  changed since the published build: " + ("; ".join(" ".join(a[2:]) for _, a in steps) or "nothing"),
                  flush=True)
    else:
        steps = later = [(name, list(arguments)) for name, arguments in FULL_STEPS]

    for name, arguments in later:
        if not session.step(name, arguments):
            session.finish(writer)
            return 1  # the tests do not run on models that were not built
    for name in session.ran:
        built |= {str(result["unique_id"]) for result in
                  json.loads((target / f"run_results.{name}.json").read_text(encoding="utf-8"))["results"]
                  if result.get("status") == "success"}
    # a relation rebuilt with the same content is as good as not rebuilt, when the code is the published code
    unchanged = session.unchanged(built, database, Path(spec["published_database"])) if only_rows else set()
    tests = chosen_tests(manifest, mode, built - unchanged, modified, only_rows)
    not_rerun = sorted(set(chosen_tests(manifest, mode, built, modified, only_rows)) - set(tests))
    if unchanged and not quiet:
        rebuilt = [uid for uid in built if uid in manifest.nodes]
        print(f"  unchanged in content: {len(unchanged)} of {len(rebuilt)} rebuilt relations; {len(not_rerun)} tests "
              "that read only unchanged relations are not re-run (they passed on the same rows in the published build)",
              flush=True)
    (target / "selection.json").write_text(json.dumps({"steps": steps, TESTS_STEP: len(tests),
                                                       "unchanged": sorted(unchanged), "not_rerun": not_rerun}),
                                           encoding="utf-8")
    if steps or tests:
        # a full build audits every mart; a changed one the marts it rebuilt with new content
        audited = None if mode != "changed" else sorted(manifest.nodes[uid].name for uid in built - unchanged
                                                         if uid.startswith("model."))
        audit_copy = copy_database(database, "audit")
        ready = target / "audit_ready.json.partial"
        ready.write_text(json.dumps({"database": str(audit_copy), "tables": audited}), encoding="utf-8")
        ready.replace(target / "audit_ready.json")  # the build polls for it: never let it read half a file
    succeeded = session.tests(tests, database, part_count()) if tests else True
    return 0 if session.finish(writer) and succeeded else 1


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 1:
        print("usage: python -m security_ties.dbt_session SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(arguments[0]).read_text(encoding="utf-8"))
    os.chdir(spec["project_dir"])
    return run(spec)


if __name__ == "__main__":
    exit_without_teardown(main())

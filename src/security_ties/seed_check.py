"""Seed check: every CSV seed row before dbt loads it, naming the file and line of each problem (the first check
of the build's pre-flight, `preflight.check_seeds`).

dbt and DuckDB reject a bad seed too, but with messages such as "Could not convert string '2024-13-01'
to DATE" that name neither the file nor the row, and only after a minute of building. This module reads the
seeds' YAML (column_types, the declared data tests and `config.meta.min_rows`) and reports
`seeds/facts/events.csv:12: event_date '2024-02-30' is not a real day (February 2024 has 29 days)` in a
second instead. The rules live only in the YAML.

It checks what dbt cannot say with a file and line: the file itself (encoding, BOM, header, field count,
min_rows), every value against its column type (as DuckDB will cast it), and the data tests in
`ROW_CHECKED_TESTS` - empty or duplicate keys, unknown codes, broken dates - row by row. Every other data test of
the YAML (not_null_columns, matches_pattern, value_in_range, ordered_columns, ...) is dbt's alone: it runs on the
loaded seed in the build, before any model reads it.

Numbers and dates are parsed as DuckDB's CSV reader will cast them, no more leniently than that: Python's
`float()` accepts `nan`, `inf` and `1_000` and `int()` accepts full-width digits, DuckDB does not (or worse,
stores `nan`), so the pre-flight uses ASCII patterns instead.

Every data test name in a seeds YAML must be one this module knows: a dbt built-in or a generic test macro
of the project (`{% test name(...) %}` under `macros/`). A misspelt test name would otherwise be silently
skipped here and only fail later in dbt.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from security_ties.problems import Located, display_path, listed

_REF = re.compile(r"ref\(\s*['\"](\w+)['\"]\s*\)")
_SOURCE = re.compile(r"source\(\s*['\"]\w+['\"]\s*,\s*['\"](\w+)['\"]\s*\)")
_TEST_MACRO = re.compile(r"{%-?\s*test\s+(\w+)\s*\(")
_KIND_TARGETS = {"country": ("countries", "iso3"), "organization": ("organizations", "org_code")}
DBT_BUILT_IN_TESTS = frozenset({"unique", "not_null", "accepted_values", "relationships"})
# The data tests the pre-flight applies row by row, for a `file:line` message: keys (the primary key, alternate
# keys), codes and dates.
ROW_CHECKED_TESTS = frozenset({"primary_key", "unique", "unique_combination", "relationships",
                               "relationships_by_kind", "accepted_values", "iso_date", "date_matches_precision"})
BOM = b"\xef\xbb\xbf"

# What DuckDB's CSV reader casts without complaint (ASCII digits only, no separators, no nan/inf).
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER_BITS = {"tinyint": 8, "smallint": 16, "integer": 32, "int": 32, "bigint": 64}
_DOUBLE_TYPES = ("double", "float", "real", "decimal", "numeric")
_NOT_A_NUMBER = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_DATE_SHAPES = {
    "day": (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), "YYYY-MM-DD"),
    "month": (re.compile(r"([0-9]{4})-([0-9]{2})"), "YYYY-MM"),
    "year": (re.compile(r"([0-9]{4})"), "YYYY"),
}


class SeedValidationError(Exception):
    """Raised when one or more seed rows break the rules their YAML declares."""

    def __init__(self, problems: list[Located] | list[str]) -> None:
        self.problems = [str(p) for p in problems]
        super().__init__(f"{len(problems)} seed problem(s); nothing was built or published:\n{listed(list(problems))}")


@dataclass
class SeedSpec:
    name: str
    path: Path
    yml: Path
    column_types: dict[str, str]
    column_tests: dict[str, list[Any]] = field(default_factory=dict)
    table_tests: list[Any] = field(default_factory=list)
    min_rows: int = 0


@dataclass
class SeedData:
    spec: SeedSpec
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, row)


def _test_name_and_args(test: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(test, str):
        return test, {}
    name, body = next(iter(test.items()))
    body = body or {}
    return name, dict(body.get("arguments", body))


def known_test_names(macros_dir: Path) -> set[str]:
    """dbt's built-in generic tests plus every `{% test name(...) %}` macro of the project."""
    names = set(DBT_BUILT_IN_TESTS)
    if macros_dir.is_dir():
        for sql in macros_dir.rglob("*.sql"):
            names.update(_TEST_MACRO.findall(sql.read_text(encoding="utf-8")))
    return names


def _line_of(text: str, token: str, *after: str) -> int:
    """1-based line of the first whole-word `token` following each of `after` in turn, in a YAML text (the line
    of the last anchor found, or 1, when the token is not found)."""
    position = 0
    for anchor in after:
        found = re.compile(rf"\b{re.escape(anchor)}\b").search(text, position)
        position = found.start() if found else position
    match = re.compile(rf"\b{re.escape(token)}\b").search(text, position)
    return text.count("\n", 0, match.start() if match else position) + 1


def load_specs(seeds_dir: Path, macros_dir: Path | None = None) -> dict[str, SeedSpec]:
    """Every seed declared in a seeds YAML; an unknown data test name is an error, not a silent skip."""
    root = seeds_dir.parent
    known = known_test_names(macros_dir or root / "macros")
    specs: dict[str, SeedSpec] = {}
    problems: list[Located] = []
    for yml in sorted(seeds_dir.rglob("_*.yml")):
        text = yml.read_text(encoding="utf-8")
        where = display_path(yml, root)
        document = yaml.safe_load(text) or {}
        for seed in document.get("seeds", []):
            name = seed["name"]
            config = seed.get("config") or {}
            column_types = config.get("column_types") or {}
            if not column_types:
                problems.append(Located(where, _line_of(text, f"name: {name}"), f"seed {name} declares no column_types"))
                continue
            meta = {**(seed.get("meta") or {}), **(config.get("meta") or {})}
            spec = SeedSpec(
                name=name,
                path=yml.parent / f"{name}.csv",
                yml=yml,
                column_types={k: str(v).lower() for k, v in column_types.items()},
                column_tests={c["name"]: c.get("data_tests") or [] for c in seed.get("columns", [])},
                table_tests=seed.get("data_tests") or [],
                min_rows=int(meta.get("min_rows", 0)),
            )
            declared = [(column, test) for column, tests in spec.column_tests.items() for test in tests]
            declared += [("", test) for test in spec.table_tests]
            for column, test in declared:
                test_name, _ = _test_name_and_args(test)
                if test_name not in known:
                    on = f"column {column} of seed {name}" if column else f"seed {name}"
                    anchors = [f"name: {name}"] + ([f"name: {column}"] if column else [])
                    problems.append(Located(
                        where, _line_of(text, test_name, *anchors),
                        f"unknown data test {test_name!r} on {on}: neither a dbt built-in test nor a "
                        f"`{{% test {test_name}(...) %}}` macro under macros/ (misspelt, or the macro is missing)",
                    ))
            specs[name] = spec
    if problems:
        raise SeedValidationError(problems)
    return specs


def read_seed(spec: SeedSpec, problems: list[Located], root: Path) -> SeedData | None:
    """The seed's rows with their line numbers, or None (and one problem naming the root cause)."""
    where = display_path(spec.path, root)
    if not spec.path.is_file():
        problems.append(Located(where, 1, f"file is missing (declared in {display_path(spec.yml, root)})"))
        return None
    raw = spec.path.read_bytes()
    expected = list(spec.column_types)
    if not raw.strip():
        problems.append(Located(where, 1, f"file is empty ({len(raw)} bytes); it needs at least the header line "
                                          f"{','.join(expected)}"))
        return None
    if raw.startswith(BOM):
        problems.append(Located(where, 1, "file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 "
                                          "without BOM (the BOM would become part of the first column's name)"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Located(where, line, f"byte {raw[error.start]:#x} is not UTF-8; save the file as UTF-8"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = (f"missing {missing}" if missing else "") + (", " if missing and extra else "") + \
                 (f"unexpected {extra}" if extra else "")
        problems.append(Located(where, 1, f"header does not match column_types in {display_path(spec.yml, root)} ("
                                          f"{detail or 'same columns in a different order'})"))
        return None
    rows = []
    for values in reader:
        line = reader.line_num
        if not values:
            continue
        if len(values) != len(header):
            problems.append(Located(where, line, f"{len(values)} fields, the header has {len(header)}"))
            continue
        rows.append((line, dict(zip(header, values))))
    if len(rows) < spec.min_rows:
        problems.append(Located(where, 2, f"has {len(rows)} data row(s) (header only); its YAML requires at least "
                                          f"{spec.min_rows} (config.meta.min_rows)"))
    return SeedData(spec, header, rows)


def is_numeric_type(data_type: str) -> bool:
    return data_type in _INTEGER_BITS or data_type.startswith(_DOUBLE_TYPES)


def number_problem(value: str, data_type: str) -> str | None:
    """Why DuckDB would not read `value` as `data_type` (None when it would, or when it is not a number type)."""
    if value == "" or not is_numeric_type(data_type):
        return None
    is_integer = data_type in _INTEGER_BITS
    pattern = _INTEGER if is_integer else _DOUBLE
    if pattern.fullmatch(value):
        if is_integer:
            bits = _INTEGER_BITS[data_type]
            if not -(2 ** (bits - 1)) <= int(value) < 2 ** (bits - 1):
                return f"does not fit a {data_type}"
        return None
    if _NOT_A_NUMBER.fullmatch(value.strip()):
        return "is not a number; leave the cell empty when the text gives no value"
    if any(c.isdigit() and not c.isascii() for c in value):
        return "has non-ASCII digits (full-width or another script); write the digits 0-9"
    if "_" in value or "," in value or " " in value.strip():
        return f"has a digit separator; write the number without separators ({re.sub(r'[_, ]', '', value)})"
    if value != value.strip():
        return "has spaces around the number; remove them"
    return f"is not {'a whole number' if is_integer else 'a number'} (digits 0-9, optional sign and decimal point)"


def date_problem(value: str, precision: str) -> str | None:
    """Why `value` is not a real date written at `precision` (day, month or year)."""
    if value == "" and precision == "":
        return None
    if precision not in _DATE_SHAPES:
        return f"has precision {precision!r}; expected day, month or year"
    pattern, shape = _DATE_SHAPES[precision]
    match = pattern.fullmatch(value)
    if match is None:
        return f"is not a {precision}-precision date (expected {shape} with digits 0-9)"
    numbers = [int(part) for part in match.groups()]
    year = numbers[0]
    if year == 0:
        return "has year 0000; write the real year"
    if len(numbers) > 1 and not 1 <= numbers[1] <= 12:
        return f"is not a real month (month {numbers[1]:02d}; months run 01-12)"
    if len(numbers) > 2:
        days = calendar.monthrange(year, numbers[1])[1]
        if not 1 <= numbers[2] <= days:
            return (f"is not a real day ({calendar.month_name[numbers[1]]} {year} has {days} days)")
    return None


def _type_problem(value: str, data_type: str) -> str | None:
    if value == "":
        return None
    if data_type == "boolean":
        return None if value.lower() in ("true", "false") else "is not true/false"
    if data_type == "date":
        return date_problem(value, "day")
    return number_problem(value, data_type)


class _Checker:
    def __init__(self, seeds: dict[str, SeedData], unreadable: set[str], root: Path) -> None:
        self.seeds = seeds
        self.unreadable = unreadable  # seeds whose own problem is the root cause: do not cascade
        self.root = root
        self.problems: list[Located] = []

    def values_of(self, seed: str, column: str) -> set[str] | None:
        """The values of a seed's column; None when that seed could not be read (its problem is reported)."""
        if seed in self.unreadable:
            return None
        data = self.seeds.get(seed)
        return {row[column] for _, row in data.rows} if data else set()

    def report(self, data: SeedData, line: int, message: str) -> None:
        self.problems.append(Located(display_path(data.spec.path, self.root), line, message))

    def check(self, data: SeedData) -> None:
        for column, data_type in data.spec.column_types.items():
            for line, row in data.rows:
                if problem := _type_problem(row[column], data_type):
                    self.report(data, line, f"{column} {row[column]!r} {problem}")
            for test in data.spec.column_tests.get(column, []):
                self.column_test(data, column, *_test_name_and_args(test))
        for test in data.spec.table_tests:
            self.table_test(data, *_test_name_and_args(test))

    def duplicate_keys(self, data: SeedData, columns: list[str], rows: list[tuple[int, dict[str, str]]]) -> None:
        """Every row whose key (the columns together) occurs more than once among `rows`, with its line."""
        counts = Counter(tuple(row[c] for c in columns) for _, row in rows)
        for line, row in rows:
            key = tuple(row[c] for c in columns)
            if counts[key] > 1:
                shown = f"{columns[0]} = {key[0]!r}" if len(columns) == 1 else f"({', '.join(columns)}) = {key}"
                self.report(data, line, f"duplicate key {shown}")

    def primary_key(self, data: SeedData, columns: list[str]) -> None:
        """An empty key column, named on its row; then the duplicates among the rows whose key is complete."""
        complete = []
        for line, row in data.rows:
            empty = [c for c in columns if row[c] == ""]
            for column in empty:
                key = f"the key ({', '.join(columns)})" if len(columns) > 1 else "the key"
                self.report(data, line, f"key column {column} is empty; every row needs {key}")
            if not empty:
                complete.append((line, row))
        self.duplicate_keys(data, columns, complete)

    def column_test(self, data: SeedData, column: str, name: str, args: dict[str, Any]) -> None:
        rows = data.rows
        if name == "unique":
            self.duplicate_keys(data, [column], [(line, row) for line, row in rows if row[column] != ""])
        elif name == "accepted_values":
            allowed = {str(v) for v in args["values"]}
            for line, row in rows:
                if row[column] != "" and row[column] not in allowed:
                    self.report(data, line, f"{column} {row[column]!r} is not one of {sorted(allowed)}")
        elif name == "relationships":
            target = _REF.search(str(args["to"])) or _SOURCE.search(str(args["to"]))
            known = self.values_of(target.group(1), args["field"]) if target else None
            if target is None or known is None:
                return
            for line, row in rows:
                if row[column] != "" and row[column] not in known:
                    self.report(
                        data, line, f"unknown code {column} = {row[column]!r} (not in {target.group(1)}.{args['field']})"
                    )
        elif name == "iso_date":
            for line, row in rows:
                precision = {4: "year", 7: "month"}.get(len(row[column]), "day")
                if row[column] != "" and (problem := date_problem(row[column], precision)):
                    self.report(data, line, f"{column} {row[column]!r} {problem}")

    def table_test(self, data: SeedData, name: str, args: dict[str, Any]) -> None:
        rows = data.rows
        if name == "primary_key":
            self.primary_key(data, list(args["column_names"]))
        elif name == "unique_combination":
            self.duplicate_keys(data, list(args["combination_of_columns"]), rows)
        elif name == "date_matches_precision":
            column, precision = args["column_name"], args["precision_column"]
            for line, row in rows:
                if problem := date_problem(row[column], row[precision]):
                    self.report(data, line, f"{column} {row[column]!r} {problem}")
        elif name == "relationships_by_kind":
            column, kind_column = args["column_name"], args["kind_column"]
            for line, row in rows:
                target = _KIND_TARGETS.get(row[kind_column])
                known = self.values_of(*target) if target else None
                if known is not None and row[column] not in known:
                    self.report(data, line, f"unknown {row[kind_column]} code {column} = {row[column]!r}")


def read_all_seeds(seeds_dir: Path) -> tuple[dict[str, SeedData], list[Located], set[str]]:
    """(readable seeds, problems reading them, names of seeds that could not be read)."""
    root = seeds_dir.parent
    problems: list[Located] = []
    specs = load_specs(seeds_dir)
    declared = {spec.path.resolve() for spec in specs.values()}
    for csv_path in sorted(seeds_dir.rglob("*.csv")):
        if csv_path.resolve() not in declared:
            problems.append(Located(display_path(csv_path, root), 1,
                                    "seed has no entry (and no column_types) in a seeds YAML"))
    seeds: dict[str, SeedData] = {}
    for name, spec in specs.items():
        if (data := read_seed(spec, problems, root)) is not None:
            seeds[name] = data
    return seeds, problems, set(specs) - set(seeds)


def validate_seeds(seeds_dir: Path) -> int:
    """Check every declared seed; returns the number of rows checked or raises SeedValidationError."""
    seeds, problems, unreadable = read_all_seeds(seeds_dir)
    checker = _Checker(seeds, unreadable, seeds_dir.parent)
    for data in seeds.values():
        checker.check(data)
    problems.extend(checker.problems)
    if problems:
        raise SeedValidationError(problems)
    return sum(len(data.rows) for data in seeds.values())

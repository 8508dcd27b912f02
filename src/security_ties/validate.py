"""Seed pre-flight: check every CSV seed row against the rules its YAML declares, before dbt loads it.

dbt and DuckDB reject a bad seed too, but with messages such as "Could not convert string '2024-13-01'
to DATE" that name neither the file nor the row. This module reads the same YAML (column_types and the
declared data tests) and reports `seeds/facts/events.csv line 12: event_date '2024-02-30' is not a
valid date` instead. The rules live only in the YAML; this module interprets them row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_REF = re.compile(r"ref\(\s*['\"](\w+)['\"]\s*\)")
_DATE_SHAPES = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
_KIND_TARGETS = {"country": ("countries", "iso3"), "organization": ("organizations", "org_code")}


class SeedValidationError(Exception):
    """Raised when one or more seed rows break the rules their YAML declares."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} seed problem(s); nothing was built or published:\n{listed}{more}")


@dataclass
class SeedSpec:
    name: str
    path: Path
    column_types: dict[str, str]
    column_tests: dict[str, list[Any]] = field(default_factory=dict)
    table_tests: list[Any] = field(default_factory=list)


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


def load_specs(seeds_dir: Path) -> dict[str, SeedSpec]:
    specs: dict[str, SeedSpec] = {}
    for yml in sorted(seeds_dir.rglob("_*.yml")):
        document = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        for seed in document.get("seeds", []):
            name = seed["name"]
            column_types = (seed.get("config") or {}).get("column_types") or {}
            if not column_types:
                raise SeedValidationError([f"{yml}: seed {name} declares no column_types"])
            specs[name] = SeedSpec(
                name=name,
                path=yml.parent / f"{name}.csv",
                column_types={k: v.lower() for k, v in column_types.items()},
                column_tests={c["name"]: c.get("data_tests", []) for c in seed.get("columns", [])},
                table_tests=seed.get("data_tests", []),
            )
    return specs


def read_seed(spec: SeedSpec, problems: list[str]) -> SeedData | None:
    where = spec.path.as_posix()
    if not spec.path.is_file():
        problems.append(f"{where}: file is missing (declared in the seeds YAML)")
        return None
    raw = spec.path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(f"{where} line {line}: byte {raw[error.start]:#x} is not UTF-8; save the file as UTF-8")
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    expected = list(spec.column_types)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        problems.append(
            f"{where} line 1: header does not match column_types (missing {missing}, unexpected {extra}, "
            f"or a different order)"
        )
        return None
    rows = []
    for values in reader:
        line = reader.line_num
        if not values:
            continue
        if len(values) != len(header):
            problems.append(f"{where} line {line}: {len(values)} fields, the header has {len(header)}")
            continue
        rows.append((line, dict(zip(header, values))))
    return SeedData(spec, header, rows)


def _type_problem(value: str, data_type: str) -> str | None:
    if value == "":
        return None
    try:
        if data_type in ("integer", "int", "bigint"):
            int(value)
        elif data_type in ("double", "float", "decimal", "numeric"):
            float(value)
        elif data_type == "boolean" and value.lower() not in ("true", "false"):
            return "is not true/false"
        elif data_type == "date":
            dt.date.fromisoformat(value)
    except ValueError:
        return f"is not a valid {data_type}"
    return None


def _date_problem(value: str, precision: str) -> str | None:
    if value == "" and precision == "":
        return None
    shape = _DATE_SHAPES.get(precision)
    if shape is None:
        return f"has precision {precision!r}; expected day, month or year"
    try:
        parsed = dt.datetime.strptime(value, shape)
    except ValueError:
        return f"is not a valid {precision}-precision date (expected {shape.replace('%', '')})"
    if parsed.strftime(shape) != value:
        return f"is not written as {shape.replace('%', '')}"
    return None


class _Checker:
    def __init__(self, seeds: dict[str, SeedData]) -> None:
        self.seeds = seeds
        self.problems: list[str] = []

    def values_of(self, seed: str, column: str) -> set[str]:
        data = self.seeds.get(seed)
        return {row[column] for _, row in data.rows} if data else set()

    def report(self, data: SeedData, line: int, message: str) -> None:
        self.problems.append(f"{data.spec.path.as_posix()} line {line}: {message}")

    def check(self, data: SeedData) -> None:
        for column, data_type in data.spec.column_types.items():
            for line, row in data.rows:
                if problem := _type_problem(row[column], data_type):
                    self.report(data, line, f"{column} {row[column]!r} {problem}")
            for test in data.spec.column_tests.get(column, []):
                self.column_test(data, column, *_test_name_and_args(test))
        for test in data.spec.table_tests:
            self.table_test(data, *_test_name_and_args(test))

    def column_test(self, data: SeedData, column: str, name: str, args: dict[str, Any]) -> None:
        rows = data.rows
        if name == "not_null":
            for line, row in rows:
                if row[column].strip() == "":
                    self.report(data, line, f"{column} is empty")
        elif name == "unique":
            counts = Counter(row[column] for _, row in rows if row[column] != "")
            for line, row in rows:
                if counts[row[column]] > 1:
                    self.report(data, line, f"duplicate key {column} = {row[column]!r}")
        elif name == "accepted_values":
            allowed = {str(v) for v in args["values"]}
            for line, row in rows:
                if row[column] != "" and row[column] not in allowed:
                    self.report(data, line, f"{column} {row[column]!r} is not one of {sorted(allowed)}")
        elif name == "relationships":
            target = _REF.search(str(args["to"]))
            if target is None:
                return
            known = self.values_of(target.group(1), args["field"])
            for line, row in rows:
                if row[column] != "" and row[column] not in known:
                    self.report(
                        data, line, f"unknown code {column} = {row[column]!r} (not in {target.group(1)}.{args['field']})"
                    )
        elif name == "iso_date":
            for line, row in rows:
                precision = {4: "year", 7: "month", 10: "day"}.get(len(row[column]), "day")
                if row[column] != "" and (problem := _date_problem(row[column], precision)):
                    self.report(data, line, f"{column} {row[column]!r} {problem}")
        elif name == "matches_pattern":
            pattern = re.compile(args["pattern"])
            for line, row in rows:
                if row[column] != "" and not pattern.fullmatch(row[column]):
                    self.report(data, line, f"{column} {row[column]!r} does not match the pattern {args['pattern']}")
        elif name == "value_in_range":
            low, high = args.get("min_value"), args.get("max_value")
            for line, row in rows:
                if row[column] == "" or _type_problem(row[column], "double"):
                    continue
                number = float(row[column])
                if (low is not None and number < low) or (high is not None and number > high):
                    self.report(data, line, f"{column} {row[column]} is outside [{low}, {high}]")

    def table_test(self, data: SeedData, name: str, args: dict[str, Any]) -> None:
        rows = data.rows
        if name == "unique_combination":
            columns = args["combination_of_columns"]
            counts = Counter(tuple(row[c] for c in columns) for _, row in rows)
            for line, row in rows:
                key = tuple(row[c] for c in columns)
                if counts[key] > 1:
                    self.report(data, line, f"duplicate key ({', '.join(columns)}) = {key}")
        elif name == "date_matches_precision":
            column, precision = args["column_name"], args["precision_column"]
            for line, row in rows:
                if problem := _date_problem(row[column], row[precision]):
                    self.report(data, line, f"{column} {row[column]!r} {problem}")
        elif name == "relationships_by_kind":
            column, kind_column = args["column_name"], args["kind_column"]
            for line, row in rows:
                target = _KIND_TARGETS.get(row[kind_column])
                if target and row[column] not in self.values_of(*target):
                    self.report(data, line, f"unknown {row[kind_column]} code {column} = {row[column]!r}")
        elif name == "at_least_one_not_null":
            columns = args["column_names"]
            for line, row in rows:
                if all(row[c] == "" for c in columns):
                    self.report(data, line, f"all of {columns} are empty; at least one is required")
        elif name == "ordered_columns":
            low, high = args["lower_column"], args["upper_column"]
            for line, row in rows:
                if row[low] and row[high] and not _type_problem(row[low], "double") \
                        and not _type_problem(row[high], "double") and float(row[low]) > float(row[high]):
                    self.report(data, line, f"{low} {row[low]} is greater than {high} {row[high]}")


def validate_seeds(seeds_dir: Path) -> int:
    """Check every declared seed; returns the number of rows checked or raises SeedValidationError."""
    problems: list[str] = []
    specs = load_specs(seeds_dir)
    declared = {spec.path.resolve() for spec in specs.values()}
    for csv_path in sorted(seeds_dir.rglob("*.csv")):
        if csv_path.resolve() not in declared:
            problems.append(f"{csv_path.as_posix()}: seed has no entry (and no column_types) in a seeds YAML")
    seeds = {name: data for name, spec in specs.items() if (data := read_seed(spec, problems))}
    checker = _Checker(seeds)
    for data in seeds.values():
        checker.check(data)
    problems.extend(checker.problems)
    if problems:
        raise SeedValidationError(problems)
    return sum(len(data.rows) for data in seeds.values())

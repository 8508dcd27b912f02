"""Engine parity: the same mart must hold the same rows on DuckDB and on Spark.

Rows are compared as multisets of fingerprints, so row order never matters. Before hashing, every value
is normalised to one text form that does not depend on the engine's types: dates and timestamps as ISO
strings, numbers (integer, double, decimal) rounded to six places without trailing zeros, booleans as
true/false and null as one marker. A difference raises ParityError naming the mart and a sample row.

This module needs neither DuckDB nor Spark: callers read the rows, this module compares them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import yaml

NULL_MARKER = "<null>"
NUMBER_PLACES = Decimal("0.000001")
FIELD_SEPARATOR = "\x1f"


class ParityError(AssertionError):
    """A mart differs between the two engines."""


def normalise_value(value: object) -> str:
    """One engine-independent text form of a value (see the module docstring)."""
    if value is None:
        return NULL_MARKER
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return _normalise_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(normalise_value(item) for item in value) + "]"
    return str(value)


def _normalise_number(value: int | float | Decimal) -> str:
    number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    if not number.is_finite():
        return str(number).lower()
    rounded = number.quantize(NUMBER_PLACES, rounding=ROUND_HALF_EVEN).normalize()
    text = format(rounded, "f")
    return "0" if text in ("-0", "0") else text


def normalise_row(columns: Sequence[str], row: Sequence[object]) -> dict[str, str]:
    if len(columns) != len(row):
        raise ValueError(f"row has {len(row)} values for {len(columns)} columns: {row!r}")
    return {column: normalise_value(value) for column, value in zip(columns, row)}


def fingerprint(normalised_row: Mapping[str, str]) -> str:
    """sha256 over the normalised values in column-name order (so column order never matters)."""
    payload = FIELD_SEPARATOR.join(f"{name}={normalised_row[name]}" for name in sorted(normalised_row))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MartComparison:
    mart: str
    left_engine: str
    right_engine: str
    left_rows: int
    right_rows: int
    left_columns: tuple[str, ...]
    right_columns: tuple[str, ...]
    only_left: tuple[dict[str, str], ...]
    only_right: tuple[dict[str, str], ...]

    @property
    def equal(self) -> bool:
        return set(self.left_columns) == set(self.right_columns) and not self.only_left and not self.only_right

    def describe(self) -> str:
        if self.equal:
            return f"{self.mart}: equal ({self.left_rows} rows, {len(self.left_columns)} columns)"
        if set(self.left_columns) != set(self.right_columns):
            missing = sorted(set(self.left_columns) - set(self.right_columns))
            extra = sorted(set(self.right_columns) - set(self.left_columns))
            return (f"{self.mart}: columns differ ({self.right_engine} lacks {missing}, "
                    f"has extra {extra})")
        sample_engine, sample = ((self.left_engine, self.only_left[0]) if self.only_left
                                 else (self.right_engine, self.only_right[0]))
        return (f"{self.mart}: rows differ ({self.left_engine} {self.left_rows} rows, {self.right_engine} "
                f"{self.right_rows} rows; {len(self.only_left)} only on {self.left_engine}, "
                f"{len(self.only_right)} only on {self.right_engine}); sample row only on {sample_engine}: {sample}")


def compare_mart(
    mart: str,
    left: tuple[str, Sequence[str], Iterable[Sequence[object]]],
    right: tuple[str, Sequence[str], Iterable[Sequence[object]]],
) -> MartComparison:
    """Compare one mart's rows; each side is (engine name, column names, rows)."""
    (left_engine, left_columns, left_rows), (right_engine, right_columns, right_rows) = left, right
    left_by_hash = _rows_by_fingerprint(left_columns, left_rows)
    right_by_hash = _rows_by_fingerprint(right_columns, right_rows)
    left_counts = Counter({key: len(rows) for key, rows in left_by_hash.items()})
    right_counts = Counter({key: len(rows) for key, rows in right_by_hash.items()})
    only_left = [row for key, extra in (left_counts - right_counts).items() for row in left_by_hash[key][:extra]]
    only_right = [row for key, extra in (right_counts - left_counts).items() for row in right_by_hash[key][:extra]]
    return MartComparison(
        mart=mart,
        left_engine=left_engine,
        right_engine=right_engine,
        left_rows=sum(left_counts.values()),
        right_rows=sum(right_counts.values()),
        left_columns=tuple(c.lower() for c in left_columns),
        right_columns=tuple(c.lower() for c in right_columns),
        only_left=tuple(only_left),
        only_right=tuple(only_right),
    )


def _rows_by_fingerprint(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> dict[str, list[dict[str, str]]]:
    lowered = [column.lower() for column in columns]
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        normalised = normalise_row(lowered, row)
        grouped.setdefault(fingerprint(normalised), []).append(normalised)
    return grouped


def assert_all_equal(comparisons: Sequence[MartComparison]) -> None:
    """Raise ParityError naming every mart that differs (with a sample row each)."""
    if not comparisons:
        raise ParityError("no marts were compared")
    differing = [comparison for comparison in comparisons if not comparison.equal]
    if differing:
        raise ParityError("marts differ between engines:\n" + "\n".join(c.describe() for c in differing))


_ENV_VAR = re.compile(r"\{\{\s*env_var\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)\s*\}\}")


def spark_session_conf(profiles_path: Path, project_root: Path, target: str = "spark") -> dict[str, str]:
    """The Spark configuration of a profile target (its server_side_parameters), env_var() resolved and
    the warehouse and metastore paths made absolute against the project root, so a reader session in
    another process opens the catalog that `dbt build --target <target>` wrote."""
    profiles = yaml.safe_load(profiles_path.read_text(encoding="utf-8"))
    profile = next(iter(profiles.values()))
    outputs = profile["outputs"]
    if target not in outputs:
        raise KeyError(f"{profiles_path}: no target {target!r} (targets: {sorted(outputs)})")
    parameters = outputs[target].get("server_side_parameters") or {}
    resolved = {str(key): _render_env_vars(str(value)) for key, value in parameters.items()}
    warehouse = resolved.get("spark.sql.warehouse.dir")
    if warehouse and not Path(warehouse).is_absolute():
        resolved["spark.sql.warehouse.dir"] = str(project_root / warehouse)
    metastore_key = "spark.hadoop.javax.jdo.option.ConnectionURL"
    if metastore_key in resolved:
        resolved[metastore_key] = re.sub(
            r"databaseName=([^;]+)",
            lambda match: "databaseName=" + (match.group(1) if Path(match.group(1)).is_absolute()
                                             else str(project_root / match.group(1))),
            resolved[metastore_key],
        )
    return resolved


def _render_env_vars(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise KeyError(f"profiles.yml needs the environment variable {name}")
        return default

    return _ENV_VAR.sub(replace, text)

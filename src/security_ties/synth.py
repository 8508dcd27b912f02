"""Synthetic fact inputs at any scale, with the real seeds' shapes, for the scale benchmark.

`security-ties-dev synth --rows N --seed S --out DIR` writes one file per fact seed (`<seed>.parquet`, or `.csv`),
with exactly the columns and types of seeds/facts/*.csv and their `column_types`, and values that pass the
seeds' own tests. Everything is generated inside DuckDB from `range(N)` with `hash(row, seed, column)` as the
random source, so the output is deterministic for a seed and 10^7 rows take seconds, not minutes in Python.

Where the values come from:
- coded columns (flows, qualifiers, statuses, event types, units ...): the `accepted_values` of the seed
  YAML, weighted by how often each value occurs in the real seed (plus one, so every value appears);
- countries and organisations: the reference seeds, the ones the real facts name first and most often;
- documents: the five reference documents; ~10 % of trade figures restate the previous figure's key from
  a document drawn anew, a third of those with a different value (a source conflict); the stages of one
  arms deal and the steps of one treaty come from different documents;
- dates: mixed precision (day, month, year) with a basis, increasing along each membership, treaty and deal;
- ranges, upper bounds and qualifiers as the real rows have them; evidence is a synthetic quote (the scale
  data is not checked against the corpus: `verify-evidence` is a property of the curated seeds).

The models read these files through dbt-duckdb external sources: `dbt build --vars
'{facts_location: "DIR/{name}.parquet"}'` (see models/staging/facts/_facts__sources.yml); the curated
seeds stay seeds. Parquet keeps the column types, so it is the format the models read at scale; CSV is
written for other tools on request.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from security_ties import vocabulary

FACT_SEEDS = Path("seeds") / "facts"
REFERENCE_SEEDS = Path("seeds") / "reference"
LOOKUP_SIZE = 1000  # a weighted pick indexes a list of this many entries
FIRST_YEAR, YEARS = 1991, 39  # dates fall in 1991-2029, inside dim_date

# Each fact seed's share of the rows; event_actors has two rows per event.
SHARES: Mapping[str, float] = {
    "trade_figures": 0.39, "events": 0.12, "event_actors": 0.24, "membership_events": 0.06,
    "arms_transfers": 0.06, "indicators": 0.05, "treaty_parties": 0.02, "treaty_events": 0.02, "treaties": 0.01,
    "arms_supplier_shares": 0.01, "excluded_mentions": 0.01, "claims": 0.005, "conflict_resolutions": 0.0005,
    "ties": 0.01,
}


class SynthError(Exception):
    """The generator cannot produce the requested data (bad arguments or an unexpected seed shape)."""


@dataclass(frozen=True)
class SeedShape:
    name: str
    columns: tuple[str, ...]  # in the CSV's order
    types: Mapping[str, str]  # column -> DuckDB type from column_types
    accepted: Mapping[str, tuple[str, ...]]  # column -> accepted values
    rows: tuple[Mapping[str, str], ...]  # the real rows, for frequencies


def load_shapes(root: Path) -> dict[str, SeedShape]:
    """Every fact seed's header, column types, accepted values and real rows."""
    config = yaml.safe_load((root / FACT_SEEDS / "_facts__seeds.yml").read_text(encoding="utf-8"))
    shapes: dict[str, SeedShape] = {}
    for seed in config["seeds"]:
        path = root / FACT_SEEDS / f"{seed['name']}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = tuple(reader)
            columns = tuple(reader.fieldnames or ())
        accepted: dict[str, tuple[str, ...]] = {}
        for column in seed.get("columns", []):
            for test in column.get("data_tests", []):
                if isinstance(test, dict) and "accepted_values" in test:
                    body = test["accepted_values"] or {}
                    accepted[column["name"]] = tuple(str(v) for v in body.get("arguments", body)["values"])
                elif isinstance(test, dict) and "relationships" in test:
                    # a coded column whose codes live in a vocabulary seed (qualifiers, stages, event types ...)
                    body = test["relationships"] or {}
                    arguments = body.get("arguments", body)
                    target = re.fullmatch(r"ref\('(\w+)'\)", str(arguments.get("to", "")).strip())
                    if target and (root / "seeds" / vocabulary.VOCABULARY_FOLDER / f"{target.group(1)}.csv").is_file():
                        accepted[column["name"]] = vocabulary.codes(root / "seeds", target.group(1), arguments["field"])
        types = seed.get("config", {}).get("column_types", {})
        missing = [c for c in columns if c not in types]
        if missing:
            raise SynthError(f"{path}: no column_types for {', '.join(missing)} in {FACT_SEEDS}/_facts__seeds.yml")
        shapes[seed["name"]] = SeedShape(seed["name"], columns, types, accepted, rows)
    return shapes


def reference_codes(root: Path, seed: str, column: str, facts: Sequence[SeedShape], fact_columns: Sequence[str]) -> list[str]:
    """The reference codes, those the real facts name most often first (the skewed picks favour them)."""
    with (root / REFERENCE_SEEDS / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        # existing states only: dissolved ones (is_historical) carry codes such as BA1 and end before the facts
        codes = [row[column] for row in csv.DictReader(handle)
                 if row[column] and str(row.get("is_historical", "false")).lower() not in ("true", "1")]
    used = Counter(row[c] for shape in facts for row in shape.rows for c in fact_columns if row.get(c) in set(codes))
    return sorted(codes, key=lambda code: (-used[code], code))


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Sql:
    """SQL expressions for deterministic pseudo-random values of row `i` (a column of range(n))."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def u(self, key: str, row: str = "i") -> str:
        """A uniform integer in [0, 1_000_000) for this row and key."""
        return f"(hash({row}, {self.seed}, {literal(key)}) % 1000000)"

    def below(self, key: str, n: int | str, row: str = "i") -> str:
        return f"(hash({row}, {self.seed}, {literal(key)}) % ({n}))::bigint"

    def weighted(self, key: str, values: Sequence[str], weights: Sequence[float], row: str = "i") -> str:
        """One of `values`, drawn with `weights`, through a lookup list of LOOKUP_SIZE entries."""
        total = float(sum(weights))
        lookup: list[str] = []
        for value, weight in zip(values, weights):
            lookup += [value] * max(1, round(LOOKUP_SIZE * weight / total))
        return f"([{', '.join(literal(v) for v in lookup)}])[1 + {self.below(key, len(lookup), row)}]"

    def skewed(self, key: str, codes: Sequence[str], row: str = "i") -> str:
        """A code, the first ones (most used by the real facts) far more often: index = n * u^3."""
        n = len(codes)
        listed = ", ".join(literal(c) for c in codes)
        return f"([{listed}])[1 + least({n - 1}, floor({n} * pow({self.u(key, row)} / 1000000.0, 3)))::bigint]"

    def real(self, key: str, shape: SeedShape, column: str, row: str = "i") -> str:
        """A value of an accepted-values column, weighted by the real seed's frequencies (+1)."""
        values = shape.accepted[column]
        counts = Counter(r[column] for r in shape.rows)
        return self.weighted(key, values, [counts[v] + 1 for v in values], row)

    def date_parts(self, key: str, precision: str, year: str) -> str:
        """The date string at a precision of seeds/vocabulary/date_precisions.csv in the given year, plus a basis."""
        month = f"(1 + {self.below(key + ':m', 12)})"
        day = f"(1 + {self.below(key + ':d', 28)})"
        return (f"case {precision} when 'year' then printf('%04d', {year}) "
                f"when 'month' then printf('%04d-%02d', {year}, {month}) "
                f"else printf('%04d-%02d-%02d', {year}, {month}, {day}) end")


def row_counts(rows: int) -> dict[str, int]:
    if rows < 100:
        raise SynthError(f"--rows must be at least 100 (got {rows})")
    counts = {name: max(2, int(rows * share)) for name, share in SHARES.items()}
    counts["event_actors"] = 2 * counts["events"]
    return counts


def sql_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def generate(root: Path, out: Path, rows: int, seed: int = 0, fmt: str = "parquet",
             memory_limit: str = "4GB", threads: int = 2) -> dict[str, int]:
    """Write the synthetic fact files into `out`; returns rows per file."""
    from security_ties import synth_facts  # the generators build on this module's pieces

    if fmt not in ("parquet", "csv"):
        raise SynthError(f"--format must be parquet or csv (got {fmt!r})")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with duckdb.connect() as connection:
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set threads = {int(threads)}")
        for name, query in synth_facts.queries(root, rows, seed).items():
            target = out / f"{name}.{fmt}"
            options = "(format parquet, compression zstd)" if fmt == "parquet" else "(format csv, header true)"
            connection.execute(f"copy ({query}) to {literal(str(target))} {options}")
            written[name] = int(connection.execute(
                f"select count(*) from read_{fmt}({literal(str(target))})").fetchone()[0])  # type: ignore[index]
    return written

"""Synthetic fact inputs at any scale, with the real seeds' shapes, for the scale benchmark.

`security-ties synth --rows N --seed S --out DIR` writes one file per fact seed (`<seed>.parquet`, or `.csv`),
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
    "trade_figures": 0.40, "events": 0.12, "event_actors": 0.24, "membership_events": 0.06,
    "arms_transfers": 0.06, "indicators": 0.05, "treaty_parties": 0.02, "treaty_events": 0.02, "treaties": 0.01,
    "arms_supplier_shares": 0.01, "excluded_mentions": 0.01, "claims": 0.005, "conflict_resolutions": 0.0005,
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


def _reference_codes(root: Path, seed: str, column: str, facts: Sequence[SeedShape], fact_columns: Sequence[str]) -> list[str]:
    """The reference codes, those the real facts name most often first (the skewed picks favour them)."""
    with (root / REFERENCE_SEEDS / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        # existing states only: dissolved ones (is_historical) carry codes such as BA1 and end before the facts
        codes = [row[column] for row in csv.DictReader(handle)
                 if row[column] and str(row.get("is_historical", "false")).lower() not in ("true", "1")]
    used = Counter(row[c] for shape in facts for row in shape.rows for c in fact_columns if row.get(c) in set(codes))
    return sorted(codes, key=lambda code: (-used[code], code))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Sql:
    """SQL expressions for deterministic pseudo-random values of row `i` (a column of range(n))."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def u(self, key: str, row: str = "i") -> str:
        """A uniform integer in [0, 1_000_000) for this row and key."""
        return f"(hash({row}, {self.seed}, {_literal(key)}) % 1000000)"

    def below(self, key: str, n: int | str, row: str = "i") -> str:
        return f"(hash({row}, {self.seed}, {_literal(key)}) % ({n}))::bigint"

    def weighted(self, key: str, values: Sequence[str], weights: Sequence[float], row: str = "i") -> str:
        """One of `values`, drawn with `weights`, through a lookup list of LOOKUP_SIZE entries."""
        total = float(sum(weights))
        lookup: list[str] = []
        for value, weight in zip(values, weights):
            lookup += [value] * max(1, round(LOOKUP_SIZE * weight / total))
        return f"([{', '.join(_literal(v) for v in lookup)}])[1 + {self.below(key, len(lookup), row)}]"

    def skewed(self, key: str, codes: Sequence[str], row: str = "i") -> str:
        """A code, the first ones (most used by the real facts) far more often: index = n * u^3."""
        n = len(codes)
        listed = ", ".join(_literal(c) for c in codes)
        return f"([{listed}])[1 + least({n - 1}, floor({n} * pow({self.u(key, row)} / 1000000.0, 3)))::bigint]"

    def real(self, key: str, shape: SeedShape, column: str, row: str = "i") -> str:
        """A value of an accepted-values column, weighted by the real seed's frequencies (+1)."""
        values = shape.accepted[column]
        counts = Counter(r[column] for r in shape.rows)
        return self.weighted(key, values, [counts[v] + 1 for v in values], row)

    def date_parts(self, key: str, precision: str, year: str) -> str:
        """The date string of a precision ('day', 'month', 'year') in the given year, plus a basis."""
        month = f"(1 + {self.below(key + ':m', 12)})"
        day = f"(1 + {self.below(key + ':d', 28)})"
        return (f"case {precision} when 'year' then printf('%04d', {year}) "
                f"when 'month' then printf('%04d-%02d', {year}, {month}) "
                f"else printf('%04d-%02d-%02d', {year}, {month}, {day}) end")


def _counts(rows: int) -> dict[str, int]:
    if rows < 100:
        raise SynthError(f"--rows must be at least 100 (got {rows})")
    counts = {name: max(2, int(rows * share)) for name, share in SHARES.items()}
    counts["event_actors"] = 2 * counts["events"]
    return counts


def _queries(root: Path, rows: int, seed: int) -> dict[str, str]:
    """One SELECT per fact seed, producing exactly its columns (types cast at the end)."""
    shapes = load_shapes(root)
    facts = list(shapes.values())
    countries = _reference_codes(root, "countries", "iso3", facts,
                                 ["reporter_iso3", "partner_iso3", "supplier_iso3", "recipient_iso3", "country_iso3",
                                  "location_iso3", "party_code", "actor_code", "subject_code"])
    orgs = _reference_codes(root, "organizations", "org_code", facts,
                            ["partner_org_code", "org_code", "party_code", "actor_code", "subject_code"])
    with (root / REFERENCE_SEEDS / "documents.csv").open(encoding="utf-8", newline="") as handle:
        documents = [row["doc_id"] for row in csv.DictReader(handle)]
    n = _counts(rows)
    s = Sql(seed)
    doc = lambda key, row="i": s.weighted(key, documents, [1] * len(documents), row)  # noqa: E731
    docnum = lambda expr: f"substr({expr}, 5, 3)"  # noqa: E731 - doc_003 -> 003
    precision = lambda key, shape, column: s.real(key, shape, column)  # noqa: E731
    basis = lambda key, shape, column: s.real(key, shape, column)  # noqa: E731
    quote = lambda what: f"'Synthetic statement: ' || {what}"  # noqa: E731
    c, o = len(countries), len(orgs)
    clist = "[" + ", ".join(_literal(x) for x in countries) + "]"
    olist = "[" + ", ".join(_literal(x) for x in orgs) + "]"

    trade = shapes["trade_figures"]
    # A restatement (10 %) repeats the previous row's key from another document; a third of them differ.
    queries = {"trade_figures": f"""
        with keyed as (
            select i, case when {s.u('restate')} < 100000 and i > 0 then i - 1 else i end as k,
                   {s.u('restate')} < 33000 and i > 0 as differs
            from range({n['trade_figures']}) t(i)
        ), base as (
            select i, k, differs,
                   {clist}[1 + ((k // {YEARS * 3 * c}) % {c})] as reporter_iso3,
                   {clist}[1 + ((k // {YEARS * 3}) % {c})] as partner,
                   ['total', 'exports', 'imports'][1 + ((k // {YEARS}) % 3)] as flow,
                   {FIRST_YEAR} + k % {YEARS} as year,
                   {s.u('org', 'k')} < 50000 as with_bloc,
                   {s.real('qualifier', trade, 'qualifier', 'k')} as qualifier,
                   round(exp(9 + 13 * {s.u('value', 'k')} / 1000000.0), -3)
                       * case when differs then 1.25 else 1 end as value,
                   {doc('doc')} as doc_id
            from keyed
        )
        select 'TRD-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id, reporter_iso3,
               case when with_bloc then null else partner end as partner_iso3,
               case when with_bloc then {olist}[1 + (k % {o})] end as partner_org_code,
               flow, year, value as value_usd,
               case when qualifier = 'range' then value * 1.2 end as value_usd_upper,
               case when {s.u('share', 'k')} < 150000 then round({s.u('pct', 'k')} / 10000.0, 1) end as share_pct,
               case when {s.u('rank', 'k')} < 80000 then 1 + {s.below('rankv', 10, 'k')} end as rank,
               qualifier, {quote("'trade ' || reporter_iso3 || ' ' || flow || ' ' || year")} as evidence,
               case when i <> k then 'restates the figure of another document' end as note
        from base"""}

    arms = shapes["arms_transfers"]
    # a deal names a system as the alias seed spells it for its supplier (staging resolves it to one system)
    with (root / REFERENCE_SEEDS / "weapon_system_aliases.csv").open(encoding="utf-8", newline="") as handle:
        spellings = [(row["supplier_iso3"], row["name_as_written"], row["weapon_system_id"])
                     for row in csv.DictReader(handle)]
    spelling_suppliers, spelling_names = _list([a for a, _, _ in spellings]), _list([b for _, b, _ in spellings])
    systems = sorted({system for _, _, system in spellings})
    # a system has one category: draw it per system, not per deal
    spelling_system_numbers = "[" + ", ".join(str(systems.index(system)) for _, _, system in spellings) + "]"
    stages = list(arms.accepted["status"])[1:5]  # the vocabulary's stages after "discussed", in their order
    queries["arms_transfers"] = f"""
        with base as (
            select i, i // 3 as deal, i % 3 as stage_no,
                   {spelling_suppliers}[1 + ((i // 3) % {len(spellings)})] as supplier_iso3,
                   {spelling_names}[1 + ((i // 3) % {len(spellings)})] as system_name,
                   {s.skewed('recipient', countries, '(i // 3) + 7')} as recipient_iso3,
                   {s.real('category', arms, 'category', f"{spelling_system_numbers}[1 + ((i // 3) % {len(spellings)})]")}
                       as category,
                   {s.real('precision', arms, 'status_date_precision')} as status_date_precision,
                   {doc('doc')} as doc_id
            from range({n['arms_transfers']}) t(i)
        )
        select 'ARM-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               lower(supplier_iso3) || '_' || lower(recipient_iso3) || '_system_' || deal as deal_key,
               supplier_iso3, recipient_iso3, system_name, category,
               -- one quantity and qualifier per deal, so the texts' bounds never contradict each other
               case when {s.u('qty', 'deal')} < 600000 then 1 + {s.below('qtyv', 200, 'deal')} end as quantity,
               null as quantity_upper,
               case when {s.u('val')} < 300000 then round(exp(13 + 8 * {s.u('valv')} / 1000000.0), -3) end as value_usd,
               case when {s.u('cancel', 'deal')} < 50000 and stage_no = 2 then 'cancelled'
                    else ({_list(stages)})[1 + stage_no + (deal % 2)] end as status,
               {s.date_parts('date', 'status_date_precision', f"{FIRST_YEAR} + (deal % {YEARS - 4}) + stage_no")} as status_date,
               status_date_precision,
               {basis('basis', arms, 'status_date_basis')} as status_date_basis,
               null as date_basis_note,
               {s.real('qualifier', arms, 'qualifier', 'deal')} as qualifier,
               case when {s.u('period', 'deal')} < 100000 then {FIRST_YEAR} + (deal % {YEARS - 4}) end as supply_start_year,
               case when {s.u('period', 'deal')} < 100000 then {FIRST_YEAR} + (deal % {YEARS - 4}) + 2 end
                   as supply_end_year,
               {quote("'arms deal ' || deal || ' stage ' || stage_no")} as evidence, null as note
        from base"""

    shares = shapes["arms_supplier_shares"]
    queries["arms_supplier_shares"] = f"""
        with base as (
            select i, {FIRST_YEAR} + {s.below('start', YEARS - 5)} as start_year, {s.below('len', 5)} as span,
                   {s.real('qualifier', shares, 'qualifier')} as qualifier, {doc('doc')} as doc_id,
                   round({s.u('pct')} / 12500.0, 1) as pct
            from range({n['arms_supplier_shares']}) t(i)
        )
        select 'SHR-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               {s.skewed('supplier', countries)} as supplier_iso3, {s.skewed('recipient', countries, 'i + 3')} as recipient_iso3,
               case when {s.u('open')} < 300000 then null else start_year end as period_start_year,
               start_year + span as period_end_year, pct as share_pct,
               case when qualifier = 'range' then pct + 10 end as share_pct_upper,
               null as supplier_rank, null as supplier_rank_upper,
               {s.real('measure', shares, 'measure')} as measure, qualifier,
               {quote("'share ' || i")} as evidence, null as note
        from base"""

    members = shapes["membership_events"]
    pairs = c * o
    per_pair = max(1, -(-n["membership_events"] // pairs))
    step = max(1, (YEARS * 365) // (per_pair + 1))
    cycle = ["joined", "suspended", "rejoined", "frozen_participation", "rejoined", "withdrew"]
    queries["membership_events"] = f"""
        with base as (
            select i, i % {pairs} as pair, i // {pairs} as seq, {doc('doc')} as doc_id,
                   case when i // {pairs} = 0 then {s.real('precision', members, 'event_date_precision')}
                        else {s.weighted('precision2', ['day', 'month'], [3, 1])} end as precision
            from range({n['membership_events']}) t(i)
        ), dated as (
            select *, date '{FIRST_YEAR}-01-01' + to_days(((seq + 1) * {step})::integer) as day
            from base
        )
        select 'MEM-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               {clist}[1 + (pair % {c})] as country_iso3, {olist}[1 + (pair // {c})] as org_code,
               ({_list(cycle)})[1 + (seq % {len(cycle)})] as event_type,
               case precision when 'year' then strftime(day, '%Y') when 'month' then strftime(day, '%Y-%m')
                    else strftime(day, '%Y-%m-%d') end as event_date,
               precision as event_date_precision,
               {basis('basis', members, 'event_date_basis')} as event_date_basis, null as date_basis_note,
               case when seq % {len(cycle)} in (3) then 'political_declaration' else 'legal_act' end as act_kind,
               {quote("'membership ' || pair || ' step ' || seq")} as evidence, null as note
        from dated"""

    treaties = shapes["treaties"]
    queries["treaties"] = f"""
        select 'synthetic_treaty_' || i as treaty_id, {doc('doc')} as doc_id, 'Synthetic treaty ' || i as treaty_name,
               {s.real('type', treaties, 'treaty_type')} as treaty_type,
               case when {s.u('org')} < 400000 then {s.skewed('orgcode', orgs)} end as org_code,
               {quote("'treaty ' || i")} as evidence, null as note
        from range({n['treaties']}) t(i)"""

    treaty_count = n["treaties"]
    queries["treaty_parties"] = f"""
        with base as (
            select i, i % {treaty_count} as treaty, i // {treaty_count} as party_no, {doc('doc', 'i % ' + str(treaty_count))} as doc_id,
                   {s.u('kind')} < 150000 as is_org
            from range({n['treaty_parties']}) t(i)
        )
        select 'TRP-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               'synthetic_treaty_' || treaty as treaty_id,
               case when is_org then {olist}[1 + ((treaty + party_no) % {o})] else {clist}[1 + ((treaty + party_no) % {c})] end as party_code,
               case when is_org then 'organization' else 'country' end as party_kind,
               {quote("'party ' || i")} as evidence, null as note
        from base"""

    treaty_events = shapes["treaty_events"]
    lifecycle = ["signed", "ratified", "in_force", "extended", "suspended"]
    queries["treaty_events"] = f"""
        with base as (
            select i, i % {treaty_count} as treaty, i // {treaty_count} as step_no, {doc('doc')} as doc_id,
                   {s.real('precision', treaty_events, 'event_date_precision')} as precision
            from range({n['treaty_events']}) t(i)
        )
        select 'TRE-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               'synthetic_treaty_' || treaty as treaty_id,
               ({_list(lifecycle)})[1 + least(step_no, {len(lifecycle) - 1})] as event_type,
               {s.date_parts('date', 'precision', f"{FIRST_YEAR} + (treaty % {YEARS - 6}) + least(step_no, 5)")} as event_date,
               precision as event_date_precision, {basis('basis', treaty_events, 'event_date_basis')} as event_date_basis,
               null as date_basis_note,
               case when step_no = 3 then 2030 + (treaty % 40) end as valid_until_year,
               {s.real('qualifier', treaty_events, 'qualifier')} as qualifier,
               {quote("'treaty step ' || i")} as evidence, null as note
        from base"""

    events = shapes["events"]
    queries["events"] = f"""
        with base as (
            select i, {doc('doc')} as doc_id, {s.real('precision', events, 'event_date_precision')} as precision,
                   {s.real('type', events, 'event_type')} as event_type
            from range({n['events']}) t(i)
        )
        select 'EVT-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id, event_type,
               'Synthetic ' || event_type || ' ' || i as event_name,
               {s.date_parts('date', 'precision', f"{FIRST_YEAR} + {s.below('year', YEARS)}")} as event_date,
               precision as event_date_precision, {basis('basis', events, 'event_date_basis')} as event_date_basis,
               null as date_basis_note, null as end_date,
               case when {s.u('loc')} < 700000 then {s.skewed('location', countries)} end as location_iso3,
               null as location_detail,
               case when event_type in ('attack', 'war', 'offensive', 'incursion') then {s.below('killed', 5000)} end as killed,
               case when event_type = 'war' then {s.below('displaced', 100000)} end as displaced,
               case when event_type in ('exercise', 'deployment') then 10 + {s.below('troops', 5000)} end as troops,
               null as area_km2,
               case when event_type in ('attack', 'war', 'offensive', 'incursion', 'exercise', 'deployment')
                    then {s.real('figq', events, 'figure_qualifier')} end as figure_qualifier,
               {quote("'event ' || i")} as evidence, null as note
        from base"""

    actors = shapes["event_actors"]
    queries["event_actors"] = f"""
        with events as ({queries['events']}),
        numbered as (select fact_id, row_number() over (order by fact_id) - 1 as e from events)
        select fact_id,
               case when a.j = 0 then {clist}[1 + ((e * 7) % {c})] else {olist}[1 + ((e * 3) % {o})] end as actor_code,
               case when a.j = 0 then 'country' else 'organization' end as actor_kind,
               {s.real('role', actors, 'role', 'e * 2 + a.j')} as role, null as note
        from numbered cross join (select unnest([0, 1]) as j) a"""

    indicators = shapes["indicators"]
    pairs_seen = sorted({(r["indicator"], r["unit"]) for r in indicators.rows})
    queries["indicators"] = f"""
        with base as (
            select i, {doc('doc')} as doc_id, {s.u('kind')} < 300000 as is_org,
                   {s.weighted('indicator', [f'{a}|{b}' for a, b in pairs_seen], [1] * len(pairs_seen))} as indicator_unit,
                   {s.real('precision', indicators, 'ref_date_precision')} as precision,
                   {s.real('qualifier', indicators, 'qualifier')} as qualifier,
                   round(exp(10 * {s.u('value')} / 1000000.0), 1) as value
            from range({n['indicators']}) t(i)
        )
        select 'IND-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               case when is_org then {s.skewed('org', orgs)} else {s.skewed('country', countries)} end as subject_code,
               case when is_org then 'organization' else 'country' end as subject_kind,
               split_part(indicator_unit, '|', 1) as indicator, value,
               case when qualifier = 'range' then value * 1.5 end as value_upper,
               split_part(indicator_unit, '|', 2) as unit,
               case when {s.u('by_year')} < 400000 then {FIRST_YEAR} + {s.below('year', YEARS)} end as ref_year,
               {s.date_parts('date', 'precision', f"{FIRST_YEAR} + {s.below('dyear', YEARS)}")} as ref_date,
               precision as ref_date_precision, qualifier, {quote("'indicator ' || i")} as evidence, null as note
        from base"""

    queries["excluded_mentions"] = f"""
        select 'EXC-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as exclusion_id, doc_id,
               (1 + {s.below('mention', 10000)})::varchar as mention, {quote("'page ' || i")} as context,
               'page number' as reason
        from (select i, {doc('doc')} as doc_id from range({n['excluded_mentions']}) t(i))"""

    claims = shapes["claims"]
    # two claims per topic, on two readings: a conflict wherever the two come from different documents. Only the
    # attributes whose claims are codes: a quantitative one (growth_factor) needs an amount and two real figures
    amount_attributes = {row["claim_attribute"] for row in claims.rows if row["claimed_amount"]}
    code_attributes = [a for a in claims.accepted["claim_attribute"] if a not in amount_attributes]
    attribute_counts = Counter(row["claim_attribute"] for row in claims.rows)
    claim_attribute = s.weighted("attribute", code_attributes, [attribute_counts[a] + 1 for a in code_attributes], "i // 2")
    queries["claims"] = f"""
        select 'CLM-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as claim_id, doc_id,
               {clist}[1 + ((i // 2) % {c})] as subject_code, 'country' as subject_kind,
               'synthetic_topic_' || (i // 2) as topic, {claim_attribute} as claim_attribute,
               'reading_' || (i % 2) as claimed_value, null::double as claimed_amount, null as qualifier,
               null as about_fact_id, null as base_fact_id,
               {quote("'claim ' || i")} as evidence, null as note
        from (select i, {doc('doc')} as doc_id from range({n['claims']}) t(i))"""

    resolutions = shapes["conflict_resolutions"]
    queries["conflict_resolutions"] = f"""
        select 'RES-' || lpad((i + 1)::varchar, 6, '0') as resolution_id,
               {s.real('kind', resolutions, 'conflict_kind')} as conflict_kind,
               'synthetic compared thing ' || i as compared_thing, 'reading_0' as adopted_reading,
               'synthetic resolution' as reason
        from range({n['conflict_resolutions']}) t(i)"""

    typed = {}
    for name, query in queries.items():
        shape = shapes[name]
        if name not in shapes:
            raise SynthError(f"no generator for {name}")
        columns = ", ".join(f'cast("{col}" as {shape.types[col].upper()}) as "{col}"' for col in shape.columns)
        typed[name] = f"select {columns} from ({query})"
    missing = set(shapes) - set(typed)
    if missing:
        raise SynthError(f"fact seed(s) without a generator: {', '.join(sorted(missing))}; add one to synth.py")
    return typed


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_literal(v) for v in values) + "]"


def generate(root: Path, out: Path, rows: int, seed: int = 0, fmt: str = "parquet",
             memory_limit: str = "4GB", threads: int = 2) -> dict[str, int]:
    """Write the synthetic fact files into `out`; returns rows per file."""
    if fmt not in ("parquet", "csv"):
        raise SynthError(f"--format must be parquet or csv (got {fmt!r})")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with duckdb.connect() as connection:
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set threads = {int(threads)}")
        for name, query in _queries(root, rows, seed).items():
            target = out / f"{name}.{fmt}"
            options = "(format parquet, compression zstd)" if fmt == "parquet" else "(format csv, header true)"
            connection.execute(f"copy ({query}) to {_literal(str(target))} {options}")
            written[name] = int(connection.execute(
                f"select count(*) from read_{fmt}({_literal(str(target))})").fetchone()[0])  # type: ignore[index]
    return written

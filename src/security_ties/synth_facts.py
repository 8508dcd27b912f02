"""The generators of `synth`: one SELECT per fact seed, producing exactly its columns and types, with the values
the module docstring of `synth` describes (restated and conflicting trade figures, deals in stages, memberships
and treaties in steps, mixed date precisions)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from security_ties.synth import (
    FIRST_YEAR, REFERENCE_SEEDS, YEARS, SeedShape, Sql, SynthError, literal, load_shapes, reference_codes,
    row_counts, sql_list,
)


@dataclass(frozen=True)
class _Generator:
    """What every fact seed's generator draws from: the shapes, the codes (most used first), the documents, the
    row counts and the random source."""

    root: Path
    shapes: Mapping[str, SeedShape]
    countries: list[str]
    orgs: list[str]
    documents: list[str]
    n: Mapping[str, int]
    s: Sql

    @property
    def c(self) -> int:
        return len(self.countries)

    @property
    def o(self) -> int:
        return len(self.orgs)

    @property
    def clist(self) -> str:
        return "[" + ", ".join(literal(x) for x in self.countries) + "]"

    @property
    def olist(self) -> str:
        return "[" + ", ".join(literal(x) for x in self.orgs) + "]"

    def doc(self, key: str, row: str = "i") -> str:
        return self.s.weighted(key, self.documents, [1] * len(self.documents), row)

    @staticmethod
    def docnum(expr: str) -> str:
        return f"substr({expr}, 5, 3)"  # doc_003 -> 003

    def basis(self, key: str, shape: SeedShape, column: str) -> str:
        return self.s.real(key, shape, column)

    @staticmethod
    def quote(what: str) -> str:
        return f"'Synthetic statement: ' || {what}"


def _generator(root: Path, rows: int, seed: int) -> _Generator:
    shapes = load_shapes(root)
    facts = list(shapes.values())
    countries = reference_codes(root, "countries", "iso3", facts,
                                ["reporter_iso3", "partner_iso3", "supplier_iso3", "recipient_iso3", "country_iso3",
                                 "location_iso3", "party_code", "actor_code", "subject_code"])
    orgs = reference_codes(root, "organizations", "org_code", facts,
                           ["partner_org_code", "org_code", "party_code", "actor_code", "subject_code"])
    with (root / REFERENCE_SEEDS / "documents.csv").open(encoding="utf-8", newline="") as handle:
        documents = [row["doc_id"] for row in csv.DictReader(handle)]
    return _Generator(root, shapes, countries, orgs, documents, row_counts(rows), Sql(seed))


def _trade_figures(g: _Generator) -> str:
    s, n, c, o, clist, olist = g.s, g.n, g.c, g.o, g.clist, g.olist
    doc, docnum, quote, shapes = g.doc, g.docnum, g.quote, g.shapes
    trade = shapes["trade_figures"]
    # A restatement (10 %) repeats the previous row's key from another document; a third of them differ.
    return f"""
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
        from base"""


def _arms_transfers(g: _Generator) -> str:
    s, n, countries, doc, docnum, quote = g.s, g.n, g.countries, g.doc, g.docnum, g.quote
    basis, shapes, root = g.basis, g.shapes, g.root
    arms = shapes["arms_transfers"]
    # a deal names a system as the alias seed spells it for its supplier (staging resolves it to one system)
    with (root / REFERENCE_SEEDS / "weapon_system_aliases.csv").open(encoding="utf-8", newline="") as handle:
        spellings = [(row["supplier_iso3"], row["name_as_written"], row["weapon_system_id"])
                     for row in csv.DictReader(handle)]
    spelling_suppliers, spelling_names = sql_list([a for a, _, _ in spellings]), sql_list([b for _, b, _ in spellings])
    systems = sorted({system for _, _, system in spellings})
    # a system has one category: draw it per system, not per deal
    spelling_system_numbers = "[" + ", ".join(str(systems.index(system)) for _, _, system in spellings) + "]"
    stages = list(arms.accepted["status"])[1:5]  # the vocabulary's stages after "discussed", in their order
    return f"""
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
                    else ({sql_list(stages)})[1 + stage_no + (deal % 2)] end as status,
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


def _arms_supplier_shares(g: _Generator) -> str:
    s, n, countries, doc, docnum, quote = g.s, g.n, g.countries, g.doc, g.docnum, g.quote
    shapes = g.shapes
    shares = shapes["arms_supplier_shares"]
    return f"""
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


def _membership_events(g: _Generator) -> str:
    s, n, c, o, clist, olist = g.s, g.n, g.c, g.o, g.clist, g.olist
    doc, docnum, quote, basis, shapes = g.doc, g.docnum, g.quote, g.basis, g.shapes
    members = shapes["membership_events"]
    pairs = c * o
    per_pair = max(1, -(-n["membership_events"] // pairs))
    step = max(1, (YEARS * 365) // (per_pair + 1))
    cycle = ["joined", "suspended", "rejoined", "frozen_participation", "rejoined", "withdrew"]
    return f"""
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
               ({sql_list(cycle)})[1 + (seq % {len(cycle)})] as event_type,
               case precision when 'year' then strftime(day, '%Y') when 'month' then strftime(day, '%Y-%m')
                    else strftime(day, '%Y-%m-%d') end as event_date,
               precision as event_date_precision,
               {basis('basis', members, 'event_date_basis')} as event_date_basis, null as date_basis_note,
               case when seq % {len(cycle)} in (3) then 'political_declaration' else 'legal_act' end as act_kind,
               {quote("'membership ' || pair || ' step ' || seq")} as evidence, null as note
        from dated"""


def _treaties(g: _Generator) -> str:
    s, n, orgs, doc, quote, shapes = g.s, g.n, g.orgs, g.doc, g.quote, g.shapes
    treaties = shapes["treaties"]
    return f"""
        select 'synthetic_treaty_' || i as treaty_id, {doc('doc')} as doc_id, 'Synthetic treaty ' || i as treaty_name,
               {s.real('type', treaties, 'treaty_type')} as treaty_type,
               case when {s.u('org')} < 400000 then {s.skewed('orgcode', orgs)} end as org_code,
               {quote("'treaty ' || i")} as evidence, null as note
        from range({n['treaties']}) t(i)"""


def _treaty_parties(g: _Generator) -> str:
    s, n, c, o, clist, olist = g.s, g.n, g.c, g.o, g.clist, g.olist
    doc, docnum, quote = g.doc, g.docnum, g.quote
    treaty_count = n["treaties"]
    return f"""
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


def _treaty_events(g: _Generator) -> str:
    s, n, doc, docnum, quote, basis = g.s, g.n, g.doc, g.docnum, g.quote, g.basis
    shapes, treaty_count = g.shapes, g.n["treaties"]
    treaty_events = shapes["treaty_events"]
    lifecycle = ["signed", "ratified", "in_force", "extended", "suspended"]
    return f"""
        with base as (
            select i, i % {treaty_count} as treaty, i // {treaty_count} as step_no, {doc('doc')} as doc_id,
                   {s.real('precision', treaty_events, 'event_date_precision')} as precision
            from range({n['treaty_events']}) t(i)
        )
        select 'TRE-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               'synthetic_treaty_' || treaty as treaty_id,
               ({sql_list(lifecycle)})[1 + least(step_no, {len(lifecycle) - 1})] as event_type,
               {s.date_parts('date', 'precision', f"{FIRST_YEAR} + (treaty % {YEARS - 6}) + least(step_no, 5)")} as event_date,
               precision as event_date_precision, {basis('basis', treaty_events, 'event_date_basis')} as event_date_basis,
               null as date_basis_note,
               case when step_no = 3 then 2030 + (treaty % 40) end as valid_until_year,
               {s.real('qualifier', treaty_events, 'qualifier')} as qualifier,
               {quote("'treaty step ' || i")} as evidence, null as note
        from base"""


def _events(g: _Generator) -> str:
    s, n, countries, doc, docnum, quote = g.s, g.n, g.countries, g.doc, g.docnum, g.quote
    basis, shapes = g.basis, g.shapes
    events = shapes["events"]
    return f"""
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


def _event_actors(g: _Generator) -> str:
    s, c, o, clist, olist, shapes = g.s, g.c, g.o, g.clist, g.olist, g.shapes
    actors = shapes["event_actors"]
    return f"""
        with events as ({_events(g)}),
        numbered as (select fact_id, row_number() over (order by fact_id) - 1 as e from events)
        select fact_id,
               case when a.j = 0 then {clist}[1 + ((e * 7) % {c})] else {olist}[1 + ((e * 3) % {o})] end as actor_code,
               case when a.j = 0 then 'country' else 'organization' end as actor_kind,
               {s.real('role', actors, 'role', 'e * 2 + a.j')} as role, null as note
        from numbered cross join (select unnest([0, 1]) as j) a"""


def _indicators(g: _Generator) -> str:
    s, n, countries, orgs, doc, docnum = g.s, g.n, g.countries, g.orgs, g.doc, g.docnum
    quote, shapes = g.quote, g.shapes
    indicators = shapes["indicators"]
    pairs_seen = sorted({(r["indicator"], r["unit"]) for r in indicators.rows})
    return f"""
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


def _excluded_mentions(g: _Generator) -> str:
    s, n, doc, docnum, quote = g.s, g.n, g.doc, g.docnum, g.quote
    return f"""
        select 'EXC-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as exclusion_id, doc_id,
               (1 + {s.below('mention', 10000)})::varchar as mention, {quote("'page ' || i")} as context,
               'page number' as reason
        from (select i, {doc('doc')} as doc_id from range({n['excluded_mentions']}) t(i))"""


def _claims(g: _Generator) -> str:
    s, n, c, clist, doc, docnum = g.s, g.n, g.c, g.clist, g.doc, g.docnum
    quote, shapes = g.quote, g.shapes
    claims = shapes["claims"]
    # two claims per topic, on two readings: a conflict wherever the two come from different documents. Only the
    # attributes whose claims are codes: a quantitative one (growth_factor) needs an amount and two real figures
    amount_attributes = {row["claim_attribute"] for row in claims.rows if row["claimed_amount"]}
    code_attributes = [a for a in claims.accepted["claim_attribute"] if a not in amount_attributes]
    attribute_counts = Counter(row["claim_attribute"] for row in claims.rows)
    claim_attribute = s.weighted("attribute", code_attributes, [attribute_counts[a] + 1 for a in code_attributes], "i // 2")
    return f"""
        select 'CLM-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as claim_id, doc_id,
               {clist}[1 + ((i // 2) % {c})] as subject_code, 'country' as subject_kind,
               'synthetic_topic_' || (i // 2) as topic, {claim_attribute} as claim_attribute,
               'reading_' || (i % 2) as claimed_value, null::double as claimed_amount, null as qualifier,
               null as about_fact_id, null as base_fact_id,
               {quote("'claim ' || i")} as evidence, null as note
        from (select i, {doc('doc')} as doc_id from range({n['claims']}) t(i))"""


def _conflict_resolutions(g: _Generator) -> str:
    s, n, shapes = g.s, g.n, g.shapes
    resolutions = shapes["conflict_resolutions"]
    return f"""
        select 'RES-' || lpad((i + 1)::varchar, 6, '0') as resolution_id,
               {s.real('kind', resolutions, 'conflict_kind')} as conflict_kind,
               'synthetic compared thing ' || i as compared_thing, 'reading_0' as adopted_reading,
               'synthetic resolution' as reason
        from range({n['conflict_resolutions']}) t(i)"""


def _ties(g: _Generator) -> str:
    s, n, c, clist, doc, docnum, quote = g.s, g.n, g.c, g.clist, g.doc, g.docnum, g.quote
    ties = g.shapes["ties"]
    # a present-tense tie between two different countries, dated at its text's date; a fifth are stated over a period
    return f"""
        with base as (
            select i, {doc('doc')} as doc_id, {s.real('precision', ties, 'as_of_date_precision')} as precision,
                   {s.u('period')} < 200000 as over_period, {FIRST_YEAR} + {s.below('year', YEARS - 5)} as year,
                   {s.below('from', c)} as from_index, 1 + {s.below('to', max(c - 1, 1))} as to_offset
            from range({n['ties']}) t(i)
        )
        select 'TIE-' || {docnum('doc_id')} || '-' || lpad(i::varchar, 8, '0') as fact_id, doc_id,
               {clist}[1 + from_index] as from_code, 'country' as from_kind,
               {clist}[1 + ((from_index + to_offset) % {c})] as to_code, 'country' as to_kind,
               {s.real('kind', ties, 'tie_kind')} as tie_kind, true as is_in_force,
               case when not over_period then {s.date_parts('date', 'precision', 'year')} end as as_of_date,
               case when not over_period then precision end as as_of_date_precision,
               case when not over_period then 'publication_date' end as as_of_date_basis,
               case when not over_period then 'synthetic present tense' end as date_basis_note,
               case when over_period then year end as start_year,
               case when over_period then year + {s.below('span', 5)} end as end_year,
               null as treaty_id, {quote("'tie ' || i")} as evidence, null as note
        from base"""


_GENERATORS: Mapping[str, Callable[[_Generator], str]] = {
    "trade_figures": _trade_figures,
    "arms_transfers": _arms_transfers,
    "arms_supplier_shares": _arms_supplier_shares,
    "membership_events": _membership_events,
    "treaties": _treaties,
    "treaty_parties": _treaty_parties,
    "treaty_events": _treaty_events,
    "events": _events,
    "event_actors": _event_actors,
    "indicators": _indicators,
    "excluded_mentions": _excluded_mentions,
    "claims": _claims,
    "conflict_resolutions": _conflict_resolutions,
    "ties": _ties,
}


def queries(root: Path, rows: int, seed: int) -> dict[str, str]:
    """One SELECT per fact seed, producing exactly its columns (types cast at the end)."""
    g = _generator(root, rows, seed)
    shapes = g.shapes
    selects = {name: generate_query(g) for name, generate_query in _GENERATORS.items() if name in shapes}
    typed = {}
    for name, query in selects.items():
        shape = shapes[name]
        columns = ", ".join(f'cast("{col}" as {shape.types[col].upper()}) as "{col}"' for col in shape.columns)
        typed[name] = f"select {columns} from ({query})"
    missing = set(shapes) - set(typed)
    if missing:
        raise SynthError(f"fact seed(s) without a generator: {', '.join(sorted(missing))}; add one to synth_facts.py")
    return typed

-- security-ties without dbt: the marts and their checks as one DuckDB script.
--
-- Reads the reference and vocabulary seeds from the `raw` schema (loaded by `dbt seed`) and the synthetic facts
-- from Parquet files ({facts_dir} is replaced by the runner, security_ties.scale, with their folder). Creates
-- every relation of the `marts` schema (and the marts.membership_as_of table macro), then checks the rules the
-- project's dbt data tests state, one aggregate scan per relation where it can, and ends with one result set:
-- (relation, rule, columns, failing_rows), one row per check.
--
-- Written from the models' logic, not from dbt's compiled SQL: staging is a set of temporary views, the
-- intermediate steps are temporary tables or CTEs, and the marts are `create table as` with the contract's types.
-- The caller sets memory_limit and threads.

-- ---------------------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------------------

-- An ISO date string at day, month or year precision -> the first and the last day of the period it names.
create or replace temp macro period_start(iso, date_precision) as
    cast(case date_precision when 'year' then iso || '-01-01' when 'month' then iso || '-01' else iso end as date);

create or replace temp macro period_end(iso, date_precision) as
    cast(case date_precision
        when 'year' then period_start(iso, date_precision) + interval 1 year - interval 1 day
        when 'month' then period_start(iso, date_precision) + interval 1 month - interval 1 day
        else period_start(iso, date_precision)
    end as date);

-- One bound of a stated figure, by the qualifier vocabulary's rule ('value', 'value_upper' or 'none').
create or replace temp macro bound(rule, value, value_upper) as
    case rule when 'value' then value when 'value_upper' then value_upper end;

-- Percentage change to one decimal (rounded to nearest, down or up); null unless the old value is positive.
create or replace temp macro pct_change(new_value, old_value) as
    case when old_value > 0 and new_value is not null then round(1000.0 * (new_value - old_value) / old_value / 10.0, 1) end;
create or replace temp macro pct_change_down(new_value, old_value) as
    case when old_value > 0 and new_value is not null then floor(1000.0 * (new_value - old_value) / old_value) / 10.0 end;
create or replace temp macro pct_change_up(new_value, old_value) as
    case when old_value > 0 and new_value is not null then ceiling(1000.0 * (new_value - old_value) / old_value) / 10.0 end;

-- ---------------------------------------------------------------------------------------------------------------
-- Inputs, cleaned: codes trimmed and cased, dates turned into periods
-- ---------------------------------------------------------------------------------------------------------------

create or replace temp view countries as
select upper(trim(iso3)) as iso3, upper(trim(iso2)) as iso2, iso_numeric, trim(short_name) as country_name,
       trim(official_name) as official_name, continent, un_region, is_historical
from raw.countries;

create or replace temp view documents as
select doc_id, file_name, title, publisher, authors,
       period_start(publication_date, publication_date_precision) as published_on,
       period_end(publication_date, publication_date_precision) as published_on_latest,
       publication_date_precision as published_on_precision, publication_date_basis as published_on_basis,
       url, lower(sha256) as sha256
from raw.documents;

create or replace temp view organizations as
select upper(trim(org_code)) as org_code, trim(name) as org_name, acronym, org_type,
       upper(trim(parent_org_code)) as parent_org_code, upper(trim(predecessor_org_code)) as predecessor_org_code,
       period_start(founded_date, founded_date_precision) as founded_on,
       period_end(founded_date, founded_date_precision) as founded_on_latest,
       founded_date_precision as founded_on_precision, reference_note,
       lower(trim(succession_kind)) as succession_kind
from raw.organizations;

create or replace temp view weapon_systems as
select lower(trim(weapon_system_id)) as weapon_system_id, trim(system_name) as system_name, is_generic, description
from raw.weapon_systems;

create or replace temp view weapon_system_aliases as
select upper(trim(supplier_iso3)) || '|' || trim(name_as_written) as alias_key,
       upper(trim(supplier_iso3)) as supplier_iso3, trim(name_as_written) as name_as_written,
       lower(trim(weapon_system_id)) as weapon_system_id
from raw.weapon_system_aliases;

create or replace temp view entity_aliases as
select trim(alias) as alias_text, lower(trim(entity_kind)) as entity_kind, upper(trim(code)) as entity_code
from raw.entity_aliases;

create or replace temp view value_check_exceptions as
select trim(fact_id) as fact_id, trim(column_name) as column_name, reason
from raw.value_check_exceptions;

create or replace temp view qualifiers as
select lower(trim(qualifier)) as qualifier, meaning, wording, lower(trim(lower_bound_from)) as lower_bound_from,
       lower(trim(upper_bound_from)) as upper_bound_from, lower_bound_inclusive, upper_bound_inclusive, is_exact,
       coalesce(display_symbol, '') as display_symbol, sort_order
from raw.qualifiers;

create or replace temp view deal_stages as
select lower(trim(stage)) as deal_stage, stage_order from raw.arms_deal_stages;

create or replace temp view claim_attributes as
select lower(trim(claim_attribute)) as claim_attribute, lower(trim(conflict_kind)) as conflict_kind
from raw.claim_attributes;

create or replace temp view conflict_kinds as
select lower(trim(conflict_kind)) as conflict_kind from raw.conflict_kinds;

create or replace temp view fact_tables as
select lower(trim(fact_table)) as fact_table, nullif(upper(trim(fact_id_prefix)), '') as fact_id_prefix,
       nullif(lower(trim(fact_mart)), '') as fact_mart
from raw.fact_tables;

create or replace temp view membership_event_types as
select lower(trim(event_type)) as event_type, lower(trim(resulting_status)) as resulting_status,
       cast(status_priority as integer) as status_priority, cast(is_one_off as boolean) as is_one_off,
       cast(is_assertion as boolean) as is_assertion
from raw.membership_event_types;

create or replace temp view treaty_event_types as
select lower(trim(event_type)) as event_type, cast(lifecycle_rank as integer) as lifecycle_rank,
       cast(is_one_off as boolean) as is_one_off
from raw.treaty_event_types;

create or replace temp view succession_kinds as
select lower(trim(succession_kind)) as succession_kind, cast(continues_in_successor as boolean) as continues_in_successor,
       cast(ends_predecessor as boolean) as ends_predecessor
from raw.succession_kinds;

create or replace temp view trade_figures as
select fact_id, doc_id, upper(trim(reporter_iso3)) as reporter_iso3, upper(trim(partner_iso3)) as partner_iso3,
       upper(trim(partner_org_code)) as partner_org_code, lower(trim(flow)) as flow, year as trade_year, value_usd,
       value_usd_upper, share_pct, rank as partner_rank, lower(trim(qualifier)) as qualifier, evidence
from read_parquet('{facts_dir}/trade_figures.parquet');

create or replace temp view arms_transfers as
select fact_id, doc_id, lower(trim(deal_key)) as deal_key, upper(trim(supplier_iso3)) as supplier_iso3,
       upper(trim(recipient_iso3)) as recipient_iso3, trim(system_name) as system_name,
       upper(trim(supplier_iso3)) || '|' || trim(system_name) as system_alias_key, lower(trim(category)) as category,
       quantity, quantity_upper, value_usd, lower(trim(status)) as status, status_date as status_date_iso,
       period_start(status_date, status_date_precision) as status_date_earliest,
       period_end(status_date, status_date_precision) as status_date_latest,
       status_date_precision, status_date_basis, date_basis_note, supply_start_year, supply_end_year,
       lower(trim(qualifier)) as qualifier, evidence
from read_parquet('{facts_dir}/arms_transfers.parquet');

create or replace temp view arms_supplier_shares as
select fact_id, doc_id, upper(trim(supplier_iso3)) as supplier_iso3, upper(trim(recipient_iso3)) as recipient_iso3,
       period_start_year, period_end_year, share_pct, share_pct_upper, supplier_rank, supplier_rank_upper,
       lower(trim(measure)) as measure, lower(trim(qualifier)) as qualifier, evidence
from read_parquet('{facts_dir}/arms_supplier_shares.parquet');

create or replace temp view membership_events as
select fact_id, doc_id, upper(trim(country_iso3)) as country_iso3, upper(trim(org_code)) as org_code,
       lower(trim(event_type)) as event_type, event_date as event_date_iso,
       period_start(event_date, event_date_precision) as event_date_earliest,
       period_end(event_date, event_date_precision) as event_date_latest,
       event_date_precision, event_date_basis, date_basis_note, act_kind, evidence
from read_parquet('{facts_dir}/membership_events.parquet');

create or replace temp view treaties as
select lower(trim(treaty_id)) as treaty_id, doc_id, trim(treaty_name) as treaty_name,
       lower(trim(treaty_type)) as treaty_type, upper(trim(org_code)) as org_code, evidence
from read_parquet('{facts_dir}/treaties.parquet');

create or replace temp view treaty_parties as
select fact_id, doc_id, lower(trim(treaty_id)) as treaty_id, upper(trim(party_code)) as party_code,
       lower(trim(party_kind)) as party_kind, evidence
from read_parquet('{facts_dir}/treaty_parties.parquet');

create or replace temp view treaty_events as
select fact_id, doc_id, lower(trim(treaty_id)) as treaty_id, lower(trim(event_type)) as event_type,
       event_date as event_date_iso, period_start(event_date, event_date_precision) as event_date_earliest,
       period_end(event_date, event_date_precision) as event_date_latest, event_date_precision, event_date_basis,
       date_basis_note, valid_until_year, lower(trim(qualifier)) as qualifier, evidence
from read_parquet('{facts_dir}/treaty_events.parquet');

create or replace temp view events as
select fact_id, doc_id, lower(trim(event_type)) as event_type, trim(event_name) as event_name,
       event_date as event_date_iso, period_start(event_date, event_date_precision) as event_date_earliest,
       period_end(event_date, event_date_precision) as event_date_latest, event_date_precision, event_date_basis,
       date_basis_note, end_date as end_date_iso,
       period_end(end_date, case length(end_date) when 4 then 'year' when 7 then 'month' else 'day' end) as end_date_latest,
       upper(trim(location_iso3)) as location_iso3, location_detail, killed, displaced, troops, area_km2,
       lower(trim(figure_qualifier)) as figure_qualifier, evidence
from read_parquet('{facts_dir}/events.parquet');

create or replace temp view event_actors as
select fact_id, upper(trim(actor_code)) as actor_code, lower(trim(actor_kind)) as actor_kind,
       lower(trim(role)) as actor_role
from read_parquet('{facts_dir}/event_actors.parquet');

create or replace temp view indicators as
select fact_id, doc_id, upper(trim(subject_code)) as subject_code, lower(trim(subject_kind)) as subject_kind,
       lower(trim(indicator)) as indicator, value, value_upper, lower(trim(unit)) as unit, ref_year,
       ref_date as ref_date_iso, period_start(ref_date, ref_date_precision) as ref_date_earliest, ref_date_precision,
       lower(trim(qualifier)) as qualifier, evidence
from read_parquet('{facts_dir}/indicators.parquet');

create or replace temp view excluded_mentions as
select exclusion_id, doc_id from read_parquet('{facts_dir}/excluded_mentions.parquet');

create or replace temp view claims as
select claim_id, doc_id, upper(trim(subject_code)) as subject_code, lower(trim(subject_kind)) as subject_kind,
       lower(trim(topic)) as topic, lower(trim(claim_attribute)) as claim_attribute,
       lower(trim(claimed_value)) as claimed_value, claimed_amount, nullif(lower(trim(qualifier)), '') as qualifier,
       nullif(trim(about_fact_id), '') as about_fact_id, nullif(trim(base_fact_id), '') as base_fact_id, evidence
from read_parquet('{facts_dir}/claims.parquet');

create or replace temp view conflict_resolutions as
select resolution_id, lower(trim(conflict_kind)) as conflict_kind, trim(compared_thing) as compared_thing,
       trim(adopted_reading) as adopted_reading, trim(reason) as reason
from read_parquet('{facts_dir}/conflict_resolutions.parquet');

-- ---------------------------------------------------------------------------------------------------------------
-- Dimensions without facts
-- ---------------------------------------------------------------------------------------------------------------

create schema if not exists marts;

create or replace table marts.dim_country as
select iso3, iso2, iso_numeric, country_name, official_name, continent, un_region, is_historical from countries;

create or replace table marts.dim_date as
select cast(day as date) as date_day, cast(year(day) as integer) as year_number, cast(month(day) as integer) as month_number,
       cast(day(day) as integer) as day_of_month, cast(quarter(day) as integer) as quarter_number,
       strftime(day, '%Y-%m') as month_iso
from range(date '1991-01-01', date '2031-01-01', interval 1 day) as days(day);

create or replace table marts.dim_qualifier as
select qualifier, meaning, wording, lower_bound_from, upper_bound_from, lower_bound_inclusive, upper_bound_inclusive,
       is_exact, display_symbol, sort_order
from qualifiers;

create or replace table marts.dim_organization as
select o.org_code, o.org_name, o.acronym, o.org_type, o.parent_org_code, o.predecessor_org_code,
       s.successor_org_code, o.succession_kind, o.founded_on, o.founded_on_precision, o.reference_note
from organizations as o
left join (
    select predecessor_org_code, min(org_code) as successor_org_code
    from organizations where predecessor_org_code is not null group by all
) as s on o.org_code = s.predecessor_org_code;

-- ---------------------------------------------------------------------------------------------------------------
-- Fact marts read straight from one input each
-- ---------------------------------------------------------------------------------------------------------------

create or replace table marts.fct_trade_flow as
select t.fact_id, t.doc_id, t.reporter_iso3, t.partner_iso3, t.partner_org_code, t.flow, t.trade_year, t.value_usd,
       bound(q.lower_bound_from, t.value_usd, null) as value_usd_lower,
       bound(q.upper_bound_from, t.value_usd, t.value_usd_upper) as value_usd_upper,
       t.share_pct,
       bound(q.lower_bound_from, t.share_pct, null) as share_pct_lower,
       bound(q.upper_bound_from, t.share_pct, null) as share_pct_upper,
       t.partner_rank, t.qualifier, q.is_exact, t.evidence
from trade_figures as t
inner join qualifiers as q on t.qualifier = q.qualifier;

create or replace table marts.fct_event as
select e.fact_id, e.doc_id, e.event_type, e.event_name, e.event_date_iso, e.event_date_earliest, e.event_date_latest,
       e.event_date_precision, e.event_date_basis, e.date_basis_note, e.end_date_iso, e.end_date_latest,
       e.location_iso3, e.location_detail,
       e.killed, bound(q.lower_bound_from, e.killed, null) as killed_lower, bound(q.upper_bound_from, e.killed, null) as killed_upper,
       e.displaced, bound(q.lower_bound_from, e.displaced, null) as displaced_lower,
       bound(q.upper_bound_from, e.displaced, null) as displaced_upper,
       e.troops, bound(q.lower_bound_from, e.troops, null) as troops_lower, bound(q.upper_bound_from, e.troops, null) as troops_upper,
       e.area_km2, bound(q.lower_bound_from, e.area_km2, null) as area_km2_lower,
       bound(q.upper_bound_from, e.area_km2, null) as area_km2_upper,
       e.figure_qualifier, q.is_exact as figures_are_exact, e.evidence
from events as e
left join qualifiers as q on e.figure_qualifier = q.qualifier;

create or replace table marts.fct_event_actor as
select fact_id || ':' || actor_code as event_actor_id, fact_id, actor_code, actor_kind,
       case when actor_kind = 'country' then actor_code end as actor_iso3,
       case when actor_kind = 'organization' then actor_code end as actor_org_code,
       actor_role
from event_actors;

create or replace table marts.fct_indicator as
select i.fact_id, i.doc_id, i.subject_code, i.subject_kind,
       case when i.subject_kind = 'country' then i.subject_code end as subject_iso3,
       case when i.subject_kind = 'organization' then i.subject_code end as subject_org_code,
       i.indicator, i.value,
       bound(q.lower_bound_from, i.value, null) as value_lower, bound(q.upper_bound_from, i.value, i.value_upper) as value_upper,
       i.unit, i.ref_year, i.ref_date_iso, i.ref_date_earliest, i.ref_date_precision, i.qualifier, q.is_exact, i.evidence
from indicators as i
inner join qualifiers as q on i.qualifier = q.qualifier;

create or replace table marts.fct_treaty_event as
select fact_id, doc_id, treaty_id, event_type, event_date_iso, event_date_earliest, event_date_latest,
       event_date_precision, event_date_basis, date_basis_note, valid_until_year, qualifier, evidence
from treaty_events;

-- a rank's qualifier bounds it like any figure; ranks count from 1, an exclusive bound moves by one
create or replace table marts.fct_arms_supplier_share as
select s.fact_id, s.doc_id, s.supplier_iso3, s.recipient_iso3, s.period_start_year, s.period_end_year, s.share_pct,
       s.share_pct_upper, s.supplier_rank, s.supplier_rank_upper,
       case when s.supplier_rank is not null then
           coalesce(bound(q.lower_bound_from, s.supplier_rank, s.supplier_rank_upper)
                    + case when q.lower_bound_inclusive then 0 else 1 end, 1) end as supplier_rank_best,
       bound(q.upper_bound_from, s.supplier_rank, s.supplier_rank_upper)
           - case when q.upper_bound_inclusive then 0 else 1 end as supplier_rank_worst,
       s.measure, s.qualifier, s.evidence
from arms_supplier_shares as s
left join qualifiers as q on s.qualifier = q.qualifier;

-- ---------------------------------------------------------------------------------------------------------------
-- Provenance: every fact of every table in one shape, and when each document becomes known
-- ---------------------------------------------------------------------------------------------------------------

create or replace temp table facts as
with unioned as (
    select 'trade_figures' as fact_table, fact_id, doc_id, reporter_iso3 as subject_code,
           cast(trade_year as varchar) as fact_date_iso, case when trade_year is not null then 'year' end as fact_date_precision,
           case when trade_year is not null then 'stated' end as fact_date_basis, qualifier, evidence
    from trade_figures
    union all
    select 'arms_transfers', fact_id, doc_id, supplier_iso3, status_date_iso, status_date_precision, status_date_basis,
           qualifier, evidence
    from arms_transfers
    union all
    select 'arms_supplier_shares', fact_id, doc_id, supplier_iso3, cast(period_start_year as varchar),
           case when period_start_year is not null then 'year' end,
           case when period_start_year is not null then 'stated' end, qualifier, evidence
    from arms_supplier_shares
    union all
    select 'membership_events', fact_id, doc_id, country_iso3, event_date_iso, event_date_precision, event_date_basis,
           null, evidence
    from membership_events
    union all
    select 'treaties', treaty_id, doc_id, org_code, null, null, null, null, evidence from treaties
    union all
    select 'treaty_parties', fact_id, doc_id, party_code, null, null, null, null, evidence from treaty_parties
    union all
    select 'treaty_events', fact_id, doc_id, treaty_id, event_date_iso, event_date_precision, event_date_basis,
           qualifier, evidence
    from treaty_events
    union all
    select 'events', fact_id, doc_id, location_iso3, event_date_iso, event_date_precision, event_date_basis,
           figure_qualifier, evidence
    from events
    union all
    select 'indicators', fact_id, doc_id, subject_code, coalesce(ref_date_iso, cast(ref_year as varchar)),
           coalesce(ref_date_precision, case when ref_year is not null then 'year' end),
           case when ref_date_iso is not null or ref_year is not null then 'stated' end, qualifier, evidence
    from indicators
    union all
    select 'claims', claim_id, doc_id, subject_code, null, null, null, null, evidence from claims
)
select u.fact_table || ':' || u.fact_id as fact_key, u.fact_table, ft.fact_id_prefix, ft.fact_mart, u.fact_id,
       u.doc_id, u.subject_code, u.fact_date_iso,
       period_start(u.fact_date_iso, u.fact_date_precision) as fact_date_earliest,
       period_end(u.fact_date_iso, u.fact_date_precision) as fact_date_latest,
       u.fact_date_precision, u.fact_date_basis, u.qualifier, u.evidence
from unioned as u
left join fact_tables as ft on u.fact_table = ft.fact_table;

create or replace table marts.fct_fact_provenance as
select f.fact_key, f.fact_table, f.fact_mart, f.fact_id, f.doc_id, d.published_on as doc_published_on, f.subject_code,
       f.fact_date_iso, f.fact_date_earliest, f.fact_date_latest, f.fact_date_precision, f.fact_date_basis,
       f.qualifier, f.evidence, cast(length(f.evidence) as bigint) as evidence_length
from facts as f
inner join documents as d on f.doc_id = d.doc_id;

-- a document is known from the last day its publication date can mean, or from the first day of the latest fact it
-- reports if that is later
create or replace temp table documents_known as
select d.doc_id, d.published_on, d.published_on_latest, r.latest_reported_on,
       case when r.latest_reported_on > d.published_on_latest then r.latest_reported_on else d.published_on_latest end
           as known_from,
       case when r.latest_reported_on > d.published_on_latest then 'latest_reported_fact' else 'publication_period_end' end
           as known_from_basis
from documents as d
left join (
    select doc_id, max(fact_date_earliest) as latest_reported_on from facts group by doc_id
) as r on d.doc_id = r.doc_id;

create or replace table marts.dim_document as
select d.doc_id, d.file_name, d.title, d.publisher, d.authors, d.published_on, d.published_on_latest,
       d.published_on_precision, d.published_on_basis, k.known_from, k.known_from_basis, d.url, d.sha256
from documents as d
inner join documents_known as k on d.doc_id = k.doc_id;

-- ---------------------------------------------------------------------------------------------------------------
-- Membership: status changes, per knowledge cut-off, into spells (with the organisation-lineage rules)
-- ---------------------------------------------------------------------------------------------------------------

-- dated events that put a country in a status, with the day their document becomes known
create or replace temp table status_changes as
select e.fact_id, e.doc_id, k.known_from, e.country_iso3, e.org_code, e.event_type, e.event_date_earliest as changed_on,
       e.event_date_latest as changed_on_latest, e.event_date_precision as changed_on_precision, e.act_kind,
       t.resulting_status as status, t.status_priority, t.is_assertion
from membership_events as e
inner join membership_event_types as t on e.event_type = t.event_type
inner join documents_known as k on e.doc_id = k.doc_id
where e.event_date_earliest is not null and t.resulting_status is not null;

create or replace table marts.fct_membership_event as
select e.fact_id, e.doc_id, e.country_iso3, e.org_code, e.event_type, c.status as resulting_status, e.event_date_iso,
       e.event_date_earliest, e.event_date_latest, e.event_date_precision, e.event_date_basis, e.date_basis_note,
       e.act_kind, e.evidence
from membership_events as e
left join status_changes as c on e.fact_id = c.fact_id;

-- one cut-off per day a document becomes known, valid to the day before the next; each change belongs to every
-- cut-off from its document's day on. Most precise evidence wins per cut-off: dated events of the same country,
-- organisation and event type whose periods overlap (directly or through one another) take the range all of them
-- allow, from the narrowest statement (date_fact_id); assertions keep their own dates.
create or replace temp macro agreed_dates(statements_table) as table
with ordered as (
    select *, max(latest) over (partition by thing order by earliest, latest, fact_id
                                rows between unbounded preceding and 1 preceding) as latest_before
    from query_table(statements_table)
),
clustered as (
    select *, sum(case when latest_before is null or earliest > latest_before then 1 else 0 end)
                  over (partition by thing order by earliest, latest, fact_id rows between unbounded preceding and current row)
                  as cluster_number
    from ordered
),
agreed as (
    select thing, cluster_number, max(earliest) as common_from, min(latest) as common_to,
           first({'fact_id': fact_id, 'earliest': earliest, 'latest': latest, 'precision': date_precision}
                 order by date_diff('day', earliest, latest), fact_id) as narrowest
    from clustered
    group by thing, cluster_number
)
select c.thing, c.fact_id, c.cluster_number,
       case when a.common_from <= a.common_to then a.common_from else a.narrowest.earliest end as agreed_earliest,
       case when a.common_from <= a.common_to then a.common_to else a.narrowest.latest end as agreed_latest,
       a.narrowest.precision as agreed_precision, a.narrowest.fact_id as date_fact_id
from clustered as c
inner join agreed as a using (thing, cluster_number);

create or replace temp table known as
with cutoffs as (
    select known_from as knowledge_from,
           cast(lead(known_from) over (order by known_from) - interval 1 day as date) as knowledge_to
    from (select distinct known_from from documents_known)
)
select c.knowledge_from, c.knowledge_to, s.*
from status_changes as s
inner join cutoffs as c on s.known_from <= c.knowledge_from;

create or replace temp table membership_statements as
select {'k': knowledge_from, 'c': country_iso3, 'o': org_code, 'e': event_type} as thing, fact_id,
       changed_on as earliest, changed_on_latest as latest, changed_on_precision as date_precision
from known
where not is_assertion;

create or replace temp table known_changes as
select k.knowledge_from, k.knowledge_to, k.fact_id, k.doc_id, k.country_iso3, k.org_code,
       coalesce(a.agreed_earliest, k.changed_on) as changed_on,
       coalesce(a.agreed_latest, k.changed_on_latest) as changed_on_latest,
       coalesce(a.agreed_precision, k.changed_on_precision) as changed_on_precision,
       coalesce(a.date_fact_id, k.fact_id) as date_fact_id, k.act_kind, k.status, k.status_priority,
       case when k.is_assertion then 'first_attested' else 'stated_event' end as change_basis
from known as k
left join agreed_dates('membership_statements') as a on a.thing.k = k.knowledge_from and a.fact_id = k.fact_id;

-- Spells from a table of changes: on a day the strongest change wins; an assertion ("is a member") counts only before
-- the pair's first dated change; a spell runs from its change to the day before the next change of another status.
create or replace temp macro membership_spells(changes_table) as table
with changes as (
    select *
    from query_table(changes_table)
    qualify change_basis <> 'first_attested'
        or coalesce(changed_on < min(case when change_basis <> 'first_attested' then changed_on end)
                        over (partition by knowledge_from, country_iso3, org_code), true)
),
strongest as (
    select *
    from changes
    qualify status_priority = max(status_priority) over (partition by knowledge_from, country_iso3, org_code, changed_on)
),
daily as (
    select knowledge_from, knowledge_to, country_iso3, org_code, changed_on, status,
           min(changed_on_latest) as changed_on_latest, min(changed_on_precision) as changed_on_precision,
           min(date_fact_id) as start_fact_id, string_agg(fact_id, ', ' order by fact_id) as merged_fact_ids,
           count(fact_id) as supporting_fact_count,
           count_if(act_kind = 'legal_act') > 0 as has_legal_act,
           count_if(act_kind = 'political_declaration') > 0 as has_declaration,
           case when count_if(change_basis = 'stated_event') > 0 then 'stated_event'
                when count_if(change_basis = 'succession') > 0 then 'succession'
                else 'first_attested' end as start_basis
    from strongest
    group by all
),
starts as (
    select *
    from daily
    qualify coalesce(lag(status) over (partition by knowledge_from, country_iso3, org_code order by changed_on) <> status, true)
),
spells as (
    select *,
           cast(lead(changed_on) over w - interval 1 day as date) as valid_to,
           lead(changed_on_precision) over w as valid_to_precision
    from starts
    window w as (partition by knowledge_from, country_iso3, org_code order by changed_on)
)
select knowledge_from, knowledge_to,
       country_iso3 || ':' || org_code || ':' || case when start_basis = 'first_attested' then 'attested:' else '' end
           || cast(changed_on as varchar) as spell_id,
       country_iso3, org_code, status, start_basis,
       case when start_basis <> 'first_attested' then changed_on end as valid_from,
       case when start_basis <> 'first_attested' then changed_on_latest end as valid_from_latest,
       case when start_basis <> 'first_attested' then changed_on_precision end as valid_from_precision,
       case when start_basis = 'first_attested' then changed_on end as first_attested_on,
       case when start_basis = 'first_attested' then changed_on_latest end as first_attested_latest,
       case when start_basis = 'first_attested' then changed_on_precision end as first_attested_precision,
       valid_to, valid_to_precision,
       case when has_legal_act then 'legal_act' when has_declaration then 'political_declaration'
            else 'status_assertion' end as legal_basis,
       start_fact_id, merged_fact_ids, supporting_fact_count
from spells
where status <> 'organisation_succeeded';

create or replace temp table spells_from_facts as select * from membership_spells('known_changes');

-- Lineage: on a successor's founding day, a status in force the day before in the predecessor continues in the
-- successor (continues_in_successor, unless former) and/or ends in the predecessor (ends_predecessor: an end marker
-- that outranks every stated change and never becomes a spell).
create or replace temp table changes_with_lineage as
with successions as (
    select o.org_code as successor_org_code, o.predecessor_org_code, o.founded_on as succeeded_on,
           o.founded_on_latest as succeeded_on_latest, o.founded_on_precision as succeeded_on_precision,
           k.continues_in_successor, k.ends_predecessor
    from organizations as o
    inner join succession_kinds as k on o.succession_kind = k.succession_kind
    where o.predecessor_org_code is not null and o.founded_on is not null
),
at_succession as (
    select s.knowledge_from, s.knowledge_to, s.country_iso3, s.status, s.legal_basis, x.*
    from spells_from_facts as s
    inner join successions as x on s.org_code = x.predecessor_org_code
    where coalesce(s.valid_from, s.first_attested_on) <= cast(x.succeeded_on - interval 1 day as date)
      and (s.valid_to is null or cast(x.succeeded_on - interval 1 day as date) <= s.valid_to)
)
select * from known_changes
union all
select knowledge_from, knowledge_to, null, null, country_iso3, successor_org_code, succeeded_on, succeeded_on_latest,
       succeeded_on_precision, null, legal_basis, status, 0, 'succession'
from at_succession
where continues_in_successor and status <> 'former'
union all
select knowledge_from, knowledge_to, null, null, country_iso3, predecessor_org_code, succeeded_on, succeeded_on_latest,
       succeeded_on_precision, null, legal_basis, 'organisation_succeeded', 10, 'succession'
from at_succession
where ends_predecessor;

create or replace temp table spells as select * from membership_spells('changes_with_lineage');

create or replace table marts.fct_membership_spell as
select spell_id, country_iso3, org_code, status, start_basis, valid_from, valid_from_latest, valid_from_precision,
       first_attested_on, first_attested_latest, first_attested_precision, valid_to, valid_to_precision, legal_basis,
       start_fact_id, merged_fact_ids, supporting_fact_count, valid_to is null as is_open
from spells
where knowledge_to is null;

create or replace table marts.fct_membership_spell_by_knowledge as
select cast(knowledge_from as varchar) || ':' || spell_id as knowledge_spell_id, knowledge_from, knowledge_to, spell_id,
       country_iso3, org_code, status, start_basis, valid_from, valid_from_latest, valid_from_precision,
       first_attested_on, first_attested_latest, first_attested_precision, valid_to, valid_to_precision, legal_basis,
       start_fact_id, merged_fact_ids, supporting_fact_count, valid_to is null as is_open
from spells;

-- in force on a day on everything known, or on the documents known on another day
create or replace macro marts.membership_as_of(as_of_date) as table (
    select spell_id, country_iso3, org_code, status, start_basis, valid_from, valid_from_precision, first_attested_on,
           first_attested_precision, valid_to, legal_basis,
           as_of_date >= coalesce(valid_from_latest, first_attested_latest) as is_status_certain
    from marts.fct_membership_spell
    where coalesce(valid_from, first_attested_on) <= as_of_date and (valid_to is null or as_of_date <= valid_to)
), (valid_on, known_on) as table (
    select spell_id, country_iso3, org_code, status, start_basis, valid_from, valid_from_precision, first_attested_on,
           first_attested_precision, valid_to, legal_basis,
           valid_on >= coalesce(valid_from_latest, first_attested_latest) as is_status_certain, knowledge_from
    from marts.fct_membership_spell_by_knowledge
    where knowledge_from <= known_on and (knowledge_to is null or known_on <= knowledge_to)
      and coalesce(valid_from, first_attested_on) <= valid_on and (valid_to is null or valid_on <= valid_to)
);

create or replace table marts.mart_membership_on_publication_dates as
select d.doc_id || ':' || s.spell_id as doc_spell_id, d.doc_id, d.published_on, d.known_from, s.knowledge_spell_id,
       s.spell_id, s.country_iso3, s.org_code, s.status, s.start_basis, s.valid_from, s.first_attested_on, s.valid_to,
       d.known_from >= coalesce(s.valid_from_latest, s.first_attested_latest) as is_status_certain
from marts.dim_document as d
inner join marts.fct_membership_spell_by_knowledge as s
    on s.knowledge_from <= d.known_from and (s.knowledge_to is null or d.known_from <= s.knowledge_to)
    and coalesce(s.valid_from, s.first_attested_on) <= d.known_from and (s.valid_to is null or d.known_from <= s.valid_to);

-- per country, organisation and year to 2025: the status on 31 December and every status held during the year
create or replace table marts.mart_alignment_timeline as
with spells as (
    select country_iso3, org_code, status, start_basis, valid_to, coalesce(valid_from, first_attested_on) as in_force_from
    from marts.fct_membership_spell
),
pairs as (
    select s.country_iso3, s.org_code,
           min(s.in_force_from) as first_known_on,
           -- the years run from the first stated start; from the founding year (or 1991) if the first spell is attested only
           case when arg_min(s.start_basis, s.in_force_from) = 'first_attested'
                then greatest(coalesce(cast(year(any_value(o.founded_on)) as integer), 1991), 1991)
                else cast(year(min(s.in_force_from)) as integer) end as first_year,
           max(case when s.valid_to is null then 2025 else cast(year(s.valid_to) as integer) end) as last_year
    from spells as s
    left join marts.dim_organization as o on s.org_code = o.org_code
    group by s.country_iso3, s.org_code
),
pair_years as (
    select p.country_iso3, p.org_code, p.first_known_on, cast(y.year_number as integer) as year_number,
           make_date(y.year_number, 1, 1) as year_start, make_date(y.year_number, 12, 31) as year_end
    from pairs as p
    inner join range(1991, 2026) as y(year_number) on y.year_number between p.first_year and p.last_year
),
-- each spell once for every year it touches (from the year it starts to the year it ends, open spells to 2025),
-- flagged when it still holds on 31 December; then one row per pair and year
spell_years as (
    select country_iso3, org_code, status, start_basis, year_number,
           valid_to is null or valid_to >= make_date(year_number, 12, 31) as at_year_end
    from (
        select *, unnest(range(greatest(year(in_force_from), 1991), least(coalesce(year(valid_to), 2025), 2025) + 1))
            as year_number
        from spells
    )
),
statuses as (
    select country_iso3, org_code, year_number,
           any_value(status) filter (where at_year_end) as status_at_year_end,
           any_value(start_basis) filter (where at_year_end) as start_basis_at_year_end,
           string_agg(distinct status, ', ' order by status) as statuses_during_year,
           count(distinct status) as status_count
    from spell_years
    group by country_iso3, org_code, year_number
),
per_year as (
    select py.country_iso3, py.org_code, py.year_number, py.year_end, py.first_known_on, s.status_at_year_end,
           s.start_basis_at_year_end, s.statuses_during_year, coalesce(s.status_count, 0) as status_count
    from pair_years as py
    left join statuses as s
        on py.country_iso3 = s.country_iso3 and py.org_code = s.org_code and py.year_number = s.year_number
)
select y.country_iso3 || ':' || y.org_code || ':' || cast(y.year_number as varchar) as timeline_id,
       y.country_iso3, c.country_name, y.org_code, o.org_name, o.org_type, y.year_number,
       case when y.status_at_year_end is not null then y.status_at_year_end
            when y.year_end < y.first_known_on then 'not_stated_yet'
            else 'no_record' end as status_at_year_end,
       y.start_basis_at_year_end, y.statuses_during_year, y.status_count > 1 as status_changed_during_year
from per_year as y
inner join marts.dim_country as c on y.country_iso3 = c.iso3
inner join marts.dim_organization as o on y.org_code = o.org_code;

-- ---------------------------------------------------------------------------------------------------------------
-- Arms: stages resolved to canonical weapon systems, deals, systems, the supplier shift
-- ---------------------------------------------------------------------------------------------------------------

create or replace table marts.fct_arms_transfer as
select t.fact_id, t.doc_id, t.deal_key, a.weapon_system_id, t.supplier_iso3, t.recipient_iso3, t.system_name, t.category,
       t.quantity, t.quantity_upper, t.value_usd, t.status, s.stage_order, t.status_date_iso, t.status_date_earliest,
       t.status_date_latest, t.status_date_precision, t.status_date_basis, t.date_basis_note, t.supply_start_year,
       t.supply_end_year, t.qualifier, t.evidence
from arms_transfers as t
left join weapon_system_aliases as a on t.system_alias_key = a.alias_key
left join deal_stages as s on t.status = s.deal_stage;

-- one row per deal and stage, dated by its earliest statements: overlapping ones take the range all of them allow
create or replace temp table stage_statements as
select {'d': deal_key, 's': status} as thing, fact_id, status_date_earliest as earliest,
       status_date_latest as latest, status_date_precision as date_precision
from marts.fct_arms_transfer
where status_date_earliest is not null;

create or replace table marts.fct_arms_deal_stage as
with first_cluster as (
    select a.thing.d as deal_key, a.thing.s as deal_stage, t.status_date_iso as iso, a.agreed_earliest,
           a.agreed_latest, a.agreed_precision
    from agreed_dates('stage_statements') as a
    inner join marts.fct_arms_transfer as t on a.date_fact_id = t.fact_id
    where a.cluster_number = 1 and a.fact_id = a.date_fact_id
),
stages as (
    select deal_key, status as deal_stage, min(stage_order) as stage_order,
           count(*) as stage_fact_count, count(distinct doc_id) as doc_count,
           string_agg(fact_id, ', ' order by fact_id) as fact_ids
    from marts.fct_arms_transfer
    group by deal_key, status
)
select s.deal_key || ':' || s.deal_stage as deal_stage_id, s.deal_key, s.deal_stage, s.stage_order,
       f.iso as stage_date_iso, f.agreed_earliest as stage_date_earliest, f.agreed_latest as stage_date_latest,
       f.agreed_precision as stage_date_precision, cast(year(f.agreed_earliest) as integer) as stage_year,
       s.stage_fact_count, s.doc_count, s.fact_ids
from stages as s
left join first_cluster as f on s.deal_key = f.deal_key and s.deal_stage = f.deal_stage;

create or replace table marts.fct_arms_deal as
with transfers as (
    select t.*, w.system_name as canonical_system_name, w.is_generic as is_generic_system,
           -- a statement's quantity bounds from its qualifier's rule ("up to" -> upper only, a range -> both)
           case when t.quantity is not null then bound(q.lower_bound_from, t.quantity, t.quantity_upper) end as lower_bound,
           case when t.quantity is not null then bound(q.upper_bound_from, t.quantity, t.quantity_upper) end as upper_bound
    from marts.fct_arms_transfer as t
    left join weapon_systems as w on t.weapon_system_id = w.weapon_system_id
    left join qualifiers as q on t.qualifier = q.qualifier
),
deals as (
    select deal_key, min(supplier_iso3) as supplier_iso3, min(recipient_iso3) as recipient_iso3,
           min(weapon_system_id) as weapon_system_id, min(canonical_system_name) as system_name,
           min(case when is_generic_system then 1 else 0 end) = 1 as is_generic_system, min(category) as category,
           min(lower_bound) as quantity_low, max(upper_bound) as quantity_high,
           count(quantity) > 0 as has_quantity,
           count(distinct quantity) as distinct_quantity_count,
           count(distinct qualifier) filter (where quantity is not null) as distinct_qualifier_count,
           min(qualifier) filter (where quantity is not null) as only_qualifier,
           min(supply_start_year) as supply_start_year, max(supply_end_year) as supply_end_year,
           count(*) as stage_fact_count, count(distinct doc_id) as doc_count,
           string_agg(distinct doc_id, ', ' order by doc_id) as doc_ids, string_agg(fact_id, ', ' order by fact_id) as fact_ids
    from transfers
    group by deal_key
),
stages as (
    select deal_key,
           arg_max({'stage': deal_stage, 'stage_order': stage_order, 'iso': stage_date_iso,
                    'earliest': stage_date_earliest, 'latest': stage_date_latest}, stage_order) as furthest,
           min(stage_date_earliest) as first_stage_date,
           string_agg(deal_stage || ' ' || coalesce(stage_date_iso, 'undated'), ' > ' order by stage_order) as stage_timeline
    from marts.fct_arms_deal_stage
    group by deal_key
),
-- the qualifier of a stated range: the reading of texts that disagree on the quantity
range_qualifier as (
    select min(qualifier) as qualifier from qualifiers where lower_bound_from = 'value' and upper_bound_from = 'value_upper'
)
select d.deal_key, d.supplier_iso3, d.recipient_iso3, d.weapon_system_id, d.system_name, d.is_generic_system, d.category,
       d.quantity_low, d.quantity_high,
       case when not d.has_quantity then null
            when d.distinct_quantity_count > 1 or d.distinct_qualifier_count > 1 then r.qualifier
            else d.only_qualifier end as quantity_qualifier,
       d.distinct_quantity_count > 1 as has_quantity_conflict,
       s.furthest.stage as furthest_stage, s.furthest.stage_order as furthest_stage_order,
       s.furthest.iso as furthest_stage_date_iso, s.furthest.earliest as furthest_stage_date_earliest,
       s.furthest.latest as furthest_stage_date_latest, s.first_stage_date, s.stage_timeline,
       d.supply_start_year, d.supply_end_year, d.doc_count, d.doc_ids, d.stage_fact_count, d.fact_ids
from deals as d
inner join stages as s on d.deal_key = s.deal_key
cross join range_qualifier as r;

create or replace table marts.dim_weapon_system as
with deals as (
    select weapon_system_id, min(category) as category, count(distinct category) as category_count,
           min(supplier_iso3) as supplier_iso3, count(distinct supplier_iso3) as supplier_count, count(*) as deal_count
    from marts.fct_arms_deal
    group by weapon_system_id
),
spellings as (
    select weapon_system_id, string_agg(distinct system_name, '; ' order by system_name) as names_as_written
    from marts.fct_arms_transfer
    group by weapon_system_id
)
select w.weapon_system_id, w.system_name, w.is_generic, w.description, s.names_as_written, d.category, d.category_count,
       d.supplier_iso3, d.supplier_count, d.deal_count
from weapon_systems as w
inner join deals as d on w.weapon_system_id = d.weapon_system_id
inner join spellings as s on w.weapon_system_id = s.weapon_system_id;

-- per supplier, recipient and year: stated shares and ranks covering the year, stages dated in it, deals supplying
create or replace table marts.mart_arms_supplier_shift as
with shares as (
    select fact_id, supplier_iso3, recipient_iso3, share_pct, supplier_rank_best, supplier_rank_worst,
           coalesce(period_start_year, period_end_year) as first_year, coalesce(period_end_year, period_start_year) as last_year,
           case when measure in ('share_of_arms_imports', 'share_of_arms_holdings') then measure end as arms_measure,
           measure in ('share_of_arms_imports', 'share_of_arms_holdings') as is_arms_measure
    from marts.fct_arms_supplier_share
    where coalesce(period_start_year, period_end_year) is not null
),
share_years as (
    select supplier_iso3, recipient_iso3, y.year_number,
           max(share_pct) filter (where is_arms_measure) as max_arms_share_pct,
           min(share_pct) filter (where is_arms_measure) as min_arms_share_pct,
           max(share_pct) filter (where not is_arms_measure) as max_other_share_pct,
           min(supplier_rank_best) filter (where is_arms_measure) as best_arms_supplier_rank,
           max(supplier_rank_worst) filter (where is_arms_measure) as worst_arms_supplier_rank,
           string_agg(distinct arms_measure, ', ' order by arms_measure) as arms_share_measures,
           string_agg(fact_id, ', ' order by fact_id) as share_fact_ids
    from shares
    inner join range(1991, 2031) as y(year_number) on y.year_number between shares.first_year and shares.last_year
    group by all
),
deal_years as (
    select d.supplier_iso3, d.recipient_iso3, s.stage_year as year_number, count(*) as deal_stage_count,
           count(distinct d.weapon_system_id) as system_count,
           string_agg(d.system_name || ' (' || s.deal_stage || ')', ', ' order by s.stage_order, d.system_name)
               as systems_and_stages
    from marts.fct_arms_deal_stage as s
    inner join marts.fct_arms_deal as d on s.deal_key = d.deal_key
    where s.stage_year is not null
    group by all
),
supply_years as (
    select d.supplier_iso3, d.recipient_iso3, y.year_number, count(*) as supplying_deal_count
    from marts.fct_arms_deal as d
    inner join range(1991, 2031) as y(year_number) on y.year_number between d.supply_start_year and d.supply_end_year
    group by all
),
keys as (
    select supplier_iso3, recipient_iso3, year_number from share_years
    union
    select supplier_iso3, recipient_iso3, year_number from deal_years
    union
    select supplier_iso3, recipient_iso3, year_number from supply_years
)
select k.supplier_iso3 || ':' || k.recipient_iso3 || ':' || cast(k.year_number as varchar) as supplier_year_id,
       k.supplier_iso3, k.recipient_iso3, cast(k.year_number as integer) as year_number, k.supplier_iso3 = 'RUS' as is_russia,
       sh.min_arms_share_pct, sh.max_arms_share_pct, sh.arms_share_measures, sh.max_other_share_pct,
       sh.best_arms_supplier_rank, sh.worst_arms_supplier_rank, sh.share_fact_ids,
       coalesce(dy.deal_stage_count, 0) as deal_stage_count, coalesce(dy.system_count, 0) as system_count,
       dy.systems_and_stages, coalesce(sy.supplying_deal_count, 0) as supplying_deal_count
from keys as k
left join share_years as sh using (supplier_iso3, recipient_iso3, year_number)
left join deal_years as dy using (supplier_iso3, recipient_iso3, year_number)
left join supply_years as sy using (supplier_iso3, recipient_iso3, year_number);

-- ---------------------------------------------------------------------------------------------------------------
-- Treaties
-- ---------------------------------------------------------------------------------------------------------------

create or replace temp table treaty_statements as
select {'t': treaty_id, 'e': event_type} as thing, fact_id, event_date_earliest as earliest,
       event_date_latest as latest, event_date_precision as date_precision
from treaty_events
where event_date_earliest is not null;

create or replace table marts.dim_treaty as
with dated_treaty_events as (
    select e.* replace (a.agreed_earliest as event_date_earliest)
    from treaty_events as e
    left join agreed_dates('treaty_statements') as a on e.fact_id = a.fact_id
),
steps as (
    select treaty_id,
           min(event_date_earliest) filter (where event_type = 'signed') as signed_on,
           min(event_date_earliest) filter (where event_type = 'in_force') as in_force_on,
           max(event_date_earliest) filter (where event_type = 'extended') as last_extended_on,
           max(valid_until_year) as valid_until_year,
           min(event_date_earliest) filter (where event_type = 'suspended') as suspended_on,
           min(event_date_earliest) filter (where event_type = 'denounced') as denounced_on,
           max(types.lifecycle_rank) as furthest_rank,
           count(*) as step_count, count(distinct doc_id) as doc_count
    from dated_treaty_events
    left join treaty_event_types as types using (event_type)
    group by treaty_id
),
parties as (
    select treaty_id, count(distinct party_code) as party_count from treaty_parties group by treaty_id
)
select t.treaty_id, t.treaty_name, t.treaty_type, t.org_code, t.doc_id as named_in_doc_id, s.signed_on, s.in_force_on,
       s.last_extended_on, s.valid_until_year, make_date(s.valid_until_year, 12, 31) as valid_until, s.suspended_on,
       s.denounced_on,
       coalesce(furthest.event_type, 'named_only') as lifecycle_stage,
       coalesce(s.step_count, 0) as step_count, coalesce(s.doc_count, 0) as doc_count,
       coalesce(p.party_count, 0) as party_count
from treaties as t
left join steps as s on t.treaty_id = s.treaty_id
left join treaty_event_types as furthest on s.furthest_rank = furthest.lifecycle_rank
left join parties as p on t.treaty_id = p.treaty_id;

-- ---------------------------------------------------------------------------------------------------------------
-- Trade partners
-- ---------------------------------------------------------------------------------------------------------------

create or replace table marts.mart_trade_partners as
with trade as (
    select * from marts.fct_trade_flow where partner_iso3 is not null
),
-- one figure per partner, flow and year (the lowest stated), then the previous stated year's figure
yearly as (
    select reporter_iso3, partner_iso3, flow, trade_year,
           lag(trade_year) over w as previous_year, lag(fact_id) over w as previous_fact_id,
           lag(value_usd) over w as previous_value_usd,
           lag(value_usd_lower) over w as previous_value_usd_lower, lag(value_usd_upper) over w as previous_value_usd_upper,
           lag(is_exact) over w as previous_is_exact
    from (
        select * from trade
        where value_usd is not null and trade_year is not null
        qualify row_number() over (partition by reporter_iso3, partner_iso3, flow, trade_year order by value_usd, fact_id) = 1
    )
    window w as (partition by reporter_iso3, partner_iso3, flow order by trade_year)
),
-- growth_factor claims between two figures, as bounds on the percentage: factor f -> 100 * (f - 1)
growth_claims as (
    select cl.about_fact_id, cl.base_fact_id,
           max(floor(1000.0 * (bound(q.lower_bound_from, cl.claimed_amount, null) - 1)) / 10.0) as claimed_lower,
           min(ceiling(1000.0 * (bound(q.upper_bound_from, cl.claimed_amount, null) - 1)) / 10.0) as claimed_upper,
           string_agg(cl.claim_id, ', ' order by cl.claim_id) as growth_claim_ids
    from claims as cl
    inner join qualifiers as q on cl.qualifier = q.qualifier
    where cl.claim_attribute = 'growth_factor'
    group by cl.about_fact_id, cl.base_fact_id
),
csto as (
    select country_iso3, coalesce(valid_from, first_attested_on) as in_force_from, valid_to
    from marts.fct_membership_spell
    where org_code = 'CSTO' and status in ('member', 'participation_frozen')
),
joined as (
    select t.*, c.country_name as partner_name,
           case when t.trade_year is not null then exists (
               select 1 from csto
               where csto.country_iso3 = t.partner_iso3
                 and csto.in_force_from <= make_date(t.trade_year, 12, 31)
                 and (csto.valid_to is null or make_date(t.trade_year, 12, 31) <= csto.valid_to)
           ) end as partner_in_csto,
           y.previous_year, y.previous_value_usd, y.previous_value_usd_lower, y.previous_value_usd_upper, y.previous_is_exact,
           pct_change(t.value_usd, y.previous_value_usd) as growth,
           case when t.value_usd is not null and y.previous_value_usd > 0 then t.is_exact and y.previous_is_exact end
               as growth_is_exact,
           pct_change_down(t.value_usd_lower, y.previous_value_usd_upper) as growth_floor,
           pct_change_up(t.value_usd_upper, y.previous_value_usd_lower) as growth_ceiling,
           case when y.previous_value_usd > 0 then y.previous_year end as growth_from_year,
           case when y.previous_value_usd > 0 and t.value_usd is not null then t.trade_year end as growth_to_year,
           g.claimed_lower, g.claimed_upper, g.growth_claim_ids
    from trade as t
    inner join marts.dim_country as c on t.partner_iso3 = c.iso3
    left join yearly as y
        on t.reporter_iso3 = y.reporter_iso3 and t.partner_iso3 = y.partner_iso3 and t.flow = y.flow
        and t.trade_year = y.trade_year
    left join growth_claims as g on t.fact_id = g.about_fact_id and y.previous_fact_id = g.base_fact_id
)
select fact_id, doc_id, reporter_iso3, partner_iso3, partner_name, flow, trade_year, value_usd, value_usd_lower,
       value_usd_upper, qualifier, is_exact, share_pct, share_pct_lower, share_pct_upper, partner_rank, partner_in_csto,
       growth_from_year, growth_to_year, previous_value_usd, previous_value_usd_lower, previous_value_usd_upper,
       previous_is_exact,
       -- a point value only when exact; otherwise the figures' interval tightened by the claims
       case when growth_is_exact then growth end as growth_pct,
       case when growth_is_exact then growth
            when growth_floor is null then claimed_lower
            when claimed_lower is null then growth_floor
            else greatest(growth_floor, claimed_lower) end as growth_pct_lower,
       case when growth_is_exact then growth
            when growth_ceiling is null then claimed_upper
            when claimed_upper is null then growth_ceiling
            else least(growth_ceiling, claimed_upper) end as growth_pct_upper,
       growth_is_exact, growth_claim_ids, evidence
from joined;

-- ---------------------------------------------------------------------------------------------------------------
-- Source conflicts: pairs of facts from different documents that disagree
-- ---------------------------------------------------------------------------------------------------------------

-- Each fact becomes comparable statements (what it is about, which attribute, an amount, a date period or a text);
-- one self-join pairs statements from different documents that disagree: amounts or texts that differ, date periods
-- that do not overlap (only for steps that happen once). Then status assertions contradicted by an earlier dated
-- change in another document.
create or replace table marts.mart_source_conflicts as
with statements as (
    select 'trade_figures' as fact_table,
           reporter_iso3 || '-' || coalesce(partner_iso3, partner_org_code) || ' ' || flow || ' ' || cast(trade_year as varchar)
               as compared_thing,
           attribute as differing_attribute, fact_id, doc_id, amount,
           cast(null as date) as date_earliest, cast(null as date) as date_latest, cast(null as varchar) as date_iso,
           cast(null as varchar) as text_value, evidence
    from marts.fct_trade_flow
    cross join lateral (
        values ('value_usd', value_usd), ('share_pct', share_pct), ('partner_rank', cast(partner_rank as double))
    ) as figures(attribute, amount)
    where amount is not null
    union all
    select 'arms_supplier_shares',
           supplier_iso3 || '->' || recipient_iso3 || ' ' || measure || ' ' || coalesce(cast(period_start_year as varchar), '?')
               || '-' || coalesce(cast(period_end_year as varchar), '?'),
           'share_pct', fact_id, doc_id, share_pct, null, null, null, null, evidence
    from marts.fct_arms_supplier_share
    union all
    select 'membership_events', country_iso3 || ' ' || event_type || ' ' || org_code, 'date', fact_id, doc_id, null,
           event_date_earliest, event_date_latest, event_date_iso, null, evidence
    from marts.fct_membership_event
    where event_type in (select event_type from membership_event_types where is_one_off)
    union all
    select 'treaty_events', treaty_id || ' ' || event_type, 'date', fact_id, doc_id, null, event_date_earliest,
           event_date_latest, event_date_iso, null, evidence
    from marts.fct_treaty_event
    where event_type in (select event_type from treaty_event_types where is_one_off)
    union all
    select 'arms_transfers', deal_key || ' ' || status, 'date', fact_id, doc_id, null, status_date_earliest,
           status_date_latest, status_date_iso, null, evidence
    from marts.fct_arms_transfer
    union all
    select 'arms_transfers', deal_key || ' ' || status || ' quantity', 'amount', fact_id, doc_id, cast(quantity as double),
           null, null, null, null, evidence
    from marts.fct_arms_transfer
    where quantity is not null
    union all
    select 'treaty_events', treaty_id || ' ' || event_type || ' valid until', 'amount', fact_id, doc_id,
           cast(valid_until_year as double), null, null, null, null, evidence
    from marts.fct_treaty_event
    where valid_until_year is not null
    union all
    select 'indicators', subject_code || ' ' || indicator || ' ' || unit || ' ' || coalesce(ref_date_iso, cast(ref_year as varchar), 'undated'),
           'amount', fact_id, doc_id, value, null, null, null, null, evidence
    from marts.fct_indicator
    union all
    select 'claims', subject_code || ' ' || topic || ' ' || claim_attribute, claim_attribute, claim_id, doc_id, null,
           null, null, null, claimed_value, evidence
    from claims
),
statement_conflicts as (
    select case when l.fact_table = 'claims' then a.conflict_kind when l.differing_attribute = 'date' then 'date' else 'value' end
               as conflict_kind,
           l.fact_table, l.compared_thing, l.differing_attribute,
           l.fact_id as left_fact_id, l.doc_id as left_doc_id,
           coalesce(l.date_iso, l.text_value, cast(l.amount as varchar)) as left_value, l.evidence as left_evidence,
           r.fact_id as right_fact_id, r.doc_id as right_doc_id,
           coalesce(r.date_iso, r.text_value, cast(r.amount as varchar)) as right_value, r.evidence as right_evidence,
           case when l.date_latest < r.date_earliest then 'left' else 'right' end as earlier_side
    from statements as l
    inner join statements as r
        on l.fact_table = r.fact_table and l.compared_thing = r.compared_thing
        and l.differing_attribute = r.differing_attribute and l.doc_id < r.doc_id
    left join claim_attributes as a on l.fact_table = 'claims' and l.differing_attribute = a.claim_attribute
    where l.amount <> r.amount or l.date_latest < r.date_earliest or r.date_latest < l.date_earliest
       or l.text_value <> r.text_value
),
membership_statuses as (
    select fact_id, doc_id, country_iso3, org_code, resulting_status, act_kind, event_date_earliest, event_date_latest, evidence
    from marts.fct_membership_event
    where resulting_status is not null and event_date_earliest is not null
),
dated_changes as (
    select * from membership_statuses where act_kind <> 'status_assertion'
),
-- an assertion against a change certainly over before it and not replaced, before it, by a change to another status
contradicted as (
    select a.country_iso3, a.org_code,
           a.fact_id as assertion_fact_id, a.doc_id as assertion_doc_id, a.resulting_status as asserted_status,
           a.evidence as assertion_evidence,
           c.fact_id as change_fact_id, c.doc_id as change_doc_id, c.resulting_status as changed_status,
           c.evidence as change_evidence
    from membership_statuses as a
    inner join dated_changes as c
        on a.country_iso3 = c.country_iso3 and a.org_code = c.org_code and a.event_date_earliest > c.event_date_latest
    where a.act_kind = 'status_assertion'
      and c.doc_id <> a.doc_id and c.resulting_status <> a.resulting_status
      and not exists (
          select 1 from dated_changes as later
          where later.country_iso3 = c.country_iso3 and later.org_code = c.org_code
            and later.resulting_status <> c.resulting_status
            and later.event_date_earliest > c.event_date_latest and later.event_date_latest < a.event_date_earliest
      )
),
status_conflicts as (
    select 'status' as conflict_kind, 'membership_events' as fact_table,
           country_iso3 || ' ' || org_code || ' status' as compared_thing, 'status' as differing_attribute,
           -- the document that sorts first is the left side
           case when change_doc_id < assertion_doc_id then change_fact_id else assertion_fact_id end as left_fact_id,
           case when change_doc_id < assertion_doc_id then change_doc_id else assertion_doc_id end as left_doc_id,
           case when change_doc_id < assertion_doc_id then changed_status else asserted_status end as left_value,
           case when change_doc_id < assertion_doc_id then change_evidence else assertion_evidence end as left_evidence,
           case when change_doc_id < assertion_doc_id then assertion_fact_id else change_fact_id end as right_fact_id,
           case when change_doc_id < assertion_doc_id then assertion_doc_id else change_doc_id end as right_doc_id,
           case when change_doc_id < assertion_doc_id then asserted_status else changed_status end as right_value,
           case when change_doc_id < assertion_doc_id then assertion_evidence else change_evidence end as right_evidence,
           null as earlier_side
    from contradicted
),
conflicts as (
    select * from statement_conflicts
    union all
    select * from status_conflicts
)
select c.left_fact_id || '~' || c.right_fact_id || ':' || c.differing_attribute as conflict_id, c.conflict_kind,
       c.fact_table, c.compared_thing, c.differing_attribute, c.left_fact_id, c.left_doc_id, c.left_value, c.left_evidence,
       c.right_fact_id, c.right_doc_id, c.right_value, c.right_evidence, r.resolution_id,
       coalesce('uses ' || r.adopted_reading || ': ' || r.reason,
                case when c.conflict_kind = 'date' then
                    'unresolved: the models use the earlier period, '
                    || case when c.earlier_side = 'left' then c.left_value else c.right_value end
                    || ' (texts whose dates do not overlap are never merged); add a row to'
                    || ' seeds/facts/conflict_resolutions.csv to record the reading' end,
                'unresolved: no row in seeds/facts/conflict_resolutions.csv for this kind and compared thing') as resolution,
       r.resolution_id is not null as is_resolved
from conflicts as c
left join conflict_resolutions as r on c.conflict_kind = r.conflict_kind and c.compared_thing = r.compared_thing;

-- ---------------------------------------------------------------------------------------------------------------
-- Checks: the rules the project's data tests state, on the inputs (cleaned views), the intermediate tables and
-- the marts. One aggregate scan per relation: each column below counts the failing rows of one rule, named
-- "rule|columns" and unpivoted into one row per check. Uniqueness is counted, not indexed: rows minus distinct
-- values (or value combinations), nulls left to not_null. Relationships: values (not null) missing from the
-- referenced column. Ranges, order and accepted values: rows outside. The rules dbt checks on an intermediate
-- model this script does not build (the arms stages, the treaty lifecycles) are checked once, on the mart that
-- holds the same rows.
-- ---------------------------------------------------------------------------------------------------------------

-- The rules shared by many checks: a number outside its own bounds, or marked exact without both bounds equal to it
-- (bounds_enclose_value); a missing, blank or over-long evidence quote (evidence_present); a qualifier the
-- vocabulary does not call exact (not_exact_from_bounded_input).
create or replace temp macro outside_bounds(value, lower_bound, upper_bound, marked_exact) as
    lower_bound > value or upper_bound < value
    or (marked_exact and (lower_bound is null or upper_bound is null or lower_bound <> value or upper_bound <> value));
create or replace temp macro evidence_missing(quote) as quote is null or trim(quote) = '' or length(quote) > 200;
create or replace temp macro inexact_qualifier(code) as
    code is null or code not in (select qualifier from qualifiers where is_exact);

create or replace temp table checks (relation varchar, rule varchar, columns varchar, failing_rows bigint);

insert into checks
select 'claim_attributes', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(claim_attribute is null) as "not_null|claim_attribute",
        count_if(conflict_kind is null) as "not_null|conflict_kind",
        count_if(conflict_kind not in (select conflict_kind from conflict_kinds where conflict_kind is not null)) as "relationships|conflict_kind -> conflict_kinds.conflict_kind",
        count(claim_attribute) - count(distinct claim_attribute) as "unique|claim_attribute"
    from claim_attributes
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'conflict_kinds', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(conflict_kind is null) as "not_null|conflict_kind",
        count(conflict_kind) - count(distinct conflict_kind) as "unique|conflict_kind"
    from conflict_kinds
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'countries', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(iso3 is null) as "not_null|iso3",
        count(iso3) - count(distinct iso3) as "unique|iso3"
    from countries
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'deal_stages', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(deal_stage is null) as "not_null|deal_stage",
        count_if(stage_order is null) as "not_null|stage_order",
        count(deal_stage) - count(distinct deal_stage) as "unique|deal_stage",
        count(stage_order) - count(distinct stage_order) as "unique|stage_order"
    from deal_stages
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'documents', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(published_on is null) as "not_null|published_on",
        count_if(published_on_latest is null) as "not_null|published_on_latest",
        count(doc_id) - count(distinct doc_id) as "unique|doc_id"
    from documents
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'entity_aliases', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(alias_text is null) as "not_null|alias_text",
        count_if(entity_code is null) as "not_null|entity_code",
        count_if(entity_kind is null) as "not_null|entity_kind",
        count(alias_text) - count(distinct alias_text) as "unique|alias_text"
    from entity_aliases
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fact_tables', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(fact_table is null) as "not_null|fact_table",
        count(fact_id_prefix) - count(distinct fact_id_prefix) as "unique|fact_id_prefix",
        count(fact_table) - count(distinct fact_table) as "unique|fact_table"
    from fact_tables
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'membership_event_types', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(resulting_status not in ('member', 'partner', 'observer', 'suspended', 'participation_frozen', 'former')) as "accepted_values|resulting_status",
        count_if(event_type is null) as "not_null|event_type",
        count_if(is_assertion is null) as "not_null|is_assertion",
        count_if(is_one_off is null) as "not_null|is_one_off",
        count_if(status_priority is null) as "not_null|status_priority",
        count(event_type) - count(distinct event_type) as "unique|event_type"
    from membership_event_types
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'treaty_event_types', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(event_type is null) as "not_null|event_type",
        count(event_type) - count(distinct event_type) as "unique|event_type",
        count(lifecycle_rank) - count(distinct lifecycle_rank) as "unique|lifecycle_rank",
        count_if(is_one_off is null) as "not_null|is_one_off"
    from treaty_event_types
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'organizations', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(org_code is null) as "not_null|org_code",
        count_if(org_type is null) as "not_null|org_type",
        count_if(parent_org_code not in (select org_code from organizations where org_code is not null)) as "relationships|parent_org_code -> organizations.org_code",
        count_if(predecessor_org_code not in (select org_code from organizations where org_code is not null)) as "relationships|predecessor_org_code -> organizations.org_code",
        count_if(succession_kind not in (select succession_kind from succession_kinds where succession_kind is not null)) as "relationships|succession_kind -> succession_kinds.succession_kind",
        count(org_code) - count(distinct org_code) as "unique|org_code"
    from organizations
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'qualifiers', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(lower_bound_from not in ('value', 'none')) as "accepted_values|lower_bound_from",
        count_if(upper_bound_from not in ('value', 'value_upper', 'none')) as "accepted_values|upper_bound_from",
        count_if(is_exact is null) as "not_null|is_exact",
        count_if(lower_bound_from is null) as "not_null|lower_bound_from",
        count_if(qualifier is null) as "not_null|qualifier",
        count_if(upper_bound_from is null) as "not_null|upper_bound_from",
        count(qualifier) - count(distinct qualifier) as "unique|qualifier"
    from qualifiers
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'succession_kinds', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(continues_in_successor is null) as "not_null|continues_in_successor",
        count_if(ends_predecessor is null) as "not_null|ends_predecessor",
        count_if(succession_kind is null) as "not_null|succession_kind",
        count(succession_kind) - count(distinct succession_kind) as "unique|succession_kind"
    from succession_kinds
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'value_check_exceptions', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(column_name is null) as "not_null|column_name",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(reason is null) as "not_null|reason",
        count(*) - count(distinct (fact_id, column_name)) as "unique_combination|fact_id, column_name"
    from value_check_exceptions
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'weapon_system_aliases', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(alias_key is null) as "not_null|alias_key",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(weapon_system_id is null) as "not_null|weapon_system_id",
        count_if(supplier_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|supplier_iso3 -> countries.iso3",
        count_if(weapon_system_id not in (select weapon_system_id from weapon_systems where weapon_system_id is not null)) as "relationships|weapon_system_id -> weapon_systems.weapon_system_id",
        count(alias_key) - count(distinct alias_key) as "unique|alias_key",
        count(*) - count(distinct (supplier_iso3, name_as_written)) as "unique_combination|supplier_iso3, name_as_written"
    from weapon_system_aliases
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'weapon_systems', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(is_generic is null) as "not_null|is_generic",
        count_if(weapon_system_id is null) as "not_null|weapon_system_id",
        count(weapon_system_id) - count(distinct weapon_system_id) as "unique|weapon_system_id"
    from weapon_systems
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'arms_supplier_shares', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(recipient_iso3 is null) as "not_null|recipient_iso3",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(qualifier not in (select qualifier from qualifiers where qualifier is not null)) as "relationships|qualifier -> qualifiers.qualifier",
        count_if(recipient_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|recipient_iso3 -> countries.iso3",
        count_if(supplier_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|supplier_iso3 -> countries.iso3",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from arms_supplier_shares
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'arms_transfers', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(recipient_iso3 is null) as "not_null|recipient_iso3",
        count_if(status is null) as "not_null|status",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(system_alias_key is null) as "not_null|system_alias_key",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(qualifier not in (select qualifier from qualifiers where qualifier is not null)) as "relationships|qualifier -> qualifiers.qualifier",
        count_if(recipient_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|recipient_iso3 -> countries.iso3",
        count_if(status not in (select deal_stage from deal_stages where deal_stage is not null)) as "relationships|status -> deal_stages.deal_stage",
        count_if(supplier_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|supplier_iso3 -> countries.iso3",
        count_if(system_alias_key not in (select alias_key from weapon_system_aliases where alias_key is not null)) as "relationships|system_alias_key -> weapon_system_aliases.alias_key",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from arms_transfers
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'claims', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(claim_attribute is null) as "not_null|claim_attribute",
        count_if(claim_id is null) as "not_null|claim_id",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(about_fact_id not in (select fact_id from facts where fact_id is not null)) as "relationships|about_fact_id -> facts.fact_id",
        count_if(claim_attribute not in (select claim_attribute from claim_attributes where claim_attribute is not null)) as "relationships|claim_attribute -> claim_attributes.claim_attribute",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count(claim_id) - count(distinct claim_id) as "unique|claim_id"
    from claims
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'conflict_resolutions', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(conflict_kind is null) as "not_null|conflict_kind",
        count_if(resolution_id is null) as "not_null|resolution_id",
        count_if(conflict_kind not in (select conflict_kind from conflict_kinds where conflict_kind is not null)) as "relationships|conflict_kind -> conflict_kinds.conflict_kind",
        count(resolution_id) - count(distinct resolution_id) as "unique|resolution_id"
    from conflict_resolutions
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'event_actors', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(fact_id not in (select fact_id from events where fact_id is not null)) as "relationships|fact_id -> events.fact_id",
        count(*) - count(distinct (fact_id, actor_code)) as "unique_combination|fact_id, actor_code"
    from event_actors
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'events', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(location_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|location_iso3 -> countries.iso3",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from events
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'excluded_mentions', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(exclusion_id is null) as "not_null|exclusion_id",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count(exclusion_id) - count(distinct exclusion_id) as "unique|exclusion_id"
    from excluded_mentions
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'indicators', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(qualifier not in (select qualifier from qualifiers where qualifier is not null)) as "relationships|qualifier -> qualifiers.qualifier",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from indicators
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'membership_events', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(act_kind not in ('legal_act', 'political_declaration', 'status_assertion')) as "accepted_values|act_kind",
        count_if(country_iso3 is null) as "not_null|country_iso3",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(org_code is null) as "not_null|org_code",
        count_if(country_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|country_iso3 -> countries.iso3",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(org_code not in (select org_code from organizations where org_code is not null)) as "relationships|org_code -> organizations.org_code",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from membership_events
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'trade_figures', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(flow not in ('total', 'exports', 'imports')) as "accepted_values|flow",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(reporter_iso3 is null) as "not_null|reporter_iso3",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(partner_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|partner_iso3 -> countries.iso3",
        count_if(partner_org_code not in (select org_code from organizations where org_code is not null)) as "relationships|partner_org_code -> organizations.org_code",
        count_if(qualifier not in (select qualifier from qualifiers where qualifier is not null)) as "relationships|qualifier -> qualifiers.qualifier",
        count_if(reporter_iso3 not in (select iso3 from countries where iso3 is not null)) as "relationships|reporter_iso3 -> countries.iso3",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from trade_figures
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'treaties', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(treaty_id is null) as "not_null|treaty_id",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(org_code not in (select org_code from organizations where org_code is not null)) as "relationships|org_code -> organizations.org_code",
        count(treaty_id) - count(distinct treaty_id) as "unique|treaty_id"
    from treaties
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'treaty_events', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(treaty_id is null) as "not_null|treaty_id",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(qualifier not in (select qualifier from qualifiers where qualifier is not null)) as "relationships|qualifier -> qualifiers.qualifier",
        count_if(treaty_id not in (select treaty_id from treaties where treaty_id is not null)) as "relationships|treaty_id -> treaties.treaty_id",
        count_if(event_type is null) as "not_null|event_type",
        count_if(event_type not in (select event_type from treaty_event_types where event_type is not null)) as "relationships|event_type -> treaty_event_types.event_type",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from treaty_events
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'treaty_parties', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(treaty_id is null) as "not_null|treaty_id",
        count_if(doc_id not in (select doc_id from documents where doc_id is not null)) as "relationships|doc_id -> documents.doc_id",
        count_if(treaty_id not in (select treaty_id from treaties where treaty_id is not null)) as "relationships|treaty_id -> treaties.treaty_id",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from treaty_parties
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'changes_with_lineage', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(change_basis not in ('stated_event', 'first_attested', 'succession')) as "accepted_values|change_basis",
        count(*) - count(distinct (knowledge_from, country_iso3, org_code, changed_on, status, change_basis, fact_id)) as "unique_combination|knowledge_from, country_iso3, org_code, changed_on, status, change_basis, fact_id"
    from changes_with_lineage
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'documents_known', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(known_from_basis not in ('publication_period_end', 'latest_reported_fact')) as "accepted_values|known_from_basis",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(known_from is null) as "not_null|known_from",
        count_if(published_on_latest > known_from) as "ordered_columns|published_on_latest <= known_from",
        count(doc_id) - count(distinct doc_id) as "unique|doc_id"
    from documents_known
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'facts', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(fact_key is null) as "not_null|fact_key",
        count_if(fact_table is null) as "not_null|fact_table",
        count_if(fact_table not in (select fact_table from fact_tables where fact_table is not null)) as "relationships|fact_table -> fact_tables.fact_table",
        count(fact_key) - count(distinct fact_key) as "unique|fact_key"
    from facts
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'known_changes', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(change_basis not in ('stated_event', 'first_attested')) as "accepted_values|change_basis",
        count_if(knowledge_from is null) as "not_null|knowledge_from",
        count(*) - count(distinct (knowledge_from, fact_id)) as "unique_combination|knowledge_from, fact_id"
    from known_changes
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'spells', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(start_basis not in ('stated_event', 'succession', 'first_attested')) as "accepted_values|start_basis",
        count_if(knowledge_from is null) as "not_null|knowledge_from",
        count_if(spell_id is null) as "not_null|spell_id",
        count_if(start_basis is null) as "not_null|start_basis",
        count_if((first_attested_on is null) <> coalesce(start_basis <> 'first_attested', false)) as "null_exactly_when|first_attested_on",
        count_if((valid_from is null) <> coalesce(start_basis = 'first_attested', false)) as "null_exactly_when|valid_from",
        count_if(first_attested_on > valid_to) as "ordered_columns|first_attested_on <= valid_to",
        count_if(valid_from > valid_to) as "ordered_columns|valid_from <= valid_to",
        count(*) - count(distinct (knowledge_from, spell_id)) as "unique_combination|knowledge_from, spell_id"
    from spells
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'spells_from_facts', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(start_basis not in ('stated_event', 'succession', 'first_attested')) as "accepted_values|start_basis",
        count_if(knowledge_from is null) as "not_null|knowledge_from",
        count_if(spell_id is null) as "not_null|spell_id",
        count_if(start_basis is null) as "not_null|start_basis",
        count_if((first_attested_on is null) <> coalesce(start_basis <> 'first_attested', false)) as "null_exactly_when|first_attested_on",
        count_if((valid_from is null) <> coalesce(start_basis = 'first_attested', false)) as "null_exactly_when|valid_from",
        count(*) - count(distinct (knowledge_from, spell_id)) as "unique_combination|knowledge_from, spell_id"
    from spells_from_facts
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'status_changes', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(event_type not in (select event_type from membership_event_types where event_type is not null)) as "relationships|event_type -> membership_event_types.event_type",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from status_changes
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_country', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(continent not in ('Africa', 'America', 'Antarctica', 'Asia', 'Europe', 'Oceania')) as "accepted_values|continent",
        count_if(iso3 is null) as "not_null|iso3",
        count(iso3) - count(distinct iso3) as "unique|iso3"
    from marts.dim_country
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_date', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(date_day is null) as "not_null|date_day",
        count_if(year_number is null) as "not_null|year_number",
        count(date_day) - count(distinct date_day) as "unique|date_day",
        count_if(year_number < 1991 or year_number > 2030) as "value_in_range|year_number"
    from marts.dim_date
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_document', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(known_from_basis not in ('publication_period_end', 'latest_reported_fact')) as "accepted_values|known_from_basis",
        count_if(published_on_precision not in ('day', 'month', 'year')) as "accepted_values|published_on_precision",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(published_on > published_on_latest) as "ordered_columns|published_on <= published_on_latest",
        count_if(published_on_latest > known_from) as "ordered_columns|published_on_latest <= known_from",
        count(doc_id) - count(distinct doc_id) as "unique|doc_id",
        count(sha256) - count(distinct sha256) as "unique|sha256"
    from marts.dim_document
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_organization', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(founded_on_precision not in ('day', 'month', 'year')) as "accepted_values|founded_on_precision",
        count_if(org_type not in ('military_alliance', 'economic_union', 'customs_union', 'regional_organization', 'partnership_forum', 'partnership_programme', 'military_training_network', 'political_economic_union', 'civilian_mission', 'funding_instrument', 'international_organization', 'international_organ', 'mediation_group', 'court')) as "accepted_values|org_type",
        count_if(org_code is null) as "not_null|org_code",
        count_if(parent_org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|parent_org_code -> dim_organization.org_code",
        count_if(predecessor_org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|predecessor_org_code -> dim_organization.org_code",
        count_if(succession_kind not in (select succession_kind from succession_kinds where succession_kind is not null)) as "relationships|succession_kind -> succession_kinds.succession_kind",
        count_if(successor_org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|successor_org_code -> dim_organization.org_code",
        count(org_code) - count(distinct org_code) as "unique|org_code"
    from marts.dim_organization
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_qualifier', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(lower_bound_from not in ('value', 'none')) as "accepted_values|lower_bound_from",
        count_if(upper_bound_from not in ('value', 'value_upper', 'none')) as "accepted_values|upper_bound_from",
        count_if(display_symbol is null) as "not_null|display_symbol",
        count_if(is_exact is null) as "not_null|is_exact",
        count_if(lower_bound_from is null) as "not_null|lower_bound_from",
        count_if(meaning is null) as "not_null|meaning",
        count_if(qualifier is null) as "not_null|qualifier",
        count_if(sort_order is null) as "not_null|sort_order",
        count_if(upper_bound_from is null) as "not_null|upper_bound_from",
        count_if(wording is null) as "not_null|wording",
        count_if((lower_bound_inclusive is not null) <> coalesce(lower_bound_from <> 'none', false)) as "set_exactly_when|lower_bound_inclusive",
        count_if((upper_bound_inclusive is not null) <> coalesce(upper_bound_from <> 'none', false)) as "set_exactly_when|upper_bound_inclusive",
        count(qualifier) - count(distinct qualifier) as "unique|qualifier",
        count(sort_order) - count(distinct sort_order) as "unique|sort_order"
    from marts.dim_qualifier
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_treaty', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(lifecycle_stage <> 'named_only' and lifecycle_stage not in (select event_type from treaty_event_types)) as "relationships_or_values|lifecycle_stage -> treaty_event_types.event_type",
        count_if(lifecycle_stage is null) as "not_null|lifecycle_stage",
        count_if(treaty_id is null) as "not_null|treaty_id",
        count_if(signed_on > in_force_on) as "ordered_columns|signed_on <= in_force_on",
        count_if(named_in_doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|named_in_doc_id -> dim_document.doc_id",
        count_if(org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|org_code -> dim_organization.org_code",
        count(treaty_id) - count(distinct treaty_id) as "unique|treaty_id"
    from marts.dim_treaty
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'dim_weapon_system', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(category_count not in (1)) as "accepted_values|category_count",
        count_if(category is null) as "not_null|category",
        count_if(is_generic is null) as "not_null|is_generic",
        count_if(names_as_written is null) as "not_null|names_as_written",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(system_name is null) as "not_null|system_name",
        count_if(weapon_system_id is null) as "not_null|weapon_system_id",
        count_if(supplier_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|supplier_iso3 -> dim_country.iso3",
        count_if(weapon_system_id not in (select weapon_system_id from raw.weapon_systems where weapon_system_id is not null)) as "relationships|weapon_system_id -> weapon_systems.weapon_system_id",
        count(weapon_system_id) - count(distinct weapon_system_id) as "unique|weapon_system_id"
    from marts.dim_weapon_system
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_arms_deal', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(category is null) as "not_null|category",
        count_if(deal_key is null) as "not_null|deal_key",
        count_if(doc_count is null) as "not_null|doc_count",
        count_if(doc_ids is null) as "not_null|doc_ids",
        count_if(fact_ids is null) as "not_null|fact_ids",
        count_if(furthest_stage is null) as "not_null|furthest_stage",
        count_if(furthest_stage_order is null) as "not_null|furthest_stage_order",
        count_if(has_quantity_conflict is null) as "not_null|has_quantity_conflict",
        count_if(is_generic_system is null) as "not_null|is_generic_system",
        count_if(recipient_iso3 is null) as "not_null|recipient_iso3",
        count_if(stage_fact_count is null) as "not_null|stage_fact_count",
        count_if(stage_timeline is null) as "not_null|stage_timeline",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(system_name is null) as "not_null|system_name",
        count_if(weapon_system_id is null) as "not_null|weapon_system_id",
        count_if(furthest_stage_date_earliest > furthest_stage_date_latest) as "ordered_columns|furthest_stage_date_earliest <= furthest_stage_date_latest",
        count_if(quantity_low > quantity_high) as "ordered_columns|quantity_low <= quantity_high",
        count_if(supply_start_year > supply_end_year) as "ordered_columns|supply_start_year <= supply_end_year",
        count_if(furthest_stage not in (select stage from raw.arms_deal_stages where stage is not null)) as "relationships|furthest_stage -> arms_deal_stages.stage",
        count_if(furthest_stage_order not in (select stage_order from raw.arms_deal_stages where stage_order is not null)) as "relationships|furthest_stage_order -> arms_deal_stages.stage_order",
        count_if(quantity_qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|quantity_qualifier -> dim_qualifier.qualifier",
        count_if(recipient_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|recipient_iso3 -> dim_country.iso3",
        count_if(supplier_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|supplier_iso3 -> dim_country.iso3",
        count_if(weapon_system_id not in (select weapon_system_id from marts.dim_weapon_system where weapon_system_id is not null)) as "relationships|weapon_system_id -> dim_weapon_system.weapon_system_id",
        count_if(weapon_system_id not in (select weapon_system_id from raw.weapon_systems where weapon_system_id is not null)) as "relationships|weapon_system_id -> weapon_systems.weapon_system_id",
        count(deal_key) - count(distinct deal_key) as "unique|deal_key",
        count_if(doc_count < 1) as "value_in_range|doc_count",
        count_if(quantity_high < 1) as "value_in_range|quantity_high",
        count_if(quantity_low < 1) as "value_in_range|quantity_low",
        count_if(stage_fact_count < 1) as "value_in_range|stage_fact_count",
        count_if(supply_end_year < 1991 or supply_end_year > 2030) as "value_in_range|supply_end_year",
        count_if(supply_start_year < 1991 or supply_start_year > 2030) as "value_in_range|supply_start_year"
    from marts.fct_arms_deal
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_arms_deal_stage', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(stage_date_precision not in ('day', 'month', 'year')) as "accepted_values|stage_date_precision",
        count_if(deal_key is null) as "not_null|deal_key",
        count_if(deal_stage is null) as "not_null|deal_stage",
        count_if(deal_stage_id is null) as "not_null|deal_stage_id",
        count_if(doc_count is null) as "not_null|doc_count",
        count_if(fact_ids is null) as "not_null|fact_ids",
        count_if(stage_fact_count is null) as "not_null|stage_fact_count",
        count_if(stage_order is null) as "not_null|stage_order",
        count_if(stage_date_earliest > stage_date_latest) as "ordered_columns|stage_date_earliest <= stage_date_latest",
        count_if(deal_key not in (select deal_key from marts.fct_arms_deal where deal_key is not null)) as "relationships|deal_key -> fct_arms_deal.deal_key",
        count_if(deal_stage not in (select stage from raw.arms_deal_stages where stage is not null)) as "relationships|deal_stage -> arms_deal_stages.stage",
        count_if(stage_order not in (select stage_order from raw.arms_deal_stages where stage_order is not null)) as "relationships|stage_order -> arms_deal_stages.stage_order",
        count(deal_stage_id) - count(distinct deal_stage_id) as "unique|deal_stage_id",
        count(*) - count(distinct (deal_key, deal_stage)) as "unique_combination|deal_key, deal_stage",
        count_if(doc_count < 1) as "value_in_range|doc_count",
        count_if(stage_fact_count < 1) as "value_in_range|stage_fact_count",
        count_if(stage_year < 1991 or stage_year > 2030) as "value_in_range|stage_year"
    from marts.fct_arms_deal_stage
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_arms_supplier_share', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(measure not in ('share_of_arms_imports', 'share_of_arms_holdings', 'share_of_weapons_used', 'share_of_military_procurement', 'share_of_arms_exports', 'share_of_foreign_support')) as "accepted_values|measure",
        count_if(coalesce(share_pct, supplier_rank) is null) as "at_least_one_not_null|share_pct, supplier_rank",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(measure is null) as "not_null|measure",
        count_if(recipient_iso3 is null) as "not_null|recipient_iso3",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(period_start_year > period_end_year) as "ordered_columns|period_start_year <= period_end_year",
        count_if(share_pct > share_pct_upper) as "ordered_columns|share_pct <= share_pct_upper",
        count_if(supplier_rank > supplier_rank_upper) as "ordered_columns|supplier_rank <= supplier_rank_upper",
        count_if(supplier_rank_best > supplier_rank_worst) as "ordered_columns|supplier_rank_best <= supplier_rank_worst",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count_if(recipient_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|recipient_iso3 -> dim_country.iso3",
        count_if(supplier_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|supplier_iso3 -> dim_country.iso3",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id",
        count_if(period_end_year < 1991 or period_end_year > 2030) as "value_in_range|period_end_year",
        count_if(period_start_year < 1991 or period_start_year > 2030) as "value_in_range|period_start_year",
        count_if(share_pct < 0 or share_pct > 100) as "value_in_range|share_pct",
        count_if(share_pct_upper < 0 or share_pct_upper > 100) as "value_in_range|share_pct_upper",
        count_if(supplier_rank < 1) as "value_in_range|supplier_rank",
        count_if(supplier_rank_best < 1) as "value_in_range|supplier_rank_best",
        count_if(supplier_rank_upper < 1) as "value_in_range|supplier_rank_upper",
        count_if(supplier_rank_worst < 1) as "value_in_range|supplier_rank_worst"
    from marts.fct_arms_supplier_share
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_arms_transfer', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(status_date_basis not in ('stated', 'relative_to_publication', 'inferred_from_context', 'publication_date')) as "accepted_values|status_date_basis",
        count_if(status_date_precision not in ('day', 'month', 'year')) as "accepted_values|status_date_precision",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(category is null) as "not_null|category",
        count_if(deal_key is null) as "not_null|deal_key",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(recipient_iso3 is null) as "not_null|recipient_iso3",
        count_if(stage_order is null) as "not_null|stage_order",
        count_if(status is null) as "not_null|status",
        count_if(supplier_iso3 is null) as "not_null|supplier_iso3",
        count_if(system_name is null) as "not_null|system_name",
        count_if(weapon_system_id is null) as "not_null|weapon_system_id",
        count_if(quantity > quantity_upper) as "ordered_columns|quantity <= quantity_upper",
        count_if(status_date_earliest > status_date_latest) as "ordered_columns|status_date_earliest <= status_date_latest",
        count_if(supply_start_year > supply_end_year) as "ordered_columns|supply_start_year <= supply_end_year",
        count_if(deal_key not in (select deal_key from marts.fct_arms_deal where deal_key is not null)) as "relationships|deal_key -> fct_arms_deal.deal_key",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count_if(recipient_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|recipient_iso3 -> dim_country.iso3",
        count_if(status not in (select stage from raw.arms_deal_stages where stage is not null)) as "relationships|status -> arms_deal_stages.stage",
        count_if(supplier_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|supplier_iso3 -> dim_country.iso3",
        count_if(weapon_system_id not in (select weapon_system_id from marts.dim_weapon_system where weapon_system_id is not null)) as "relationships|weapon_system_id -> dim_weapon_system.weapon_system_id",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id",
        count_if(quantity < 1) as "value_in_range|quantity",
        count_if(quantity_upper < 1) as "value_in_range|quantity_upper",
        count_if(supply_end_year < 1991 or supply_end_year > 2030) as "value_in_range|supply_end_year",
        count_if(supply_start_year < 1991 or supply_start_year > 2030) as "value_in_range|supply_start_year",
        count_if(value_usd < 0) as "value_in_range|value_usd"
    from marts.fct_arms_transfer
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_event', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(event_date_basis not in ('stated', 'relative_to_publication', 'inferred_from_context', 'publication_date')) as "accepted_values|event_date_basis",
        count_if(event_date_precision not in ('day', 'month', 'year')) as "accepted_values|event_date_precision",
        count_if(event_type not in ('attack', 'war', 'incursion', 'offensive', 'ceasefire', 'summit', 'meeting', 'exercise', 'freeze', 'recall', 'deployment', 'withdrawal', 'statement', 'agreement', 'election', 'protest', 'visit', 'mission', 'vote', 'relation', 'other')) as "accepted_values|event_type",
        count_if(area_km2 is not null and outside_bounds(area_km2, area_km2_lower, area_km2_upper, figures_are_exact)) as "bounds_enclose_value|area_km2",
        count_if(displaced is not null and outside_bounds(displaced, displaced_lower, displaced_upper, figures_are_exact)) as "bounds_enclose_value|displaced",
        count_if(killed is not null and outside_bounds(killed, killed_lower, killed_upper, figures_are_exact)) as "bounds_enclose_value|killed",
        count_if(troops is not null and outside_bounds(troops, troops_lower, troops_upper, figures_are_exact)) as "bounds_enclose_value|troops",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(area_km2_lower is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|area_km2_lower",
        count_if(area_km2_upper is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|area_km2_upper",
        count_if(displaced_lower is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|displaced_lower",
        count_if(displaced_upper is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|displaced_upper",
        count_if(figures_are_exact is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|figures_are_exact",
        count_if(killed_lower is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|killed_lower",
        count_if(killed_upper is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|killed_upper",
        count_if(troops_lower is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|troops_lower",
        count_if(troops_upper is not null and figures_are_exact and (inexact_qualifier(figure_qualifier))) as "not_exact_from_bounded_input|troops_upper",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(event_type is null) as "not_null|event_type",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(event_date_earliest > end_date_latest) as "ordered_columns|event_date_earliest <= end_date_latest",
        count_if(event_date_earliest > event_date_latest) as "ordered_columns|event_date_earliest <= event_date_latest",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(figure_qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|figure_qualifier -> dim_qualifier.qualifier",
        count_if(location_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|location_iso3 -> dim_country.iso3",
        count_if((figures_are_exact is not null) <> coalesce(figure_qualifier is not null, false)) as "set_exactly_when|figures_are_exact",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id",
        count_if(area_km2 < 0) as "value_in_range|area_km2",
        count_if(displaced < 0) as "value_in_range|displaced",
        count_if(killed < 0) as "value_in_range|killed",
        count_if(troops < 0) as "value_in_range|troops"
    from marts.fct_event
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_event_actor', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(actor_kind not in ('country', 'organization')) as "accepted_values|actor_kind",
        count_if(actor_role not in ('initiator', 'target', 'participant', 'host', 'mediator', 'absent')) as "accepted_values|actor_role",
        count_if(actor_code is null) as "not_null|actor_code",
        count_if(event_actor_id is null) as "not_null|event_actor_id",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(actor_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|actor_iso3 -> dim_country.iso3",
        count_if(actor_org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|actor_org_code -> dim_organization.org_code",
        count_if(fact_id not in (select fact_id from marts.fct_event where fact_id is not null)) as "relationships|fact_id -> fct_event.fact_id",
        count(event_actor_id) - count(distinct event_actor_id) as "unique|event_actor_id",
        count(*) - count(distinct (fact_id, actor_code)) as "unique_combination|fact_id, actor_code"
    from marts.fct_event_actor
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_fact_provenance', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(fact_date_basis not in ('stated', 'relative_to_publication', 'inferred_from_context', 'publication_date')) as "accepted_values|fact_date_basis",
        count_if(fact_date_precision not in ('day', 'month', 'year')) as "accepted_values|fact_date_precision",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(fact_key is null) as "not_null|fact_key",
        count_if(fact_table is null) as "not_null|fact_table",
        count_if(fact_date_earliest > fact_date_latest) as "ordered_columns|fact_date_earliest <= fact_date_latest",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(fact_table not in (select fact_table from fact_tables where fact_table is not null)) as "relationships|fact_table -> fact_tables.fact_table",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count(fact_key) - count(distinct fact_key) as "unique|fact_key",
        count(*) - count(distinct (fact_table, fact_id)) as "unique_combination|fact_table, fact_id",
        count_if(evidence_length < 1 or evidence_length > 200) as "value_in_range|evidence_length"
    from marts.fct_fact_provenance
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_indicator', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(ref_date_precision not in ('day', 'month', 'year')) as "accepted_values|ref_date_precision",
        count_if(subject_kind not in ('country', 'organization')) as "accepted_values|subject_kind",
        count_if(unit not in ('usd', 'pct', 'persons', 'km2', 'count', 'years', 'months', 'days', 'km')) as "accepted_values|unit",
        count_if(value is not null and outside_bounds(value, value_lower, value_upper, is_exact)) as "bounds_enclose_value|value",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(is_exact is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|is_exact",
        count_if(value_lower is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|value_lower",
        count_if(value_upper is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|value_upper",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(indicator is null) as "not_null|indicator",
        count_if(is_exact is null) as "not_null|is_exact",
        count_if(qualifier is null) as "not_null|qualifier",
        count_if(unit is null) as "not_null|unit",
        count_if(value is null) as "not_null|value",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count_if(subject_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|subject_iso3 -> dim_country.iso3",
        count_if(subject_org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|subject_org_code -> dim_organization.org_code",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from marts.fct_indicator
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_membership_event', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(act_kind not in ('legal_act', 'political_declaration', 'status_assertion')) as "accepted_values|act_kind",
        count_if(event_date_basis not in ('stated', 'relative_to_publication', 'inferred_from_context', 'publication_date')) as "accepted_values|event_date_basis",
        count_if(event_date_precision not in ('day', 'month', 'year')) as "accepted_values|event_date_precision",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(country_iso3 is null) as "not_null|country_iso3",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(event_type is null) as "not_null|event_type",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(org_code is null) as "not_null|org_code",
        count_if(event_date_earliest > event_date_latest) as "ordered_columns|event_date_earliest <= event_date_latest",
        count_if(country_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|country_iso3 -> dim_country.iso3",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(event_type not in (select event_type from membership_event_types where event_type is not null)) as "relationships|event_type -> membership_event_types.event_type",
        count_if(org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|org_code -> dim_organization.org_code",
        count_if(resulting_status not in (select resulting_status from membership_event_types where resulting_status is not null)) as "relationships|resulting_status -> membership_event_types.resulting_status",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from marts.fct_membership_event
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_membership_spell', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(first_attested_precision not in ('day', 'month', 'year')) as "accepted_values|first_attested_precision",
        count_if(legal_basis not in ('legal_act', 'political_declaration', 'status_assertion')) as "accepted_values|legal_basis",
        count_if(start_basis not in ('stated_event', 'succession', 'first_attested')) as "accepted_values|start_basis",
        count_if(valid_from_precision not in ('day', 'month', 'year')) as "accepted_values|valid_from_precision",
        count_if(valid_to_precision not in ('day', 'month', 'year')) as "accepted_values|valid_to_precision",
        count_if(country_iso3 is null) as "not_null|country_iso3",
        count_if(org_code is null) as "not_null|org_code",
        count_if(spell_id is null) as "not_null|spell_id",
        count_if(start_basis is null) as "not_null|start_basis",
        count_if(status is null) as "not_null|status",
        count_if((first_attested_on is null) <> coalesce(start_basis <> 'first_attested', false)) as "null_exactly_when|first_attested_on",
        count_if((valid_from is null) <> coalesce(start_basis = 'first_attested', false)) as "null_exactly_when|valid_from",
        count_if(first_attested_on > first_attested_latest) as "ordered_columns|first_attested_on <= first_attested_latest",
        count_if(first_attested_on > valid_to) as "ordered_columns|first_attested_on <= valid_to",
        count_if(valid_from > valid_from_latest) as "ordered_columns|valid_from <= valid_from_latest",
        count_if(valid_from > valid_to) as "ordered_columns|valid_from <= valid_to",
        count_if(country_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|country_iso3 -> dim_country.iso3",
        count_if(org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|org_code -> dim_organization.org_code",
        count_if(start_fact_id not in (select fact_id from marts.fct_membership_event where fact_id is not null)) as "relationships|start_fact_id -> fct_membership_event.fact_id",
        count_if(status not in (select resulting_status from membership_event_types where resulting_status is not null)) as "relationships|status -> membership_event_types.resulting_status",
        count(spell_id) - count(distinct spell_id) as "unique|spell_id",
        count(*) - count(distinct (country_iso3, org_code, valid_from, first_attested_on)) as "unique_combination|country_iso3, org_code, valid_from, first_attested_on"
    from marts.fct_membership_spell
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_membership_spell_by_knowledge', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(first_attested_precision not in ('day', 'month', 'year')) as "accepted_values|first_attested_precision",
        count_if(legal_basis not in ('legal_act', 'political_declaration', 'status_assertion')) as "accepted_values|legal_basis",
        count_if(start_basis not in ('stated_event', 'succession', 'first_attested')) as "accepted_values|start_basis",
        count_if(valid_from_precision not in ('day', 'month', 'year')) as "accepted_values|valid_from_precision",
        count_if(valid_to_precision not in ('day', 'month', 'year')) as "accepted_values|valid_to_precision",
        count_if(country_iso3 is null) as "not_null|country_iso3",
        count_if(knowledge_from is null) as "not_null|knowledge_from",
        count_if(knowledge_spell_id is null) as "not_null|knowledge_spell_id",
        count_if(org_code is null) as "not_null|org_code",
        count_if(spell_id is null) as "not_null|spell_id",
        count_if(start_basis is null) as "not_null|start_basis",
        count_if(status is null) as "not_null|status",
        count_if((first_attested_on is null) <> coalesce(start_basis <> 'first_attested', false)) as "null_exactly_when|first_attested_on",
        count_if((valid_from is null) <> coalesce(start_basis = 'first_attested', false)) as "null_exactly_when|valid_from",
        count_if(first_attested_on > first_attested_latest) as "ordered_columns|first_attested_on <= first_attested_latest",
        count_if(first_attested_on > valid_to) as "ordered_columns|first_attested_on <= valid_to",
        count_if(knowledge_from > knowledge_to) as "ordered_columns|knowledge_from <= knowledge_to",
        count_if(valid_from > valid_from_latest) as "ordered_columns|valid_from <= valid_from_latest",
        count_if(valid_from > valid_to) as "ordered_columns|valid_from <= valid_to",
        count_if(country_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|country_iso3 -> dim_country.iso3",
        count_if(knowledge_from not in (select known_from from marts.dim_document where known_from is not null)) as "relationships|knowledge_from -> dim_document.known_from",
        count_if(org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|org_code -> dim_organization.org_code",
        count_if(start_fact_id not in (select fact_id from marts.fct_membership_event where fact_id is not null)) as "relationships|start_fact_id -> fct_membership_event.fact_id",
        count_if(status not in (select resulting_status from membership_event_types where resulting_status is not null)) as "relationships|status -> membership_event_types.resulting_status",
        count(knowledge_spell_id) - count(distinct knowledge_spell_id) as "unique|knowledge_spell_id",
        count(*) - count(distinct (knowledge_from, spell_id)) as "unique_combination|knowledge_from, spell_id"
    from marts.fct_membership_spell_by_knowledge
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_trade_flow', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(flow not in ('total', 'exports', 'imports')) as "accepted_values|flow",
        count_if(coalesce(partner_iso3, partner_org_code) is null) as "at_least_one_not_null|partner_iso3, partner_org_code",
        count_if(coalesce(value_usd, share_pct, partner_rank) is null) as "at_least_one_not_null|value_usd, share_pct, partner_rank",
        count_if(share_pct is not null and outside_bounds(share_pct, share_pct_lower, share_pct_upper, is_exact)) as "bounds_enclose_value|share_pct",
        count_if(value_usd is not null and outside_bounds(value_usd, value_usd_lower, value_usd_upper, is_exact)) as "bounds_enclose_value|value_usd",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(is_exact is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|is_exact",
        count_if(share_pct_lower is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|share_pct_lower",
        count_if(share_pct_upper is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|share_pct_upper",
        count_if(value_usd_lower is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|value_usd_lower",
        count_if(value_usd_upper is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|value_usd_upper",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(flow is null) as "not_null|flow",
        count_if(is_exact is null) as "not_null|is_exact",
        count_if(qualifier is null) as "not_null|qualifier",
        count_if(reporter_iso3 is null) as "not_null|reporter_iso3",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(partner_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|partner_iso3 -> dim_country.iso3",
        count_if(partner_org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|partner_org_code -> dim_organization.org_code",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count_if(reporter_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|reporter_iso3 -> dim_country.iso3",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id",
        count_if(partner_rank < 1) as "value_in_range|partner_rank",
        count_if(share_pct < 0 or share_pct > 100) as "value_in_range|share_pct",
        count_if(share_pct_lower < 0 or share_pct_lower > 100) as "value_in_range|share_pct_lower",
        count_if(share_pct_upper < 0 or share_pct_upper > 100) as "value_in_range|share_pct_upper",
        count_if(trade_year < 1991 or trade_year > 2030) as "value_in_range|trade_year",
        count_if(value_usd < 0) as "value_in_range|value_usd",
        count_if(value_usd_lower < 0) as "value_in_range|value_usd_lower",
        count_if(value_usd_upper < 0) as "value_in_range|value_usd_upper"
    from marts.fct_trade_flow
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'fct_treaty_event', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(event_date_basis not in ('stated', 'relative_to_publication', 'inferred_from_context', 'publication_date')) as "accepted_values|event_date_basis",
        count_if(event_date_precision not in ('day', 'month', 'year')) as "accepted_values|event_date_precision",
        count_if(event_type not in (select event_type from treaty_event_types)) as "relationships|event_type -> treaty_event_types.event_type",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(event_type is null) as "not_null|event_type",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(treaty_id is null) as "not_null|treaty_id",
        count_if(event_date_earliest > event_date_latest) as "ordered_columns|event_date_earliest <= event_date_latest",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count_if(treaty_id not in (select treaty_id from marts.dim_treaty where treaty_id is not null)) as "relationships|treaty_id -> dim_treaty.treaty_id",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id"
    from marts.fct_treaty_event
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'mart_alignment_timeline', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(start_basis_at_year_end not in ('stated_event', 'succession', 'first_attested')) as "accepted_values|start_basis_at_year_end",
        count_if(country_iso3 is null) as "not_null|country_iso3",
        count_if(org_code is null) as "not_null|org_code",
        count_if(status_at_year_end is null) as "not_null|status_at_year_end",
        count_if(timeline_id is null) as "not_null|timeline_id",
        count_if(year_number is null) as "not_null|year_number",
        count_if(country_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|country_iso3 -> dim_country.iso3",
        count_if(org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|org_code -> dim_organization.org_code",
        count_if(status_at_year_end not in ('not_stated_yet', 'no_record') and status_at_year_end not in (select resulting_status from membership_event_types where resulting_status is not null)) as "relationships_or_values|status_at_year_end -> membership_event_types.resulting_status",
        count(timeline_id) - count(distinct timeline_id) as "unique|timeline_id",
        count(*) - count(distinct (country_iso3, org_code, year_number)) as "unique_combination|country_iso3, org_code, year_number",
        count_if(year_number < 1991 or year_number > 2030) as "value_in_range|year_number"
    from marts.mart_alignment_timeline
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'mart_arms_supplier_shift', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(supplier_year_id is null) as "not_null|supplier_year_id",
        count_if(best_arms_supplier_rank > worst_arms_supplier_rank) as "ordered_columns|best_arms_supplier_rank <= worst_arms_supplier_rank",
        count_if(min_arms_share_pct > max_arms_share_pct) as "ordered_columns|min_arms_share_pct <= max_arms_share_pct",
        count_if(recipient_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|recipient_iso3 -> dim_country.iso3",
        count_if(supplier_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|supplier_iso3 -> dim_country.iso3",
        count(supplier_year_id) - count(distinct supplier_year_id) as "unique|supplier_year_id",
        count(*) - count(distinct (supplier_iso3, recipient_iso3, year_number)) as "unique_combination|supplier_iso3, recipient_iso3, year_number",
        count_if(best_arms_supplier_rank < 1) as "value_in_range|best_arms_supplier_rank",
        count_if(max_arms_share_pct < 0 or max_arms_share_pct > 100) as "value_in_range|max_arms_share_pct",
        count_if(max_other_share_pct < 0 or max_other_share_pct > 100) as "value_in_range|max_other_share_pct",
        count_if(min_arms_share_pct < 0 or min_arms_share_pct > 100) as "value_in_range|min_arms_share_pct",
        count_if(worst_arms_supplier_rank < 1) as "value_in_range|worst_arms_supplier_rank",
        count_if(year_number < 1991 or year_number > 2030) as "value_in_range|year_number"
    from marts.mart_arms_supplier_shift
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'mart_membership_on_publication_dates', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(start_basis not in ('stated_event', 'succession', 'first_attested')) as "accepted_values|start_basis",
        count_if(country_iso3 is null) as "not_null|country_iso3",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(doc_spell_id is null) as "not_null|doc_spell_id",
        count_if(knowledge_spell_id is null) as "not_null|knowledge_spell_id",
        count_if(known_from is null) as "not_null|known_from",
        count_if(org_code is null) as "not_null|org_code",
        count_if(start_basis is null) as "not_null|start_basis",
        count_if(status is null) as "not_null|status",
        count_if((valid_from is null) <> coalesce(start_basis = 'first_attested', false)) as "null_exactly_when|valid_from",
        count_if(country_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|country_iso3 -> dim_country.iso3",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(knowledge_spell_id not in (select knowledge_spell_id from marts.fct_membership_spell_by_knowledge where knowledge_spell_id is not null)) as "relationships|knowledge_spell_id -> fct_membership_spell_by_knowledge.knowledge_spell_id",
        count_if(org_code not in (select org_code from marts.dim_organization where org_code is not null)) as "relationships|org_code -> dim_organization.org_code",
        count_if(status not in (select resulting_status from membership_event_types where resulting_status is not null)) as "relationships|status -> membership_event_types.resulting_status",
        count(doc_spell_id) - count(distinct doc_spell_id) as "unique|doc_spell_id",
        count(*) - count(distinct (doc_id, country_iso3, org_code)) as "unique_combination|doc_id, country_iso3, org_code"
    from marts.mart_membership_on_publication_dates
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'mart_source_conflicts', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(evidence_missing(left_evidence)) as "evidence_present|left_evidence",
        count_if(evidence_missing(right_evidence)) as "evidence_present|right_evidence",
        count_if(conflict_id is null) as "not_null|conflict_id",
        count_if(conflict_kind is null) as "not_null|conflict_kind",
        count_if(differing_attribute is null) as "not_null|differing_attribute",
        count_if(fact_table is null) as "not_null|fact_table",
        count_if(is_resolved is null) as "not_null|is_resolved",
        count_if(left_fact_id is null) as "not_null|left_fact_id",
        count_if(resolution is null) as "not_null|resolution",
        count_if(right_fact_id is null) as "not_null|right_fact_id",
        count_if(conflict_kind not in (select conflict_kind from conflict_kinds where conflict_kind is not null)) as "relationships|conflict_kind -> conflict_kinds.conflict_kind",
        count_if(fact_table not in (select fact_table from fact_tables where fact_table is not null)) as "relationships|fact_table -> fact_tables.fact_table",
        count_if(left_doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|left_doc_id -> dim_document.doc_id",
        count_if(resolution_id not in (select resolution_id from conflict_resolutions where resolution_id is not null)) as "relationships|resolution_id -> conflict_resolutions.resolution_id",
        count_if(right_doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|right_doc_id -> dim_document.doc_id",
        count(conflict_id) - count(distinct conflict_id) as "unique|conflict_id"
    from marts.mart_source_conflicts
) unpivot include nulls (failing_rows for check_name in (columns(*)));

insert into checks
select 'mart_trade_partners', split_part(check_name, '|', 1), split_part(check_name, '|', 2), coalesce(failing_rows, 0)
from (
    select
        count_if(flow not in ('total', 'exports', 'imports')) as "accepted_values|flow",
        count_if(growth_pct is not null and outside_bounds(growth_pct, growth_pct_lower, growth_pct_upper, growth_is_exact)) as "bounds_enclose_value|growth_pct",
        count_if(growth_pct is not null and not coalesce(growth_is_exact, false)) as "point_value_only_when_exact|growth_pct",
        count_if(growth_pct_lower > growth_pct_upper) as "ordered_columns|growth_pct_lower <= growth_pct_upper",
        count_if(previous_value_usd is not null and outside_bounds(previous_value_usd, previous_value_usd_lower, previous_value_usd_upper, previous_is_exact)) as "bounds_enclose_value|previous_value_usd",
        count_if(share_pct is not null and outside_bounds(share_pct, share_pct_lower, share_pct_upper, is_exact)) as "bounds_enclose_value|share_pct",
        count_if(value_usd is not null and outside_bounds(value_usd, value_usd_lower, value_usd_upper, is_exact)) as "bounds_enclose_value|value_usd",
        count_if(evidence_missing(evidence)) as "evidence_present|evidence",
        count_if(growth_is_exact is not null and growth_is_exact and (not coalesce(is_exact, false) or not coalesce(previous_is_exact, false))) as "not_exact_from_bounded_input|growth_is_exact",
        count_if(growth_pct_lower is not null and growth_is_exact and (not coalesce(is_exact, false) or not coalesce(previous_is_exact, false))) as "not_exact_from_bounded_input|growth_pct_lower",
        count_if(growth_pct_upper is not null and growth_is_exact and (not coalesce(is_exact, false) or not coalesce(previous_is_exact, false))) as "not_exact_from_bounded_input|growth_pct_upper",
        count_if(is_exact is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|is_exact",
        count_if(previous_value_usd_lower is not null and previous_is_exact and (not coalesce(previous_is_exact, false))) as "not_exact_from_bounded_input|previous_value_usd_lower",
        count_if(previous_value_usd_upper is not null and previous_is_exact and (not coalesce(previous_is_exact, false))) as "not_exact_from_bounded_input|previous_value_usd_upper",
        count_if(share_pct_lower is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|share_pct_lower",
        count_if(share_pct_upper is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|share_pct_upper",
        count_if(value_usd_lower is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|value_usd_lower",
        count_if(value_usd_upper is not null and is_exact and (inexact_qualifier(qualifier))) as "not_exact_from_bounded_input|value_usd_upper",
        count_if(doc_id is null) as "not_null|doc_id",
        count_if(evidence is null) as "not_null|evidence",
        count_if(fact_id is null) as "not_null|fact_id",
        count_if(flow is null) as "not_null|flow",
        count_if(is_exact is null) as "not_null|is_exact",
        count_if(qualifier is null) as "not_null|qualifier",
        count_if(reporter_iso3 is null) as "not_null|reporter_iso3",
        count_if(doc_id not in (select doc_id from marts.dim_document where doc_id is not null)) as "relationships|doc_id -> dim_document.doc_id",
        count_if(fact_id not in (select fact_id from marts.fct_trade_flow where fact_id is not null)) as "relationships|fact_id -> fct_trade_flow.fact_id",
        count_if(partner_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|partner_iso3 -> dim_country.iso3",
        count_if(qualifier not in (select qualifier from marts.dim_qualifier where qualifier is not null)) as "relationships|qualifier -> dim_qualifier.qualifier",
        count_if(reporter_iso3 not in (select iso3 from marts.dim_country where iso3 is not null)) as "relationships|reporter_iso3 -> dim_country.iso3",
        count_if((growth_is_exact is not null) <> coalesce(growth_to_year is not null, false)) as "set_exactly_when|growth_is_exact",
        count_if((growth_pct is not null) <> coalesce(growth_is_exact, false)) as "set_exactly_when|growth_pct",
        count_if((previous_is_exact is not null) <> coalesce(previous_value_usd is not null, false)) as "set_exactly_when|previous_is_exact",
        count(fact_id) - count(distinct fact_id) as "unique|fact_id",
        count_if(partner_rank < 1) as "value_in_range|partner_rank",
        count_if(share_pct < 0 or share_pct > 100) as "value_in_range|share_pct",
        count_if(trade_year < 1991 or trade_year > 2030) as "value_in_range|trade_year",
        count_if(value_usd < 0) as "value_in_range|value_usd"
    from marts.mart_trade_partners
) unpivot include nulls (failing_rows for check_name in (columns(*)));

-- Spells of one country and organisation (and knowledge cut-off) must not overlap: a spell runs from
-- coalesce(valid_from, first_attested_on) to valid_to (open = forever); touching on one day is an overlap.
insert into checks
select 'fct_membership_spell', 'non_overlapping_spells', 'country_iso3, org_code', count(*)
from marts.fct_membership_spell as a
inner join marts.fct_membership_spell as b
    on a.country_iso3 = b.country_iso3 and a.org_code = b.org_code and a.spell_id < b.spell_id
    and coalesce(a.valid_from, a.first_attested_on) <= coalesce(b.valid_to, date '9999-12-31')
    and coalesce(b.valid_from, b.first_attested_on) <= coalesce(a.valid_to, date '9999-12-31');

insert into checks
select 'fct_membership_spell_by_knowledge', 'non_overlapping_spells', 'knowledge_from, country_iso3, org_code', count(*)
from marts.fct_membership_spell_by_knowledge as a
inner join marts.fct_membership_spell_by_knowledge as b
    on a.knowledge_from = b.knowledge_from and a.country_iso3 = b.country_iso3 and a.org_code = b.org_code
    and a.spell_id < b.spell_id
    and coalesce(a.valid_from, a.first_attested_on) <= coalesce(b.valid_to, date '9999-12-31')
    and coalesce(b.valid_from, b.first_attested_on) <= coalesce(a.valid_to, date '9999-12-31');

insert into checks
select 'spells', 'non_overlapping_spells', 'knowledge_from, country_iso3, org_code', count(*)
from spells as a
inner join spells as b
    on a.knowledge_from = b.knowledge_from and a.country_iso3 = b.country_iso3 and a.org_code = b.org_code
    and a.spell_id < b.spell_id
    and coalesce(a.valid_from, a.first_attested_on) <= coalesce(b.valid_to, date '9999-12-31')
    and coalesce(b.valid_from, b.first_attested_on) <= coalesce(a.valid_to, date '9999-12-31');

-- Every fact id starts with its table's prefix, and every table with a prefix has facts.
insert into checks
select 'facts', 'fact_id_carries_its_table_prefix', 'fact_table, fact_id',
       (select count(*) from facts
        where fact_id_prefix is not null and not starts_with(fact_id, fact_id_prefix || '-'))
       + (select count(*) from fact_tables as t
          where fact_id_prefix is not null and not exists (select 1 from facts as f where f.fact_table = t.fact_table));

-- A deal is one supplier sending one canonical system to one recipient.
insert into checks
select 'fct_arms_transfer', 'one_supplier_recipient_and_system_per_deal', 'deal_key', count(*)
from (
    select deal_key from marts.fct_arms_transfer
    group by deal_key
    having count(distinct supplier_iso3) > 1 or count(distinct recipient_iso3) > 1 or count(distinct weapon_system_id) > 1
);

-- A generic item belongs to one supplier, in the alias seed and in the deals.
insert into checks
select 'dim_weapon_system', 'generic_items_never_merge_across_suppliers', 'weapon_system_id',
       (select count(*) from (
            select a.weapon_system_id from weapon_system_aliases as a
            inner join weapon_systems as w on a.weapon_system_id = w.weapon_system_id
            where w.is_generic
            group by a.weapon_system_id having count(distinct a.supplier_iso3) > 1))
       + (select count(*) from marts.dim_weapon_system where is_generic and supplier_count > 1);

-- A treaty is not extended, suspended or denounced before it is signed.
insert into checks
select 'dim_treaty', 'not_extended_before_signed', 'signed_on', count(*)
from marts.dim_treaty
where signed_on is not null
  and (last_extended_on < signed_on or suspended_on < signed_on or denounced_on < signed_on);

-- Every fact row of every fact table is in the provenance mart, and nothing else is.
insert into checks
with fact_rows as (
    select 'trade_figures' as fact_table, fact_id from marts.fct_trade_flow
    union all select 'arms_transfers', fact_id from marts.fct_arms_transfer
    union all select 'arms_supplier_shares', fact_id from marts.fct_arms_supplier_share
    union all select 'membership_events', fact_id from marts.fct_membership_event
    union all select 'treaty_events', fact_id from marts.fct_treaty_event
    union all select 'events', fact_id from marts.fct_event
    union all select 'indicators', fact_id from marts.fct_indicator
    union all select 'treaties', treaty_id from treaties
    union all select 'treaty_parties', fact_id from treaty_parties
    union all select 'claims', claim_id from claims
)
select 'fct_fact_provenance', 'every_fact_row_is_provenanced', 'fact_table, fact_id',
       (select count(*) from fact_rows as f
        where not exists (select 1 from marts.fct_fact_provenance as p where p.fact_table = f.fact_table and p.fact_id = f.fact_id))
       + (select count(*) from marts.fct_fact_provenance as p
          where not exists (select 1 from fact_rows as f where f.fact_table = p.fact_table and f.fact_id = p.fact_id));

select relation, rule, columns, failing_rows from checks order by relation, rule, columns;

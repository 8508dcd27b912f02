-- Membership spells: one row per uninterrupted status of a country in an organisation.
-- A spell starts at the earliest stated day of the event that began it and ends the day before the
-- next status change; the last spell is open (valid_to null). Several texts stating the same change
-- support one spell. A stated status ("Armenia is a member") only opens a spell before the first dated
-- change of the pair: restated while frozen, it must not turn a freeze back into plain membership.
with all_changes as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        changed_on,
        changed_on_latest,
        changed_on_precision,
        act_kind,
        status,
        status_priority,
        is_assertion,
        min(case when is_assertion = 0 then changed_on end)
            over (partition by country_iso3, org_code) as first_dated_change_on
    from {{ ref('int_membership_status_changes') }}
),

changes as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        changed_on,
        changed_on_latest,
        changed_on_precision,
        act_kind,
        status,
        status_priority,
        is_assertion
    from all_changes
    where is_assertion = 0 or first_dated_change_on is null or changed_on < first_dated_change_on
),

strongest_per_day as (
    select
        country_iso3,
        org_code,
        changed_on,
        max(status_priority) as status_priority
    from changes
    group by country_iso3, org_code, changed_on
),

daily_changes as (
    select
        changes.country_iso3,
        changes.org_code,
        changes.changed_on,
        changes.status,
        min(changes.changed_on_latest) as changed_on_latest,
        min(changes.changed_on_precision) as changed_on_precision,
        min(changes.fact_id) as first_fact_id,
        count(*) as supporting_fact_count,
        max(case when changes.act_kind = 'legal_act' then 1 else 0 end) as has_legal_act,
        max(case when changes.act_kind = 'political_declaration' then 1 else 0 end) as has_declaration,
        min(changes.is_assertion) as is_assertion_only
    from changes
    inner join strongest_per_day
        on
            changes.country_iso3 = strongest_per_day.country_iso3
            and changes.org_code = strongest_per_day.org_code
            and changes.changed_on = strongest_per_day.changed_on
            and changes.status_priority = strongest_per_day.status_priority
    group by changes.country_iso3, changes.org_code, changes.changed_on, changes.status
),

with_previous as (
    select
        country_iso3,
        org_code,
        changed_on,
        status,
        changed_on_latest,
        changed_on_precision,
        first_fact_id,
        supporting_fact_count,
        has_legal_act,
        has_declaration,
        is_assertion_only,
        lag(status) over (partition by country_iso3, org_code order by changed_on) as previous_status
    from daily_changes
),

spell_starts as (
    select
        country_iso3,
        org_code,
        changed_on,
        status,
        changed_on_latest,
        changed_on_precision,
        first_fact_id,
        supporting_fact_count,
        has_legal_act,
        has_declaration,
        is_assertion_only
    from with_previous
    where previous_status is null or previous_status <> status
),

final as (
    select
        country_iso3 || ':' || org_code || ':' || cast(changed_on as {{ dbt.type_string() }}) as spell_id,
        country_iso3,
        org_code,
        status,
        changed_on as valid_from,
        changed_on_latest as valid_from_latest,
        changed_on_precision as valid_from_precision,
        cast(
            {{ dbt.dateadd('day', -1, 'lead(changed_on) over (partition by country_iso3, org_code order by changed_on)') }}
            as date
        ) as valid_to,
        lead(changed_on_precision) over (partition by country_iso3, org_code order by changed_on) as valid_to_precision,
        case
            when has_legal_act = 1 then 'legal_act'
            when has_declaration = 1 then 'political_declaration'
            else 'status_assertion'
        end as legal_basis,
        first_fact_id as started_by_fact_id,
        supporting_fact_count,
        is_assertion_only = 1 as starts_with_assertion_only
    from spell_starts
)

select * from final

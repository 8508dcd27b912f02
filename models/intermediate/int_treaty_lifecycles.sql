-- One row per treaty: when it was signed, entered into force, how far it was extended, and whether it
-- was suspended or denounced, across every text that states a step. Dates are the earliest stated day.
with treaty_events as (
    select
        treaty_id,
        doc_id,
        event_type,
        event_date_earliest,
        event_date_precision,
        valid_until_year
    from {{ ref('stg_facts__treaty_events') }}
),

treaties as (
    select
        treaty_id,
        treaty_name,
        treaty_type,
        org_code
    from {{ ref('stg_facts__treaties') }}
),

steps as (
    select
        treaty_id,
        min(case when event_type = 'signed' then event_date_earliest end) as signed_on,
        min(case when event_type = 'in_force' then event_date_earliest end) as in_force_on,
        max(case when event_type = 'extended' then event_date_earliest end) as last_extended_on,
        max(valid_until_year) as valid_until_year,
        min(case when event_type = 'suspended' then event_date_earliest end) as suspended_on,
        min(case when event_type = 'denounced' then event_date_earliest end) as denounced_on,
        count(*) as step_count,
        count(distinct doc_id) as doc_count
    from treaty_events
    group by treaty_id
),

final as (
    select
        treaties.treaty_id,
        treaties.treaty_name,
        treaties.treaty_type,
        treaties.org_code,
        steps.signed_on,
        steps.in_force_on,
        steps.last_extended_on,
        steps.valid_until_year,
        case
            when steps.valid_until_year is not null
                then cast(cast(steps.valid_until_year as {{ dbt.type_string() }}) || '-12-31' as date)
        end as valid_until,
        steps.suspended_on,
        steps.denounced_on,
        case
            when steps.denounced_on is not null then 'denounced'
            when steps.suspended_on is not null then 'suspended'
            when steps.last_extended_on is not null then 'extended'
            when steps.in_force_on is not null then 'in_force'
            when steps.signed_on is not null then 'signed'
            else 'named_only'
        end as lifecycle_stage,
        coalesce(steps.step_count, 0) as step_count,
        coalesce(steps.doc_count, 0) as doc_count
    from treaties
    left join steps
        on treaties.treaty_id = steps.treaty_id
)

select * from final

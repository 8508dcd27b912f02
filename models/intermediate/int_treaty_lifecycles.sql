-- One row per treaty: when it was signed, entered into force, how far it was extended, and whether it
-- was suspended or denounced, across every text that states a step. Most precise evidence wins: statements of the
-- same step whose dates overlap state one step and take the range all of them allow (agreed_date_ranges: "1992"
-- beside "15 May 1992" is 15 May); of distinct steps the earliest (the latest for an extension) dates the treaty.
-- The lifecycle stage is the stated step of highest lifecycle_rank in the treaty event-type vocabulary
-- (seeds/vocabulary/treaty_event_types.csv); named_only when no stated step has a rank.
with treaty_events as (
    select
        fact_id,
        treaty_id,
        doc_id,
        event_type,
        event_date_earliest,
        event_date_latest,
        event_date_precision,
        valid_until_year
    from {{ ref('stg_facts__treaty_events') }}
),

{{ agreed_date_ranges(
    'agreed_dates', 'treaty_events', ['treaty_id', 'event_type'],
    earliest='event_date_earliest', latest='event_date_latest', precision='event_date_precision'
) }},

dated_events as (
    select
        treaty_events.treaty_id,
        treaty_events.doc_id,
        treaty_events.event_type,
        agreed_dates.agreed_earliest as event_date_earliest,
        treaty_events.valid_until_year
    from treaty_events
    left join agreed_dates
        on treaty_events.fact_id = agreed_dates.fact_id
),

treaty_event_types as (
    select
        event_type,
        lifecycle_rank
    from {{ ref('stg_vocabulary__treaty_event_types') }}
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
        treaty_events.treaty_id,
        min(case when treaty_events.event_type = 'signed' then treaty_events.event_date_earliest end) as signed_on,
        min(case when treaty_events.event_type = 'in_force' then treaty_events.event_date_earliest end) as in_force_on,
        max(case when treaty_events.event_type = 'extended' then treaty_events.event_date_earliest end)
            as last_extended_on,
        max(treaty_events.valid_until_year) as valid_until_year,
        min(case when treaty_events.event_type = 'suspended' then treaty_events.event_date_earliest end)
            as suspended_on,
        min(case when treaty_events.event_type = 'denounced' then treaty_events.event_date_earliest end)
            as denounced_on,
        max(treaty_event_types.lifecycle_rank) as furthest_lifecycle_rank,
        count(*) as step_count,
        count(distinct treaty_events.doc_id) as doc_count
    from dated_events as treaty_events
    left join treaty_event_types
        on treaty_events.event_type = treaty_event_types.event_type
    group by treaty_events.treaty_id
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
        coalesce(furthest_stage.event_type, 'named_only') as lifecycle_stage,
        coalesce(steps.step_count, 0) as step_count,
        coalesce(steps.doc_count, 0) as doc_count
    from treaties
    left join steps
        on treaties.treaty_id = steps.treaty_id
    left join treaty_event_types as furthest_stage
        on steps.furthest_lifecycle_rank = furthest_stage.lifecycle_rank
)

select * from final

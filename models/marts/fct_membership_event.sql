with events as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        event_type,
        {{ stated_date_projection('event_date') }},
        act_kind,
        evidence
    from {{ ref('stg_facts__membership_events') }}
),

status_changes as (
    select
        fact_id,
        status
    from {{ ref('int_membership_status_changes') }}
)

select
    events.fact_id,
    events.doc_id,
    events.country_iso3,
    events.org_code,
    events.event_type,
    status_changes.status as resulting_status,
    {{ stated_date_projection('event_date', 'events') }},
    events.act_kind,
    events.evidence
from events
left join status_changes
    on events.fact_id = status_changes.fact_id

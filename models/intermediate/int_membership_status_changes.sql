-- Each dated membership event mapped, through the event-type vocabulary (seeds/vocabulary/membership_event_types.csv),
-- to the status it puts the country in; events that change nothing (applied, threatened_withdrawal,
-- is_not_member) carry no status and stay only in fct_membership_event. known_from is the day the event's
-- document is known (int_documents_known_from), for the "as known on" questions.
with event_types as (
    select
        event_type,
        resulting_status,
        status_priority,
        is_assertion
    from {{ ref('stg_vocabulary__membership_event_types') }}
),

documents as (
    select
        doc_id,
        known_from
    from {{ ref('int_documents_known_from') }}
),

final as (
    select
        events.fact_id,
        events.doc_id,
        documents.known_from,
        events.country_iso3,
        events.org_code,
        events.event_type,
        events.event_date_earliest as changed_on,
        events.event_date_latest as changed_on_latest,
        events.event_date_precision as changed_on_precision,
        events.act_kind,
        event_types.resulting_status as status,
        event_types.status_priority,
        event_types.is_assertion
    from {{ ref('stg_facts__membership_events') }} as events
    inner join event_types
        on events.event_type = event_types.event_type
    inner join documents
        on events.doc_id = documents.doc_id
    where events.event_date_earliest is not null and event_types.resulting_status is not null
)

select * from final

-- One row per stated treaty event (signature, ratification, entry into force, ...) with its stated date.
select
    treaty_events.fact_id,
    treaty_events.doc_id,
    treaty_events.treaty_id,
    treaty_events.event_type,
    {{ stated_date_projection('event_date', 'treaty_events') }},
    treaty_events.valid_until_year,
    treaty_events.qualifier,
    treaty_events.evidence
from {{ ref('stg_facts__treaty_events') }} as treaty_events

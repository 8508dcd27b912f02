-- depends_on: {{ ref('membership_events') }}
select
    fact_id,
    doc_id,
    upper(trim(country_iso3)) as country_iso3,
    upper(trim(org_code)) as org_code,
    lower(trim(event_type)) as event_type,
    {{ stated_date_columns('event_date') }},
    act_kind,
    evidence,
    note
from {{ source('facts', 'membership_events') }}

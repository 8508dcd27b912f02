-- depends_on: {{ ref('membership_events') }}
select
    fact_id,
    doc_id,
    upper(trim(country_iso3)) as country_iso3,
    upper(trim(org_code)) as org_code,
    lower(trim(event_type)) as event_type,
    event_date as event_date_iso,
    {{ period_start('event_date', 'event_date_precision') }} as event_date_earliest,
    {{ period_end('event_date', 'event_date_precision') }} as event_date_latest,
    event_date_precision,
    event_date_basis,
    date_basis_note,
    act_kind,
    evidence,
    note
from {{ source('facts', 'membership_events') }}

-- depends_on: {{ ref('treaty_events') }}
select
    fact_id,
    doc_id,
    lower(trim(treaty_id)) as treaty_id,
    lower(trim(event_type)) as event_type,
    event_date as event_date_iso,
    {{ period_start('event_date', 'event_date_precision') }} as event_date_earliest,
    {{ period_end('event_date', 'event_date_precision') }} as event_date_latest,
    event_date_precision,
    event_date_basis,
    date_basis_note,
    valid_until_year,
    lower(trim(qualifier)) as qualifier,
    evidence,
    note
from {{ source('facts', 'treaty_events') }}

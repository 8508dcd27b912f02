-- depends_on: {{ ref('treaty_events') }}
select
    fact_id,
    doc_id,
    lower(trim(treaty_id)) as treaty_id,
    lower(trim(event_type)) as event_type,
    {{ stated_date_columns('event_date') }},
    valid_until_year,
    lower(trim(qualifier)) as qualifier,
    evidence,
    note
from {{ source('facts', 'treaty_events') }}

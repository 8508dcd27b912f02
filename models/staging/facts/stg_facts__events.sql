-- depends_on: {{ ref('events') }}
select
    fact_id,
    doc_id,
    lower(trim(event_type)) as event_type,
    trim(event_name) as event_name,
    event_date as event_date_iso,
    {{ period_start('event_date', 'event_date_precision') }} as event_date_earliest,
    {{ period_end('event_date', 'event_date_precision') }} as event_date_latest,
    event_date_precision,
    event_date_basis,
    date_basis_note,
    end_date as end_date_iso,
    {{ period_end('end_date', "case length(end_date) when 4 then 'year' when 7 then 'month' else 'day' end") }} as end_date_latest,
    upper(trim(location_iso3)) as location_iso3,
    location_detail,
    killed,
    displaced,
    troops,
    area_km2,
    lower(trim(figure_qualifier)) as figure_qualifier,
    evidence,
    note
from {{ source('facts', 'events') }}

-- depends_on: {{ ref('events') }}
select
    fact_id,
    doc_id,
    lower(trim(event_type)) as event_type,
    trim(event_name) as event_name,
    {{ stated_date_columns('event_date') }},
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

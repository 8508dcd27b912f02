with final as (
    select
        fact_id,
        doc_id,
        event_type,
        event_name,
        event_date_iso,
        event_date_earliest,
        event_date_latest,
        event_date_precision,
        event_date_basis,
        date_basis_note,
        end_date_iso,
        end_date_latest,
        location_iso3,
        location_detail,
        killed,
        displaced,
        troops,
        area_km2,
        figure_qualifier,
        evidence
    from {{ ref('stg_facts__events') }}
)

select
    fact_id,
    doc_id,
    event_type,
    event_name,
    event_date_iso,
    event_date_earliest,
    event_date_latest,
    event_date_precision,
    event_date_basis,
    date_basis_note,
    end_date_iso,
    end_date_latest,
    location_iso3,
    location_detail,
    killed,
    displaced,
    troops,
    area_km2,
    figure_qualifier,
    evidence
from final

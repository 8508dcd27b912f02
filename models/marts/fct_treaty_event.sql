select
    fact_id,
    doc_id,
    treaty_id,
    event_type,
    event_date_iso,
    event_date_earliest,
    event_date_latest,
    event_date_precision,
    event_date_basis,
    date_basis_note,
    valid_until_year,
    qualifier,
    evidence
from {{ ref('stg_facts__treaty_events') }}

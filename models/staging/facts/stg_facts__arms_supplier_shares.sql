-- depends_on: {{ ref('arms_supplier_shares') }}
select
    fact_id,
    doc_id,
    upper(trim(supplier_iso3)) as supplier_iso3,
    upper(trim(recipient_iso3)) as recipient_iso3,
    period_start_year,
    period_end_year,
    share_pct,
    share_pct_upper,
    supplier_rank,
    supplier_rank_upper,
    lower(trim(measure)) as measure,
    lower(trim(qualifier)) as qualifier,
    evidence,
    note
from {{ source('facts', 'arms_supplier_shares') }}

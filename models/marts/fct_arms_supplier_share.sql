select
    fact_id,
    doc_id,
    supplier_iso3,
    recipient_iso3,
    period_start_year,
    period_end_year,
    share_pct,
    share_pct_upper,
    supplier_rank,
    supplier_rank_upper,
    measure,
    qualifier,
    evidence
from {{ ref('stg_facts__arms_supplier_shares') }}

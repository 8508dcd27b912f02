select
    fact_id,
    doc_id,
    reporter_iso3,
    partner_iso3,
    partner_org_code,
    flow,
    trade_year,
    value_usd,
    value_usd_upper,
    share_pct,
    partner_rank,
    qualifier,
    evidence
from {{ ref('stg_facts__trade_figures') }}

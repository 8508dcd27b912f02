-- depends_on: {{ ref('trade_figures') }}
select
    fact_id,
    doc_id,
    upper(trim(reporter_iso3)) as reporter_iso3,
    upper(trim(partner_iso3)) as partner_iso3,
    upper(trim(partner_org_code)) as partner_org_code,
    lower(trim(flow)) as flow,
    year as trade_year,
    value_usd,
    value_usd_upper,
    share_pct,
    rank as partner_rank,
    lower(trim(qualifier)) as qualifier,
    evidence,
    note
from {{ source('facts', 'trade_figures') }}

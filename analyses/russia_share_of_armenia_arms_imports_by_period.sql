-- When did Russia's share of Armenia's arms imports fall below half? Every stated share, oldest period
-- first, with whether it is below 50 %.
select
    fact_id,
    doc_id,
    period_start_year,
    period_end_year,
    share_pct,
    qualifier,
    share_pct < 50 as is_below_half,
    evidence
from {{ ref('fct_arms_supplier_share') }}
where
    supplier_iso3 = 'RUS'
    and recipient_iso3 = 'ARM'
    and measure = 'share_of_arms_imports'
order by coalesce(period_end_year, period_start_year) asc, fact_id asc

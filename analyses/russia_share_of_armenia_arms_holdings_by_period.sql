-- When did Russia's share of the arms Armenia holds fall below half? Every stated share of Armenia's arms
-- holdings supplied by Russia ("made up around 90% of Armenia's defense capabilities"), oldest period first,
-- and whether it is below 50 %. A share of arms imports is another measure (fct_arms_supplier_share.measure)
-- and is not mixed in: the texts state none for Russia -> Armenia.
select
    fact_id,
    doc_id,
    period_start_year,
    period_end_year,
    share_pct,
    qualifier,
    measure,
    share_pct < 50 as is_below_half,
    evidence
from {{ ref('fct_arms_supplier_share') }}
where
    supplier_iso3 = 'RUS'
    and recipient_iso3 = 'ARM'
    and measure = 'share_of_arms_holdings'
    and share_pct is not null
order by coalesce(period_end_year, period_start_year) asc, fact_id asc

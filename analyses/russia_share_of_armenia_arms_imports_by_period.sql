-- When did Russia's share of Armenia's arms fall below half? Every stated share of Armenia's arms imports
-- or holdings, oldest period first, with its measure and whether it is below 50 %. The texts state only
-- holdings shares for Russia -> Armenia ("made up around 90% of Armenia's defense capabilities"), so read
-- the answer as a share of the arms Armenia holds, not of what it imports (see `measure`).
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
    and measure in ('share_of_arms_imports', 'share_of_arms_holdings')
    and share_pct is not null
order by coalesce(period_end_year, period_start_year) asc, fact_id asc

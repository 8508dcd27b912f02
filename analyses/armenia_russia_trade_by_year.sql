-- How did Armenia-Russia trade grow? Every stated total trade figure by year with growth since the previous
-- stated year, each with the bounds its qualifier states: 2019 -> 2023 is "< 263.7 %", not an exact 263.6 %.
select
    trade_year,
    value_usd,
    value_usd_lower,
    value_usd_upper,
    qualifier,
    is_exact,
    previous_year,
    growth_pct_since_previous_year,
    growth_pct_lower,
    growth_pct_upper,
    growth_is_exact,
    doc_id,
    evidence
from {{ ref('mart_trade_partners') }}
where reporter_iso3 = 'ARM' and partner_iso3 = 'RUS' and flow = 'total' and value_usd is not null
order by trade_year asc, fact_id asc

-- How did Armenia-Russia trade grow? Every stated total trade figure by year with growth since the previous stated year.
select
    trade_year,
    value_usd,
    qualifier,
    previous_year,
    growth_pct_since_previous_year,
    doc_id,
    evidence
from {{ ref('mart_trade_partners') }}
where reporter_iso3 = 'ARM' and partner_iso3 = 'RUS' and flow = 'total' and value_usd is not null
order by trade_year asc, fact_id asc

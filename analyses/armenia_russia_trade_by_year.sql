-- How did Armenia-Russia trade grow? Every stated total trade figure by year with the growth from the previous
-- stated year (growth_from_year -> growth_to_year): a point value only when exact, else the interval the figures
-- and the same sentence's claims allow: 2019 -> 2023 is 200 .. 263.7 % ("more than tripled", "almost $8 billion").
select
    trade_year,
    value_usd,
    value_usd_lower,
    value_usd_upper,
    qualifier,
    is_exact,
    growth_from_year,
    growth_to_year,
    growth_pct,
    growth_pct_lower,
    growth_pct_upper,
    growth_is_exact,
    growth_claim_ids,
    doc_id,
    evidence
from {{ ref('mart_trade_partners') }}
where reporter_iso3 = 'ARM' and partner_iso3 = 'RUS' and flow = 'total' and value_usd is not null
order by trade_year asc, fact_id asc

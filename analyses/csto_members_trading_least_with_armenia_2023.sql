-- Which CSTO members traded least with Armenia in 2023? (stated total trade, smallest first; the bounds
-- say how far a hedged figure could move: a partner whose bounds overlap another's may swap places)
select
    partner_iso3,
    partner_name,
    value_usd,
    value_usd_lower,
    value_usd_upper,
    qualifier,
    is_exact,
    evidence
from {{ ref('mart_trade_partners') }}
where
    reporter_iso3 = 'ARM'
    and trade_year = 2023
    and flow = 'total'
    and partner_in_csto
    and value_usd is not null
order by value_usd asc, partner_iso3 asc

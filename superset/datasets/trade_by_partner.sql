-- Superset's trade dataset: stated trade values by partner and year in million USD (for a log axis).
-- Only figures with a year reach the chart (a year-less share would be a "NaN" category); a figure that is
-- not exact is its own series named with the bound its qualifier states ("Russia (< almost)").
select
    t.partner_name,
    t.flow,
    t.trade_year,
    t.value_usd / 1e6 as value_musd,
    t.value_usd_lower / 1e6 as value_musd_lower,
    t.value_usd_upper / 1e6 as value_musd_upper,
    t.qualifier,
    t.is_exact,
    t.partner_name || case
        when t.is_exact then ''
        else ' (' || q.display_symbol || ' ' || replace(q.qualifier, '_', ' ') || ')'
    end as series
from marts.mart_trade_partners as t
inner join marts.dim_qualifier as q on q.qualifier = t.qualifier
where t.trade_year is not null and t.value_usd is not null

-- Trade by partner and year, with value, share and rank as stated, whether the partner was a CSTO
-- member (or frozen member) at the end of that year, and growth from the partner's previous stated year.
with trade as (
    select
        fact_id,
        doc_id,
        reporter_iso3,
        partner_iso3,
        flow,
        trade_year,
        value_usd,
        qualifier,
        share_pct,
        partner_rank,
        evidence
    from {{ ref('fct_trade_flow') }}
    where partner_iso3 is not null
),

csto_spells as (
    select
        country_iso3,
        valid_from,
        valid_to
    from {{ ref('fct_membership_spell') }}
    where
        org_code = 'CSTO'
        and status in ('member', 'participation_frozen')
),

yearly_values as (
    select
        reporter_iso3,
        partner_iso3,
        flow,
        trade_year,
        min(value_usd) as value_usd
    from trade
    where value_usd is not null
    group by reporter_iso3, partner_iso3, flow, trade_year
),

with_previous as (
    select
        reporter_iso3,
        partner_iso3,
        flow,
        trade_year,
        lag(trade_year) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_year,
        lag(value_usd) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_value_usd
    from yearly_values
),

partners as (
    select
        iso3,
        country_name
    from {{ ref('dim_country') }}
),

final as (
    select
        trade.fact_id,
        trade.doc_id,
        trade.reporter_iso3,
        trade.partner_iso3,
        partners.country_name as partner_name,
        trade.flow,
        trade.trade_year,
        trade.value_usd,
        trade.qualifier,
        trade.share_pct,
        trade.partner_rank,
        case
            when trade.trade_year is not null then
                exists (
                    select 1
                    from csto_spells
                    where
                        csto_spells.country_iso3 = trade.partner_iso3
                        and csto_spells.valid_from <= cast(cast(trade.trade_year as {{ dbt.type_string() }}) || '-12-31' as date)
                        and (
                            csto_spells.valid_to is null
                            or csto_spells.valid_to >= cast(cast(trade.trade_year as {{ dbt.type_string() }}) || '-12-31' as date)
                        )
                )
        end as partner_in_csto,
        with_previous.previous_year,
        with_previous.previous_value_usd,
        case
            when with_previous.previous_value_usd > 0 and trade.value_usd is not null
                then round(100.0 * (trade.value_usd - with_previous.previous_value_usd) / with_previous.previous_value_usd, 1)
        end as growth_pct_since_previous_year,
        trade.evidence
    from trade
    inner join partners
        on trade.partner_iso3 = partners.iso3
    left join with_previous
        on
            trade.reporter_iso3 = with_previous.reporter_iso3
            and trade.partner_iso3 = with_previous.partner_iso3
            and trade.flow = with_previous.flow
            and trade.trade_year = with_previous.trade_year
)

select
    fact_id,
    doc_id,
    reporter_iso3,
    partner_iso3,
    partner_name,
    flow,
    trade_year,
    value_usd,
    qualifier,
    share_pct,
    partner_rank,
    partner_in_csto,
    previous_year,
    previous_value_usd,
    growth_pct_since_previous_year,
    evidence
from final

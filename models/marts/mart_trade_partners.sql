-- Trade by partner and year, with value, share and rank as stated and the bounds their qualifier allows,
-- whether the partner was a CSTO member (or frozen member) at the end of that year, and growth from the
-- partner's previous stated year. Growth carries bounds too: from a bounded input it is an interval
-- (lowest new value over highest old value .. highest new over lowest old; an open input bound leaves that
-- side open) and is never marked exact.
with trade as (
    select
        fact_id,
        doc_id,
        reporter_iso3,
        partner_iso3,
        flow,
        trade_year,
        value_usd,
        value_usd_lower,
        value_usd_upper,
        qualifier,
        is_exact,
        share_pct,
        share_pct_lower,
        share_pct_upper,
        partner_rank,
        evidence
    from {{ ref('fct_trade_flow') }}
    where partner_iso3 is not null
),

csto_spells as (
    select
        country_iso3,
        valid_from,
        first_attested_on,
        valid_to
    from {{ ref('fct_membership_spell') }}
    where
        org_code = 'CSTO'
        and status in ('member', 'participation_frozen')
),

-- one figure per partner, flow and year: the lowest stated value when texts give several
ranked_values as (
    select
        reporter_iso3,
        partner_iso3,
        flow,
        trade_year,
        value_usd,
        value_usd_lower,
        value_usd_upper,
        is_exact,
        row_number() over (
            partition by reporter_iso3, partner_iso3, flow, trade_year
            order by value_usd asc, fact_id asc
        ) as value_order
    from trade
    where value_usd is not null and trade_year is not null
),

with_previous as (
    select
        reporter_iso3,
        partner_iso3,
        flow,
        trade_year,
        lag(trade_year) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_year,
        lag(value_usd) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_value_usd,
        lag(value_usd_lower) over (partition by reporter_iso3, partner_iso3, flow order by trade_year)
            as previous_value_usd_lower,
        lag(value_usd_upper) over (partition by reporter_iso3, partner_iso3, flow order by trade_year)
            as previous_value_usd_upper,
        lag(is_exact) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_is_exact
    from ranked_values
    where value_order = 1
),

partners as (
    select
        iso3,
        country_name
    from {{ ref('dim_country') }}
),

joined as (
    select
        trade.fact_id,
        trade.doc_id,
        trade.reporter_iso3,
        trade.partner_iso3,
        partners.country_name as partner_name,
        trade.flow,
        trade.trade_year,
        trade.value_usd,
        trade.value_usd_lower,
        trade.value_usd_upper,
        trade.qualifier,
        trade.is_exact,
        trade.share_pct,
        trade.share_pct_lower,
        trade.share_pct_upper,
        trade.partner_rank,
        case
            when trade.trade_year is not null then
                exists (
                    select 1
                    from csto_spells
                    where
                        csto_spells.country_iso3 = trade.partner_iso3
                        -- in force on the year's last day, attested-only spells included (spell_in_force's start rule)
                        and {{ spell_in_force(
                            'csto_spells',
                            "cast(cast(trade.trade_year as " ~ dbt.type_string() ~ ") || '-12-31' as date)"
                        ) }}
                )
        end as partner_in_csto,
        with_previous.previous_year,
        with_previous.previous_value_usd,
        with_previous.previous_value_usd_lower,
        with_previous.previous_value_usd_upper,
        with_previous.previous_is_exact,
        {{ pct_change('trade.value_usd', 'with_previous.previous_value_usd') }} as growth_pct_since_previous_year,
        case
            when trade.value_usd is not null and with_previous.previous_value_usd > 0
                then trade.is_exact and with_previous.previous_is_exact
        end as growth_is_exact,
        {{ pct_change('trade.value_usd_lower', 'with_previous.previous_value_usd_upper', 'down') }} as growth_floor,
        {{ pct_change('trade.value_usd_upper', 'with_previous.previous_value_usd_lower', 'up') }} as growth_ceiling,
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
),

final as (
    select
        fact_id,
        doc_id,
        reporter_iso3,
        partner_iso3,
        partner_name,
        flow,
        trade_year,
        value_usd,
        value_usd_lower,
        value_usd_upper,
        qualifier,
        is_exact,
        share_pct,
        share_pct_lower,
        share_pct_upper,
        partner_rank,
        partner_in_csto,
        previous_year,
        previous_value_usd,
        previous_value_usd_lower,
        previous_value_usd_upper,
        previous_is_exact,
        growth_pct_since_previous_year,
        -- an exact growth is its own bound; the outward-rounded floor/ceiling could differ by 0.1
        case when growth_is_exact then growth_pct_since_previous_year else growth_floor end as growth_pct_lower,
        case when growth_is_exact then growth_pct_since_previous_year else growth_ceiling end as growth_pct_upper,
        growth_is_exact,
        evidence
    from joined
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
    value_usd_lower,
    value_usd_upper,
    qualifier,
    is_exact,
    share_pct,
    share_pct_lower,
    share_pct_upper,
    partner_rank,
    partner_in_csto,
    previous_year,
    previous_value_usd,
    previous_value_usd_lower,
    previous_value_usd_upper,
    previous_is_exact,
    growth_pct_since_previous_year,
    growth_pct_lower,
    growth_pct_upper,
    growth_is_exact,
    evidence
from final

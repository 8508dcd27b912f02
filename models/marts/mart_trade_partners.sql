-- Trade by partner and year, with value, share and rank as stated and the bounds their qualifier allows,
-- whether the partner was a CSTO member (or frozen member) at the end of that year, and growth from the
-- partner's previous stated year (growth_from_year) to this one (growth_to_year). Bounds, not points: growth_pct
-- is set only when both figures are exact; otherwise the growth is the interval growth_pct_lower ..
-- growth_pct_upper (lowest new value over highest old value .. highest new over lowest old; an open input bound
-- leaves that side open), tightened by any growth_factor claim between the same two figures ("more than tripled":
-- above 200 %), read through the qualifier vocabulary (join_qualifier_rules, bound_from).
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
        fact_id,
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
        lag(fact_id) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_fact_id,
        lag(value_usd) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_value_usd,
        lag(value_usd_lower) over (partition by reporter_iso3, partner_iso3, flow order by trade_year)
            as previous_value_usd_lower,
        lag(value_usd_upper) over (partition by reporter_iso3, partner_iso3, flow order by trade_year)
            as previous_value_usd_upper,
        lag(is_exact) over (partition by reporter_iso3, partner_iso3, flow order by trade_year) as previous_is_exact
    from ranked_values
    where value_order = 1
),

-- claims bounding the growth between two stated figures, as bounds on the percentage: factor f -> 100 * (f - 1)
growth_claims as (
    select
        claims.about_fact_id,
        claims.base_fact_id,
        max(floor(1000.0 * ({{ bound_from('qualifiers.lower_bound_from', 'claims.claimed_amount') }} - 1)) / 10.0)
            as claimed_growth_lower,
        min(ceiling(1000.0 * ({{ bound_from('qualifiers.upper_bound_from', 'claims.claimed_amount') }} - 1)) / 10.0)
            as claimed_growth_upper,
        {{ dbt.listagg('claims.claim_id', "', '", 'order by claims.claim_id') }} as growth_claim_ids
    from {{ ref('stg_facts__claims') }} as claims
    {{ join_qualifier_rules('claims.qualifier') }}
    where claims.claim_attribute = 'growth_factor'
    group by claims.about_fact_id, claims.base_fact_id
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
        case when with_previous.previous_value_usd > 0 then with_previous.previous_year end as growth_from_year,
        case when with_previous.previous_value_usd > 0 and trade.value_usd is not null then trade.trade_year end
            as growth_to_year,
        with_previous.previous_year,
        with_previous.previous_value_usd,
        with_previous.previous_value_usd_lower,
        with_previous.previous_value_usd_upper,
        with_previous.previous_is_exact,
        {{ pct_change('trade.value_usd', 'with_previous.previous_value_usd') }} as growth_pct_if_exact,
        case
            when trade.value_usd is not null and with_previous.previous_value_usd > 0
                then trade.is_exact and with_previous.previous_is_exact
        end as growth_is_exact,
        {{ pct_change('trade.value_usd_lower', 'with_previous.previous_value_usd_upper', 'down') }} as growth_floor,
        {{ pct_change('trade.value_usd_upper', 'with_previous.previous_value_usd_lower', 'up') }} as growth_ceiling,
        growth_claims.claimed_growth_lower,
        growth_claims.claimed_growth_upper,
        growth_claims.growth_claim_ids,
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
    left join growth_claims
        on
            trade.fact_id = growth_claims.about_fact_id
            and with_previous.previous_fact_id = growth_claims.base_fact_id
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
    growth_from_year,
    growth_to_year,
    previous_value_usd,
    previous_value_usd_lower,
    previous_value_usd_upper,
    previous_is_exact,
    -- a point value only where the growth is exact: a bounded one is only its interval
    case when growth_is_exact then growth_pct_if_exact end as growth_pct,
    -- the figures' interval, tightened by the claims: the higher lower bound and the lower upper bound
    case
        when growth_is_exact then growth_pct_if_exact
        when growth_floor is null then claimed_growth_lower
        when claimed_growth_lower is null then growth_floor
        when claimed_growth_lower > growth_floor then claimed_growth_lower
        else growth_floor
    end as growth_pct_lower,
    case
        when growth_is_exact then growth_pct_if_exact
        when growth_ceiling is null then claimed_growth_upper
        when claimed_growth_upper is null then growth_ceiling
        when claimed_growth_upper < growth_ceiling then claimed_growth_upper
        else growth_ceiling
    end as growth_pct_upper,
    growth_is_exact,
    growth_claim_ids,
    evidence
from joined

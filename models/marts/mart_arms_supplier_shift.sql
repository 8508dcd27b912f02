-- Per supplier, recipient and year: the stated shares and ranks of the supplier in the recipient's arms (imports or
-- holdings, named in arms_share_measures) whose period covers the year, the deal stages dated in that year and the
-- deals whose stated supply period covers it - the move away from Russia in one table. Systems are counted as
-- canonical weapon systems (fct_arms_deal), so "Caesar" and "CAESAR" are one system.
{% set arms_share_measures = "'share_of_arms_imports', 'share_of_arms_holdings'" %}

with shares as (
    select
        fact_id,
        supplier_iso3,
        recipient_iso3,
        coalesce(period_start_year, period_end_year) as period_start_year,
        coalesce(period_end_year, period_start_year) as period_end_year,
        share_pct,
        supplier_rank_best,
        supplier_rank_worst,
        measure,
        measure in ({{ arms_share_measures }}) as is_arms_measure
    from {{ ref('fct_arms_supplier_share') }}
    where coalesce(period_start_year, period_end_year) is not null
),

deals as (
    select
        deal_key,
        supplier_iso3,
        recipient_iso3,
        weapon_system_id,
        system_name,
        supply_start_year,
        supply_end_year
    from {{ ref('fct_arms_deal') }}
),

deal_stages as (
    select
        deals.supplier_iso3,
        deals.recipient_iso3,
        deals.weapon_system_id,
        deals.system_name,
        deal_stage_rows.deal_stage,
        deal_stage_rows.stage_order,
        deal_stage_rows.stage_year
    from {{ ref('fct_arms_deal_stage') }} as deal_stage_rows
    inner join deals
        on deal_stage_rows.deal_key = deals.deal_key
    where deal_stage_rows.stage_year is not null
),

years as (
    select distinct year_number
    from {{ ref('dim_date') }}
),

-- a stated share's period and a deal's supply period, to be spread over the years they cover
periods as (
    select
        supplier_iso3,
        recipient_iso3,
        period_start_year as first_year,
        period_end_year as last_year,
        fact_id as share_fact_id,
        cast(null as {{ dbt.type_string() }}) as deal_key
    from shares
    union all
    select
        supplier_iso3,
        recipient_iso3,
        supply_start_year as first_year,
        supply_end_year as last_year,
        cast(null as {{ dbt.type_string() }}) as share_fact_id,
        deal_key
    from deals
),

-- per supplier, recipient and year: the shares whose period covers the year and the deals supplying in it
period_years as (
    select
        periods.supplier_iso3,
        periods.recipient_iso3,
        years.year_number,
        max(case when shares.is_arms_measure then shares.share_pct end) as max_arms_share_pct,
        min(case when shares.is_arms_measure then shares.share_pct end) as min_arms_share_pct,
        max(case when not shares.is_arms_measure then shares.share_pct end) as max_other_share_pct,
        min(case when shares.is_arms_measure then shares.supplier_rank_best end) as best_arms_supplier_rank,
        max(case when shares.is_arms_measure then shares.supplier_rank_worst end) as worst_arms_supplier_rank,
        {{ dbt.listagg('distinct case when shares.is_arms_measure then shares.measure end', "', '",
                       'order by case when shares.is_arms_measure then shares.measure end') }} as arms_share_measures,
        {{ dbt.listagg('shares.fact_id', "', '", 'order by shares.fact_id') }} as share_fact_ids,
        count(periods.deal_key) as supplying_deal_count
    from periods
    inner join years
        on years.year_number between periods.first_year and periods.last_year
    left join shares
        on periods.share_fact_id = shares.fact_id
    group by periods.supplier_iso3, periods.recipient_iso3, years.year_number
),

deal_years as (
    select
        supplier_iso3,
        recipient_iso3,
        stage_year as year_number,
        count(*) as deal_stage_count,
        count(distinct weapon_system_id) as system_count,
        {{ dbt.listagg("system_name || ' (' || deal_stage || ')'", "', '", 'order by stage_order, system_name') }}
            as systems_and_stages
    from deal_stages
    group by supplier_iso3, recipient_iso3, stage_year
),

supplier_years as (
    select
        supplier_iso3,
        recipient_iso3,
        year_number
    from period_years
    union
    select
        supplier_iso3,
        recipient_iso3,
        year_number
    from deal_years
)

select
    supplier_years.supplier_iso3 || ':' || supplier_years.recipient_iso3 || ':'
    || cast(supplier_years.year_number as {{ dbt.type_string() }}) as supplier_year_id,
    supplier_years.supplier_iso3,
    supplier_years.recipient_iso3,
    supplier_years.year_number,
    supplier_years.supplier_iso3 = 'RUS' as is_russia,
    period_years.min_arms_share_pct,
    period_years.max_arms_share_pct,
    period_years.arms_share_measures,
    period_years.max_other_share_pct,
    period_years.best_arms_supplier_rank,
    period_years.worst_arms_supplier_rank,
    period_years.share_fact_ids,
    coalesce(deal_years.deal_stage_count, 0) as deal_stage_count,
    coalesce(deal_years.system_count, 0) as system_count,
    deal_years.systems_and_stages,
    coalesce(period_years.supplying_deal_count, 0) as supplying_deal_count
from supplier_years
left join period_years
    on
        supplier_years.supplier_iso3 = period_years.supplier_iso3
        and supplier_years.recipient_iso3 = period_years.recipient_iso3
        and supplier_years.year_number = period_years.year_number
left join deal_years
    on
        supplier_years.supplier_iso3 = deal_years.supplier_iso3
        and supplier_years.recipient_iso3 = deal_years.recipient_iso3
        and supplier_years.year_number = deal_years.year_number

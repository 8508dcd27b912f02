-- Per supplier, recipient and year: the stated shares of the recipient's arms imports or holdings
-- whose period covers the year, and the deal stages dated in that year - the move away from Russia in one table.
{% set arms_share_measures = "'share_of_arms_imports', 'share_of_arms_holdings'" %}

with shares as (
    select
        fact_id,
        supplier_iso3,
        recipient_iso3,
        coalesce(period_start_year, period_end_year) as period_start_year,
        coalesce(period_end_year, period_start_year) as period_end_year,
        share_pct,
        measure
    from {{ ref('fct_arms_supplier_share') }}
    where coalesce(period_start_year, period_end_year) is not null
),

deal_stages as (
    select
        fact_id,
        supplier_iso3,
        recipient_iso3,
        system_name,
        status,
        cast(extract(year from status_date_earliest) as integer) as stage_year
    from {{ ref('fct_arms_transfer') }}
    where status_date_earliest is not null
),

years as (
    select distinct year_number
    from {{ ref('dim_date') }}
),

share_years as (
    select
        shares.supplier_iso3,
        shares.recipient_iso3,
        years.year_number,
        max(case when shares.measure in ({{ arms_share_measures }}) then shares.share_pct end) as max_arms_share_pct,
        min(case when shares.measure in ({{ arms_share_measures }}) then shares.share_pct end) as min_arms_share_pct,
        max(case when shares.measure not in ({{ arms_share_measures }}) then shares.share_pct end) as max_other_share_pct,
        {{ dbt.listagg('shares.fact_id', "', '") }} as share_fact_ids
    from shares
    inner join years
        on years.year_number between shares.period_start_year and shares.period_end_year
    group by shares.supplier_iso3, shares.recipient_iso3, years.year_number
),

deal_years as (
    select
        supplier_iso3,
        recipient_iso3,
        stage_year as year_number,
        count(*) as deal_stage_count,
        count(distinct system_name) as system_count,
        {{ dbt.listagg("distinct system_name || ' (' || status || ')'", "', '") }} as systems_and_stages
    from deal_stages
    group by supplier_iso3, recipient_iso3, stage_year
),

supplier_years as (
    select
        supplier_iso3,
        recipient_iso3,
        year_number
    from share_years
    union
    select
        supplier_iso3,
        recipient_iso3,
        year_number
    from deal_years
),

final as (
    select
        supplier_years.supplier_iso3 || ':' || supplier_years.recipient_iso3 || ':'
        || cast(supplier_years.year_number as {{ dbt.type_string() }}) as supplier_year_id,
        supplier_years.supplier_iso3,
        supplier_years.recipient_iso3,
        supplier_years.year_number,
        supplier_years.supplier_iso3 = 'RUS' as is_russia,
        share_years.min_arms_share_pct,
        share_years.max_arms_share_pct,
        share_years.max_other_share_pct,
        share_years.share_fact_ids,
        coalesce(deal_years.deal_stage_count, 0) as deal_stage_count,
        coalesce(deal_years.system_count, 0) as system_count,
        deal_years.systems_and_stages
    from supplier_years
    left join share_years
        on
            supplier_years.supplier_iso3 = share_years.supplier_iso3
            and supplier_years.recipient_iso3 = share_years.recipient_iso3
            and supplier_years.year_number = share_years.year_number
    left join deal_years
        on
            supplier_years.supplier_iso3 = deal_years.supplier_iso3
            and supplier_years.recipient_iso3 = deal_years.recipient_iso3
            and supplier_years.year_number = deal_years.year_number
)

select
    supplier_year_id,
    supplier_iso3,
    recipient_iso3,
    year_number,
    is_russia,
    min_arms_share_pct,
    max_arms_share_pct,
    max_other_share_pct,
    share_fact_ids,
    deal_stage_count,
    system_count,
    systems_and_stages
from final

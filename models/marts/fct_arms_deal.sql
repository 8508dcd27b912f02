-- One row per arms deal across texts: who supplies which canonical system to whom, the quantity the texts allow
-- (bounds from each statement's qualifier), the furthest stage reached (arms_deal_stages order) and its date,
-- every stage in order, the supply period, and the documents and facts that support the deal.
with transfers as (
    select
        fact_id,
        doc_id,
        deal_key,
        supplier_iso3,
        recipient_iso3,
        weapon_system_id,
        canonical_system_name,
        is_generic_system,
        category,
        quantity,
        quantity_upper,
        qualifier,
        supply_start_year,
        supply_end_year
    from {{ ref('int_arms_transfers_resolved') }}
),

lifecycles as (
    select
        deal_key,
        deal_stage,
        stage_order,
        stage_date_iso,
        stage_date_earliest,
        stage_date_latest,
        row_number() over (partition by deal_key order by stage_order desc) as recency_rank
    from {{ ref('int_arms_deal_lifecycles') }}
),

timelines as (
    select
        deal_key,
        min(stage_date_earliest) as first_stage_date,
        {{ dbt.listagg("deal_stage || ' ' || coalesce(stage_date_iso, 'undated')", "' > '", 'order by stage_order') }}
            as stage_timeline
    from lifecycles
    group by deal_key
),

-- A statement's quantity bounds, from its qualifier's rule in the qualifier vocabulary ("up to" gives only an upper
-- bound, "at least" only a lower one, a range both ends); an open side stays null.
quantity_bounds as (
    select
        transfers.deal_key,
        transfers.qualifier,
        transfers.quantity,
        {{ bound_from('qualifiers.lower_bound_from', 'transfers.quantity', 'transfers.quantity_upper') }} as lower_bound,
        {{ bound_from('qualifiers.upper_bound_from', 'transfers.quantity', 'transfers.quantity_upper') }} as upper_bound
    from transfers
    {{ join_qualifier_rules('transfers.qualifier', join_type='left') }}
    where transfers.quantity is not null
),

quantities as (
    select
        deal_key,
        min(lower_bound) as quantity_low,
        max(upper_bound) as quantity_high,
        count(distinct quantity) as distinct_quantity_count,
        count(distinct qualifier) as distinct_qualifier_count,
        min(qualifier) as only_qualifier
    from quantity_bounds
    group by deal_key
),

deals as (
    select
        deal_key,
        min(supplier_iso3) as supplier_iso3,
        min(recipient_iso3) as recipient_iso3,
        min(weapon_system_id) as weapon_system_id,
        min(canonical_system_name) as system_name,
        min(case when is_generic_system then 1 else 0 end) = 1 as is_generic_system,
        min(category) as category,
        min(supply_start_year) as supply_start_year,
        max(supply_end_year) as supply_end_year,
        count(*) as stage_fact_count,
        count(distinct doc_id) as doc_count,
        {{ dbt.listagg('distinct doc_id', "', '", 'order by doc_id') }} as doc_ids,
        {{ dbt.listagg('fact_id', "', '", 'order by fact_id') }} as fact_ids
    from transfers
    group by deal_key
),

-- the qualifier of a stated range (bounds from value to value_upper), the reading of texts that disagree
range_qualifier as (
    select min(qualifier) as qualifier
    from {{ ref('stg_vocabulary__qualifiers') }}
    where lower_bound_from = 'value' and upper_bound_from = 'value_upper'
)

select
    deals.deal_key,
    deals.supplier_iso3,
    deals.recipient_iso3,
    deals.weapon_system_id,
    deals.system_name,
    deals.is_generic_system,
    deals.category,
    quantities.quantity_low,
    quantities.quantity_high,
    case
        when quantities.deal_key is null then null
        when quantities.distinct_quantity_count > 1 then range_qualifier.qualifier
        when quantities.distinct_qualifier_count > 1 then range_qualifier.qualifier
        else quantities.only_qualifier
    end as quantity_qualifier,
    coalesce(quantities.distinct_quantity_count > 1, false) as has_quantity_conflict,
    furthest_stage.deal_stage as furthest_stage,
    furthest_stage.stage_order as furthest_stage_order,
    furthest_stage.stage_date_iso as furthest_stage_date_iso,
    furthest_stage.stage_date_earliest as furthest_stage_date_earliest,
    furthest_stage.stage_date_latest as furthest_stage_date_latest,
    timelines.first_stage_date,
    timelines.stage_timeline,
    deals.supply_start_year,
    deals.supply_end_year,
    deals.doc_count,
    deals.doc_ids,
    deals.stage_fact_count,
    deals.fact_ids
from deals
inner join lifecycles as furthest_stage
    on
        deals.deal_key = furthest_stage.deal_key
        and furthest_stage.recency_rank = 1
inner join timelines
    on deals.deal_key = timelines.deal_key
left join quantities
    on deals.deal_key = quantities.deal_key
cross join range_qualifier

-- One row per arms deal (deal_key): the stages the texts state, in order, the first date of each,
-- the furthest stage reached, and whether the texts agree on the quantity.
with stages as (
    select
        fact_id,
        doc_id,
        deal_key,
        supplier_iso3,
        recipient_iso3,
        system_name,
        category,
        quantity,
        status,
        status_date_earliest,
        case status
            when 'discussed' then 1
            when 'announced' then 2
            when 'ordered' then 3
            when 'signed' then 4
            when 'delivered' then 5
            when 'not_delivered' then 6
            when 'cancelled' then 7
        end as stage_order
    from {{ ref('stg_facts__arms_transfers') }}
),

deals as (
    select
        deal_key,
        min(supplier_iso3) as supplier_iso3,
        min(recipient_iso3) as recipient_iso3,
        min(system_name) as system_name,
        min(category) as category,
        min(case when status = 'discussed' then status_date_earliest end) as first_discussed_on,
        min(case when status = 'announced' then status_date_earliest end) as first_announced_on,
        min(case when status = 'ordered' then status_date_earliest end) as first_ordered_on,
        min(case when status = 'signed' then status_date_earliest end) as first_signed_on,
        min(case when status = 'delivered' then status_date_earliest end) as first_delivered_on,
        max(stage_order) as furthest_stage_order,
        min(quantity) as min_quantity_stated,
        max(quantity) as max_quantity_stated,
        count(*) as stage_fact_count,
        count(distinct doc_id) as doc_count
    from stages
    group by deal_key
),

final as (
    select
        deal_key,
        supplier_iso3,
        recipient_iso3,
        system_name,
        category,
        first_discussed_on,
        first_announced_on,
        first_ordered_on,
        first_signed_on,
        first_delivered_on,
        case furthest_stage_order
            when 1 then 'discussed'
            when 2 then 'announced'
            when 3 then 'ordered'
            when 4 then 'signed'
            when 5 then 'delivered'
            when 6 then 'not_delivered'
            when 7 then 'cancelled'
        end as furthest_status,
        min_quantity_stated,
        max_quantity_stated,
        coalesce(min_quantity_stated <> max_quantity_stated, false) as has_quantity_conflict,
        stage_fact_count,
        doc_count
    from deals
)

select * from final

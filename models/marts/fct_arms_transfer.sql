-- One row per stated stage of an arms deal, with its canonical weapon system and stage order.
select
    fact_id,
    doc_id,
    deal_key,
    weapon_system_id,
    supplier_iso3,
    recipient_iso3,
    system_name,
    category,
    quantity,
    quantity_upper,
    value_usd,
    status,
    stage_order,
    {{ stated_date_projection('status_date') }},
    supply_start_year,
    supply_end_year,
    qualifier,
    evidence
from {{ ref('int_arms_transfers_resolved') }}

-- Which arms deals reached which stage, from which supplier, and do the texts agree on quantities?
-- One row per deal (fct_arms_deal): the furthest stage in the order of seeds/vocabulary/arms_deal_stages,
-- every stage with its date, and the quantity bounds the statements allow.
select
    deal_key,
    supplier_iso3,
    recipient_iso3,
    system_name,
    furthest_stage,
    furthest_stage_order,
    furthest_stage_date_iso,
    stage_timeline,
    quantity_low as min_quantity,
    quantity_high as max_quantity,
    quantity_qualifier,
    supply_start_year,
    supply_end_year,
    stage_fact_count as stage_facts,
    doc_count as documents
from {{ ref('fct_arms_deal') }}
order by supplier_iso3 asc, deal_key asc

-- One row per arms deal and stage a text states: the stage's order and the date of its earliest statement
-- (int_arms_deal_lifecycles), with the year of that date.
select
    deal_stage_id,
    deal_key,
    deal_stage,
    stage_order,
    stage_date_iso,
    stage_date_earliest,
    stage_date_latest,
    stage_date_precision,
    cast(extract(year from stage_date_earliest) as integer) as stage_year,
    stage_fact_count,
    doc_count,
    fact_ids
from {{ ref('int_arms_deal_lifecycles') }}

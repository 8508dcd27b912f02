-- Which arms deals reached which stage, from which supplier, and do the texts agree on quantities?
select
    deal_key,
    min(supplier_iso3) as supplier_iso3,
    min(system_name) as system_name,
    max(case status
        when 'discussed' then 1 when 'announced' then 2 when 'ordered' then 3
        when 'signed' then 4 when 'delivered' then 5 else 0
    end) as furthest_stage_order,
    min(quantity) as min_quantity,
    max(quantity) as max_quantity,
    count(*) as stage_facts,
    count(distinct doc_id) as documents
from {{ ref('fct_arms_transfer') }}
group by deal_key
order by supplier_iso3 asc, deal_key asc

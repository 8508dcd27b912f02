-- depends_on: {{ ref('arms_transfers') }}
select
    fact_id,
    doc_id,
    lower(trim(deal_key)) as deal_key,
    upper(trim(supplier_iso3)) as supplier_iso3,
    upper(trim(recipient_iso3)) as recipient_iso3,
    trim(system_name) as system_name,
    upper(trim(supplier_iso3)) || '|' || trim(system_name) as system_alias_key,
    lower(trim(category)) as category,
    quantity,
    quantity_upper,
    value_usd,
    lower(trim(status)) as status,
    {{ stated_date_columns('status_date') }},
    supply_start_year,
    supply_end_year,
    lower(trim(qualifier)) as qualifier,
    evidence,
    note
from {{ source('facts', 'arms_transfers') }}

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
        value_usd,
        status,
        status_date_iso,
        status_date_earliest,
        status_date_latest,
        status_date_precision,
        status_date_basis,
        date_basis_note,
        qualifier,
        evidence
    from {{ ref('stg_facts__arms_transfers') }}
),

final as (
    select
        fact_id,
        doc_id,
        deal_key,
        {{ weapon_system_id('deal_key') }} as weapon_system_id,
        supplier_iso3,
        recipient_iso3,
        system_name,
        category,
        quantity,
        value_usd,
        status,
        status_date_iso,
        status_date_earliest,
        status_date_latest,
        status_date_precision,
        status_date_basis,
        date_basis_note,
        qualifier,
        evidence
    from stages
)

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
    value_usd,
    status,
    status_date_iso,
    status_date_earliest,
    status_date_latest,
    status_date_precision,
    status_date_basis,
    date_basis_note,
    qualifier,
    evidence
from final

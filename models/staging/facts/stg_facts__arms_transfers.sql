-- depends_on: {{ ref('arms_transfers') }}
with source_rows as (
    select * from {{ source('facts', 'arms_transfers') }}
),

final as (
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
        status_date as status_date_iso,
        {{ period_start('status_date', 'status_date_precision') }} as status_date_earliest,
        {{ period_end('status_date', 'status_date_precision') }} as status_date_latest,
        status_date_precision,
        status_date_basis,
        date_basis_note,
        supply_start_year,
        supply_end_year,
        lower(trim(qualifier)) as qualifier,
        evidence,
        note
    from source_rows
)

select * from final

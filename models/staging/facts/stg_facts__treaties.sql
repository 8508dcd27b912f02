-- depends_on: {{ ref('treaties') }}
with source_rows as (
    select * from {{ source('facts', 'treaties') }}
),

final as (
    select
        lower(trim(treaty_id)) as treaty_id,
        doc_id,
        trim(treaty_name) as treaty_name,
        lower(trim(treaty_type)) as treaty_type,
        upper(trim(org_code)) as org_code,
        evidence,
        note
    from source_rows
)

select * from final

-- depends_on: {{ ref('claim_attributes') }}
with source_rows as (
    select * from {{ source('vocabulary', 'claim_attributes') }}
),

final as (
    select
        lower(trim(claim_attribute)) as claim_attribute,
        lower(trim(conflict_kind)) as conflict_kind,
        description
    from source_rows
)

select * from final

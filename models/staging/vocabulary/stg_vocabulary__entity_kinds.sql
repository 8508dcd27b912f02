with source_rows as (
    select * from {{ source('vocabulary', 'entity_kinds') }}
),

final as (
    select
        entity_kind,
        description
    from source_rows
)

select * from final

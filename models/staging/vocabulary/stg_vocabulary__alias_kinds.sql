with source_rows as (
    select * from {{ source('vocabulary', 'alias_kinds') }}
),

final as (
    select
        alias_kind,
        description
    from source_rows
)

select * from final

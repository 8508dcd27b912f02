with source_rows as (
    select * from {{ source('vocabulary', 'treaty_types') }}
),

final as (
    select
        treaty_type,
        description
    from source_rows
)

select * from final

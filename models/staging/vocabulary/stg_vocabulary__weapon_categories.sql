with source_rows as (
    select * from {{ source('vocabulary', 'weapon_categories') }}
),

final as (
    select
        category,
        description
    from source_rows
)

select * from final

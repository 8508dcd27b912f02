with source_rows as (
    select * from {{ source('vocabulary', 'known_from_bases') }}
),

final as (
    select
        known_from_basis,
        description
    from source_rows
)

select * from final

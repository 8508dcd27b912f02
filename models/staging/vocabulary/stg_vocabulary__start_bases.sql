with source_rows as (
    select * from {{ source('vocabulary', 'start_bases') }}
),

final as (
    select
        start_basis,
        description
    from source_rows
)

select * from final

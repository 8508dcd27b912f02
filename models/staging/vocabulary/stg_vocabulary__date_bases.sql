with source_rows as (
    select * from {{ source('vocabulary', 'date_bases') }}
),

final as (
    select
        date_basis,
        description
    from source_rows
)

select * from final

with source_rows as (
    select * from {{ source('vocabulary', 'tie_bases') }}
),

final as (
    select
        lower(trim(tie_basis)) as tie_basis,
        cast(basis_rank as integer) as basis_rank,
        description
    from source_rows
)

select * from final

with source_rows as (
    select * from {{ source('vocabulary', 'units') }}
),

final as (
    select
        unit,
        description
    from source_rows
)

select * from final

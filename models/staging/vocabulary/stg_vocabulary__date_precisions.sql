with source_rows as (
    select * from {{ source('vocabulary', 'date_precisions') }}
),

final as (
    select
        date_precision,
        description
    from source_rows
)

select * from final

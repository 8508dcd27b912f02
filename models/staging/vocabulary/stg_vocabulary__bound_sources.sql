with source_rows as (
    select * from {{ source('vocabulary', 'bound_sources') }}
),

final as (
    select
        bound_source,
        description
    from source_rows
)

select * from final

with source_rows as (
    select * from {{ source('vocabulary', 'continents') }}
),

final as (
    select
        continent,
        description
    from source_rows
)

select * from final

with source_rows as (
    select * from {{ source('vocabulary', 'share_measures') }}
),

final as (
    select
        measure,
        description
    from source_rows
)

select * from final

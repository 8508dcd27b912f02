with source_rows as (
    select * from {{ source('vocabulary', 'org_types') }}
),

final as (
    select
        org_type,
        description
    from source_rows
)

select * from final

with source_rows as (
    select * from {{ source('vocabulary', 'membership_statuses') }}
),

final as (
    select
        membership_status,
        description
    from source_rows
)

select * from final

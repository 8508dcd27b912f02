with source_rows as (
    select * from {{ source('vocabulary', 'act_kinds') }}
),

final as (
    select
        act_kind,
        description
    from source_rows
)

select * from final

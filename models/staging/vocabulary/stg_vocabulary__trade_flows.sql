with source_rows as (
    select * from {{ source('vocabulary', 'trade_flows') }}
),

final as (
    select
        flow,
        description
    from source_rows
)

select * from final

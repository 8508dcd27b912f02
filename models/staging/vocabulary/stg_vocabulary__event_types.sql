with source_rows as (
    select * from {{ source('vocabulary', 'event_types') }}
),

final as (
    select
        lower(trim(event_type)) as event_type,
        cast(is_stance as boolean) as is_stance,
        description,
        wording
    from source_rows
)

select * from final

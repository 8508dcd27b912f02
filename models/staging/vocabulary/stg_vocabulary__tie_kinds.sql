with source_rows as (
    select * from {{ source('vocabulary', 'tie_kinds') }}
),

final as (
    select
        lower(trim(tie_kind)) as tie_kind,
        cast(is_directed as boolean) as is_directed,
        from_role,
        to_role,
        description,
        wording
    from source_rows
)

select * from final

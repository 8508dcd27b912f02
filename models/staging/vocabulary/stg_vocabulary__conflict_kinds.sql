-- depends_on: {{ ref('conflict_kinds') }}
with source_rows as (
    select * from {{ source('vocabulary', 'conflict_kinds') }}
),

final as (
    select
        lower(trim(conflict_kind)) as conflict_kind,
        description,
        detected_from
    from source_rows
)

select * from final

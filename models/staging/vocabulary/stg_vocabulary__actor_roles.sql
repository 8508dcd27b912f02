with source_rows as (
    select * from {{ source('vocabulary', 'actor_roles') }}
),

final as (
    select
        actor_role,
        description
    from source_rows
)

select * from final

-- depends_on: {{ ref('weapon_systems') }}
with source_rows as (
    select * from {{ source('reference', 'weapon_systems') }}
),

final as (
    select
        lower(trim(weapon_system_id)) as weapon_system_id,
        trim(system_name) as system_name,
        is_generic,
        description
    from source_rows
)

select * from final

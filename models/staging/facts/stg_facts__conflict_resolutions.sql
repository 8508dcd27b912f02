-- depends_on: {{ ref('conflict_resolutions') }}
with source_rows as (
    select * from {{ source('facts', 'conflict_resolutions') }}
),

final as (
    select
        resolution_id,
        lower(trim(conflict_kind)) as conflict_kind,
        trim(compared_thing) as compared_thing,
        trim(adopted_reading) as adopted_reading,
        trim(reason) as reason
    from source_rows
)

select * from final

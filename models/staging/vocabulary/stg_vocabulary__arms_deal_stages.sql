-- depends_on: {{ ref('arms_deal_stages') }}
with source_rows as (
    select * from {{ source('vocabulary', 'arms_deal_stages') }}
),

final as (
    select
        lower(trim(stage)) as deal_stage,
        stage_order,
        description as stage_description,
        wording as stage_wording
    from source_rows
)

select * from final

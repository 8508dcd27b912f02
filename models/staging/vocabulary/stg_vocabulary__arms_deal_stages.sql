-- depends_on: {{ ref('arms_deal_stages') }}
select
    lower(trim(stage)) as deal_stage,
    stage_order,
    description as stage_description,
    wording as stage_wording
from {{ source('vocabulary', 'arms_deal_stages') }}

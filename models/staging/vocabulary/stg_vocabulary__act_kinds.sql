-- depends_on: {{ ref('act_kinds') }}
select
    act_kind,
    description
from {{ source('vocabulary', 'act_kinds') }}

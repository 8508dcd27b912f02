-- depends_on: {{ ref('trade_flows') }}
select
    flow,
    description
from {{ source('vocabulary', 'trade_flows') }}

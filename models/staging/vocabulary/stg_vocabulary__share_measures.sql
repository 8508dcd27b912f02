-- depends_on: {{ ref('share_measures') }}
select
    measure,
    description
from {{ source('vocabulary', 'share_measures') }}

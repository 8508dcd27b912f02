-- depends_on: {{ ref('treaty_event_types') }}
select
    lower(trim(event_type)) as event_type,
    cast(lifecycle_rank as integer) as lifecycle_rank,
    cast(is_one_off as boolean) as is_one_off,
    description
from {{ source('vocabulary', 'treaty_event_types') }}

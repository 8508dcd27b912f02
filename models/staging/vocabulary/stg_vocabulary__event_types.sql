-- depends_on: {{ ref('event_types') }}
select
    lower(trim(event_type)) as event_type,
    cast(is_stance as boolean) as is_stance,
    description,
    wording
from {{ source('vocabulary', 'event_types') }}

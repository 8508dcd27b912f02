-- depends_on: {{ ref('membership_event_types') }}
select
    lower(trim(event_type)) as event_type,
    lower(trim(resulting_status)) as resulting_status,
    cast(status_priority as integer) as status_priority,
    cast(is_one_off as boolean) as is_one_off,
    cast(is_assertion as boolean) as is_assertion,
    description
from {{ source('vocabulary', 'membership_event_types') }}

-- depends_on: {{ ref('event_actors') }}
select
    fact_id,
    upper(trim(actor_code)) as actor_code,
    lower(trim(actor_kind)) as actor_kind,
    lower(trim(role)) as actor_role,
    note
from {{ source('facts', 'event_actors') }}

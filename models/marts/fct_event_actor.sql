select
    fact_id || ':' || actor_code as event_actor_id,
    fact_id,
    actor_code,
    actor_kind,
    case when actor_kind = 'country' then actor_code end as actor_iso3,
    case when actor_kind = 'organization' then actor_code end as actor_org_code,
    actor_role
from {{ ref('stg_facts__event_actors') }}

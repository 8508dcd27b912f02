-- depends_on: {{ ref('actor_roles') }}
select
    actor_role,
    description
from {{ source('vocabulary', 'actor_roles') }}

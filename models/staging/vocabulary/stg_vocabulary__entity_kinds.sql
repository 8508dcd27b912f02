-- depends_on: {{ ref('entity_kinds') }}
select
    entity_kind,
    description
from {{ source('vocabulary', 'entity_kinds') }}

-- depends_on: {{ ref('conflict_kinds') }}
select
    lower(trim(conflict_kind)) as conflict_kind,
    description,
    detected_from
from {{ source('vocabulary', 'conflict_kinds') }}

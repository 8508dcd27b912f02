-- depends_on: {{ ref('alias_kinds') }}
select
    alias_kind,
    description
from {{ source('vocabulary', 'alias_kinds') }}

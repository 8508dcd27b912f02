-- depends_on: {{ ref('succession_kinds') }}
select
    lower(trim(succession_kind)) as succession_kind,
    cast(continues_in_successor as boolean) as continues_in_successor,
    cast(ends_predecessor as boolean) as ends_predecessor,
    description
from {{ source('vocabulary', 'succession_kinds') }}

-- depends_on: {{ ref('tie_kinds') }}
select
    lower(trim(tie_kind)) as tie_kind,
    cast(is_directed as boolean) as is_directed,
    from_role,
    to_role,
    description,
    wording
from {{ source('vocabulary', 'tie_kinds') }}

-- depends_on: {{ ref('claim_attributes') }}
select
    lower(trim(claim_attribute)) as claim_attribute,
    lower(trim(conflict_kind)) as conflict_kind,
    description
from {{ source('vocabulary', 'claim_attributes') }}

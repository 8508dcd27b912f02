-- depends_on: {{ ref('org_types') }}
select
    org_type,
    description
from {{ source('vocabulary', 'org_types') }}

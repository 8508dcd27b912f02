-- depends_on: {{ ref('treaty_types') }}
select
    treaty_type,
    description
from {{ source('vocabulary', 'treaty_types') }}

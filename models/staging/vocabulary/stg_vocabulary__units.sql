-- depends_on: {{ ref('units') }}
select
    unit,
    description
from {{ source('vocabulary', 'units') }}

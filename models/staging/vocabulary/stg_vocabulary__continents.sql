-- depends_on: {{ ref('continents') }}
select
    continent,
    description
from {{ source('vocabulary', 'continents') }}

-- depends_on: {{ ref('bound_sources') }}
select
    bound_source,
    description
from {{ source('vocabulary', 'bound_sources') }}

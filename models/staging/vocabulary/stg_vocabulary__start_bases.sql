-- depends_on: {{ ref('start_bases') }}
select
    start_basis,
    description
from {{ source('vocabulary', 'start_bases') }}

-- depends_on: {{ ref('date_bases') }}
select
    date_basis,
    description
from {{ source('vocabulary', 'date_bases') }}

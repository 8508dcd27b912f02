-- depends_on: {{ ref('known_from_bases') }}
select
    known_from_basis,
    description
from {{ source('vocabulary', 'known_from_bases') }}

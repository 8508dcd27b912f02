-- depends_on: {{ ref('tie_bases') }}
select
    lower(trim(tie_basis)) as tie_basis,
    cast(basis_rank as integer) as basis_rank,
    description
from {{ source('vocabulary', 'tie_bases') }}

-- depends_on: {{ ref('weapon_categories') }}
select
    category,
    description
from {{ source('vocabulary', 'weapon_categories') }}

-- depends_on: {{ ref('weapon_systems') }}
select
    lower(trim(weapon_system_id)) as weapon_system_id,
    trim(system_name) as system_name,
    is_generic,
    description
from {{ source('reference', 'weapon_systems') }}

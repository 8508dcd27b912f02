-- depends_on: {{ ref('weapon_system_aliases') }}
select
    upper(trim(supplier_iso3)) || '|' || trim(name_as_written) as alias_key,
    upper(trim(supplier_iso3)) as supplier_iso3,
    trim(name_as_written) as name_as_written,
    lower(trim(weapon_system_id)) as weapon_system_id
from {{ source('reference', 'weapon_system_aliases') }}

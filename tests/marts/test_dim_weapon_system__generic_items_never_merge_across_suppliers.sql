-- A generic item (armaments, ammunition, drone parts) means something different for each supplier, so its
-- weapon system may be reached from one supplier only: in the alias seed and in the deals.
with alias_suppliers as (
    select
        aliases.weapon_system_id,
        count(distinct aliases.supplier_iso3) as supplier_count
    from {{ ref('stg_reference__weapon_system_aliases') }} as aliases
    inner join {{ ref('stg_reference__weapon_systems') }} as systems
        on aliases.weapon_system_id = systems.weapon_system_id
    where systems.is_generic
    group by aliases.weapon_system_id
)

select
    weapon_system_id,
    supplier_count
from alias_suppliers
where supplier_count > 1
union all
select
    weapon_system_id,
    supplier_count
from {{ ref('dim_weapon_system') }}
where is_generic and supplier_count > 1

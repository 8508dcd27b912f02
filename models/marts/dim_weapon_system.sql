-- One row per canonical weapon system (weapon_systems): a named system with every spelling the texts use, or a
-- generic item scoped to its one supplier, so a French and an Indian "armaments" are two rows.
with systems as (
    select
        weapon_system_id,
        system_name,
        is_generic,
        description
    from {{ ref('stg_reference__weapon_systems') }}
),

transfers as (
    select
        weapon_system_id,
        system_name,
        category,
        supplier_iso3,
        deal_key
    from {{ ref('int_arms_transfers_resolved') }}
),

usage as (
    select
        weapon_system_id,
        {{ dbt.listagg('distinct system_name', "'; '", 'order by system_name') }} as names_as_written,
        min(category) as category,
        count(distinct category) as category_count,
        min(supplier_iso3) as supplier_iso3,
        count(distinct supplier_iso3) as supplier_count,
        count(distinct deal_key) as deal_count
    from transfers
    group by weapon_system_id
),

final as (
    select
        systems.weapon_system_id,
        systems.system_name,
        systems.is_generic,
        systems.description,
        usage.names_as_written,
        usage.category,
        usage.category_count,
        usage.supplier_iso3,
        usage.supplier_count,
        usage.deal_count
    from systems
    inner join usage
        on systems.weapon_system_id = usage.weapon_system_id
)

select
    weapon_system_id,
    system_name,
    is_generic,
    description,
    names_as_written,
    category,
    category_count,
    supplier_iso3,
    supplier_count,
    deal_count
from final

-- One row per canonical weapon system (weapon_systems) named in a deal: its deals, suppliers and category come from
-- fct_arms_deal, its spellings from the stage facts. A generic item is scoped to its one supplier, so a French and
-- an Indian "armaments" are two rows.
with systems as (
    select
        weapon_system_id,
        system_name,
        is_generic,
        description
    from {{ ref('stg_reference__weapon_systems') }}
),

deals as (
    select
        weapon_system_id,
        min(category) as category,
        count(distinct category) as category_count,
        min(supplier_iso3) as supplier_iso3,
        count(distinct supplier_iso3) as supplier_count,
        count(*) as deal_count
    from {{ ref('fct_arms_deal') }}
    group by weapon_system_id
),

spellings as (
    select
        weapon_system_id,
        {{ dbt.listagg('distinct system_name', "'; '", 'order by system_name') }} as names_as_written
    from {{ ref('int_arms_transfers_resolved') }}
    group by weapon_system_id
)

select
    systems.weapon_system_id,
    systems.system_name,
    systems.is_generic,
    systems.description,
    spellings.names_as_written,
    deals.category,
    deals.category_count,
    deals.supplier_iso3,
    deals.supplier_count,
    deals.deal_count
from systems
inner join deals
    on systems.weapon_system_id = deals.weapon_system_id
inner join spellings
    on systems.weapon_system_id = spellings.weapon_system_id

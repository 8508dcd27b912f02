with stages as (
    select
        {{ weapon_system_id('deal_key') }} as weapon_system_id,
        system_name,
        category,
        supplier_iso3,
        deal_key
    from {{ ref('stg_facts__arms_transfers') }}
),

final as (
    select
        weapon_system_id,
        min(system_name) as system_name,
        {{ dbt.listagg('distinct system_name', "'; '") }} as names_as_written,
        min(category) as category,
        count(distinct category) as category_count,
        min(supplier_iso3) as supplier_iso3,
        count(distinct deal_key) as deal_count
    from stages
    group by weapon_system_id
)

select
    weapon_system_id,
    system_name,
    names_as_written,
    category,
    category_count,
    supplier_iso3,
    deal_count
from final

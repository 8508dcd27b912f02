-- Every stated stage of an arms deal, with the canonical weapon system its spelling resolves to
-- (weapon_system_aliases, scoped by supplier, so "Caesar" and "CAESAR" meet and generic items stay with their
-- supplier) and the stage's position in a deal's life (arms_deal_stages).
with transfers as (
    select
        fact_id,
        doc_id,
        deal_key,
        supplier_iso3,
        recipient_iso3,
        system_name,
        system_alias_key,
        category,
        quantity,
        quantity_upper,
        value_usd,
        status,
        status_date_iso,
        status_date_earliest,
        status_date_latest,
        status_date_precision,
        status_date_basis,
        date_basis_note,
        supply_start_year,
        supply_end_year,
        qualifier,
        evidence
    from {{ ref('stg_facts__arms_transfers') }}
),

aliases as (
    select
        alias_key,
        weapon_system_id
    from {{ ref('stg_reference__weapon_system_aliases') }}
),

systems as (
    select
        weapon_system_id,
        system_name,
        is_generic
    from {{ ref('stg_reference__weapon_systems') }}
),

stages as (
    select
        deal_stage,
        stage_order
    from {{ ref('stg_vocabulary__arms_deal_stages') }}
),

final as (
    select
        transfers.fact_id,
        transfers.doc_id,
        transfers.deal_key,
        transfers.supplier_iso3,
        transfers.recipient_iso3,
        transfers.system_name,
        aliases.weapon_system_id,
        systems.system_name as canonical_system_name,
        systems.is_generic as is_generic_system,
        transfers.category,
        transfers.quantity,
        transfers.quantity_upper,
        transfers.value_usd,
        transfers.status,
        stages.stage_order,
        transfers.status_date_iso,
        transfers.status_date_earliest,
        transfers.status_date_latest,
        transfers.status_date_precision,
        transfers.status_date_basis,
        transfers.date_basis_note,
        transfers.supply_start_year,
        transfers.supply_end_year,
        transfers.qualifier,
        transfers.evidence
    from transfers
    left join aliases
        on transfers.system_alias_key = aliases.alias_key
    left join systems
        on aliases.weapon_system_id = systems.weapon_system_id
    left join stages
        on transfers.status = stages.deal_stage
)

select * from final

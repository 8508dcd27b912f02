with lifecycles as (
    select
        treaty_id,
        treaty_name,
        treaty_type,
        org_code,
        signed_on,
        in_force_on,
        last_extended_on,
        valid_until_year,
        valid_until,
        suspended_on,
        denounced_on,
        lifecycle_stage,
        step_count,
        doc_count
    from {{ ref('int_treaty_lifecycles') }}
),

treaties as (
    select
        treaty_id,
        doc_id
    from {{ ref('stg_facts__treaties') }}
),

party_counts as (
    select
        treaty_id,
        count(distinct party_code) as party_count
    from {{ ref('stg_facts__treaty_parties') }}
    group by treaty_id
)

select
    lifecycles.treaty_id,
    lifecycles.treaty_name,
    lifecycles.treaty_type,
    lifecycles.org_code,
    treaties.doc_id as named_in_doc_id,
    lifecycles.signed_on,
    lifecycles.in_force_on,
    lifecycles.last_extended_on,
    lifecycles.valid_until_year,
    lifecycles.valid_until,
    lifecycles.suspended_on,
    lifecycles.denounced_on,
    lifecycles.lifecycle_stage,
    lifecycles.step_count,
    lifecycles.doc_count,
    coalesce(party_counts.party_count, 0) as party_count
from lifecycles
inner join treaties
    on lifecycles.treaty_id = treaties.treaty_id
left join party_counts
    on lifecycles.treaty_id = party_counts.treaty_id

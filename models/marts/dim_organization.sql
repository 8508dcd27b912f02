with organizations as (
    select
        org_code,
        org_name,
        acronym,
        org_type,
        parent_org_code,
        predecessor_org_code,
        founded_on,
        founded_on_precision,
        reference_note,
        succession_kind
    from {{ ref('stg_reference__organizations') }}
),

successors as (
    select
        predecessor_org_code as org_code,
        min(org_code) as successor_org_code
    from organizations
    where predecessor_org_code is not null
    group by predecessor_org_code
)

select
    organizations.org_code,
    organizations.org_name,
    organizations.acronym,
    organizations.org_type,
    organizations.parent_org_code,
    organizations.predecessor_org_code,
    successors.successor_org_code,
    organizations.succession_kind,
    organizations.founded_on,
    organizations.founded_on_precision,
    organizations.reference_note
from organizations
left join successors
    on organizations.org_code = successors.org_code

-- The spells on everything the warehouse knows: the latest knowledge cut-off of int_membership_spells.
with spells as (
    select
        spell_id,
        country_iso3,
        org_code,
        status,
        start_basis,
        valid_from,
        valid_from_latest,
        valid_from_precision,
        first_attested_on,
        first_attested_latest,
        first_attested_precision,
        valid_to,
        valid_to_precision,
        legal_basis,
        started_by_fact_id,
        supporting_fact_count
    from {{ ref('int_membership_spells') }}
    where knowledge_to is null
)

select
    spell_id,
    country_iso3,
    org_code,
    status,
    start_basis,
    valid_from,
    valid_from_latest,
    valid_from_precision,
    first_attested_on,
    first_attested_latest,
    first_attested_precision,
    valid_to,
    valid_to_precision,
    legal_basis,
    started_by_fact_id,
    supporting_fact_count,
    valid_to is null as is_open
from spells

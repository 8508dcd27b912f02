-- The spells on everything the warehouse knows: the latest knowledge cut-off of fct_membership_spell_by_knowledge
-- (the one whose knowledge_to is open).
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
    start_fact_id,
    merged_fact_ids,
    supporting_fact_count,
    is_open
from {{ ref('fct_membership_spell_by_knowledge') }}
where knowledge_to is null

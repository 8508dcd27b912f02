select
    spell_id,
    country_iso3,
    org_code,
    status,
    valid_from,
    valid_from_latest,
    valid_from_precision,
    valid_to,
    valid_to_precision,
    legal_basis,
    started_by_fact_id,
    supporting_fact_count,
    starts_with_assertion_only,
    valid_to is null as is_open
from {{ ref('int_membership_spells') }}

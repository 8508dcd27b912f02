-- depends_on: {{ ref('claims') }}
select
    claim_id,
    doc_id,
    upper(trim(subject_code)) as subject_code,
    lower(trim(subject_kind)) as subject_kind,
    lower(trim(topic)) as topic,
    lower(trim(claim_attribute)) as claim_attribute,
    lower(trim(claimed_value)) as claimed_value,
    claimed_amount,
    nullif(lower(trim(qualifier)), '') as qualifier,
    nullif(trim(about_fact_id), '') as about_fact_id,
    nullif(trim(base_fact_id), '') as base_fact_id,
    evidence,
    note
from {{ source('facts', 'claims') }}

select
    fact_id,
    doc_id,
    subject_code,
    subject_kind,
    case when subject_kind = 'country' then subject_code end as subject_iso3,
    case when subject_kind = 'organization' then subject_code end as subject_org_code,
    indicator,
    value,
    value_upper,
    unit,
    ref_year,
    ref_date_iso,
    ref_date_earliest,
    ref_date_precision,
    qualifier,
    evidence
from {{ ref('stg_facts__indicators') }}

-- depends_on: {{ ref('indicators') }}
select
    fact_id,
    doc_id,
    upper(trim(subject_code)) as subject_code,
    lower(trim(subject_kind)) as subject_kind,
    lower(trim(indicator)) as indicator,
    value,
    value_upper,
    lower(trim(unit)) as unit,
    ref_year,
    ref_date as ref_date_iso,
    {{ period_start('ref_date', 'ref_date_precision') }} as ref_date_earliest,
    ref_date_precision,
    lower(trim(qualifier)) as qualifier,
    evidence,
    note
from {{ source('facts', 'indicators') }}

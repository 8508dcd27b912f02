-- depends_on: {{ ref('treaties') }}
select
    lower(trim(treaty_id)) as treaty_id,
    doc_id,
    trim(treaty_name) as treaty_name,
    lower(trim(treaty_type)) as treaty_type,
    upper(trim(org_code)) as org_code,
    evidence,
    note
from {{ source('facts', 'treaties') }}

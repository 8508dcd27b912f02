-- depends_on: {{ ref('treaty_parties') }}
select
    fact_id,
    doc_id,
    lower(trim(treaty_id)) as treaty_id,
    upper(trim(party_code)) as party_code,
    lower(trim(party_kind)) as party_kind,
    evidence,
    note
from {{ source('facts', 'treaty_parties') }}

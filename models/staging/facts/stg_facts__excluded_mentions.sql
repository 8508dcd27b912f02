-- depends_on: {{ ref('excluded_mentions') }}
select
    exclusion_id,
    doc_id,
    mention,
    context,
    reason
from {{ source('facts', 'excluded_mentions') }}

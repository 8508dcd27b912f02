-- depends_on: {{ ref('date_precisions') }}
select
    date_precision,
    description
from {{ source('vocabulary', 'date_precisions') }}

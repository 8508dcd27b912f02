-- depends_on: {{ ref('value_check_exceptions') }}
select
    trim(fact_id) as fact_id,
    trim(column_name) as column_name,
    reason
from {{ source('reference', 'value_check_exceptions') }}

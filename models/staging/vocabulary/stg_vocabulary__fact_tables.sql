-- depends_on: {{ ref('fact_tables') }}
select
    lower(trim(fact_table)) as fact_table,
    nullif(upper(trim(fact_id_prefix)), '') as fact_id_prefix,
    lower(trim(id_column)) as id_column,
    nullif(lower(trim(fact_mart)), '') as fact_mart,
    description
from {{ source('vocabulary', 'fact_tables') }}

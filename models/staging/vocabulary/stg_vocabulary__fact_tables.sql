-- depends_on: {{ ref('fact_tables') }}
with source_rows as (
    select * from {{ source('vocabulary', 'fact_tables') }}
),

final as (
    select
        lower(trim(fact_table)) as fact_table,
        nullif(upper(trim(fact_id_prefix)), '') as fact_id_prefix,
        lower(trim(id_column)) as id_column,
        nullif(lower(trim(fact_mart)), '') as fact_mart,
        description
    from source_rows
)

select * from final

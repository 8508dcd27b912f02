-- depends_on: {{ ref('value_check_exceptions') }}
with source_rows as (
    select * from {{ source('reference', 'value_check_exceptions') }}
),

final as (
    select
        trim(fact_id) as fact_id,
        trim(column_name) as column_name,
        reason
    from source_rows
)

select * from final

-- Every fact id starts with the prefix the fact_tables vocabulary gives its table (TRD-001-01 in trade_figures),
-- and every table that has a prefix in the vocabulary has facts (an unread fact seed is caught here).
with facts as (
    select
        fact_table,
        fact_id,
        fact_id_prefix
    from {{ ref('int_facts_unioned') }}
),

fact_tables as (
    select
        fact_table,
        fact_id_prefix
    from {{ ref('stg_vocabulary__fact_tables') }}
),

wrong_prefix as (
    select
        fact_table,
        fact_id,
        'fact id does not start with ' || fact_id_prefix || '-' as problem
    from facts
    where
        fact_id_prefix is not null
        and substr(fact_id, 1, length(fact_id_prefix) + 1) <> fact_id_prefix || '-'
),

unread_tables as (
    select
        fact_table,
        cast(null as {{ dbt.type_string() }}) as fact_id,
        'fact table of the vocabulary has no rows in int_facts_unioned' as problem
    from fact_tables
    where not exists (
        select 1 from facts
        where facts.fact_table = fact_tables.fact_table
    )
),

final as (
    select
        fact_table,
        fact_id,
        problem
    from wrong_prefix
    union all
    select
        fact_table,
        fact_id,
        problem
    from unread_tables
)

select
    fact_table,
    fact_id,
    problem
from final

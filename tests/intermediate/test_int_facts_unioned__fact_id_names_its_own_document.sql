-- Every fact id of a table with an id prefix reads <prefix>-<document number>-<sequence> (TRD-001-01), and its
-- document number is the fact's own doc_id (doc_001): a fact copied into another document's rows is caught here.
with facts as (
    select
        facts.fact_table,
        facts.fact_id,
        facts.doc_id,
        fact_tables.fact_id_prefix
    from {{ ref('int_facts_unioned') }} as facts
    inner join {{ ref('stg_vocabulary__fact_tables') }} as fact_tables
        on facts.fact_table = fact_tables.fact_table
    where fact_tables.fact_id_prefix is not null
),

final as (
    select
        fact_table,
        fact_id,
        doc_id
    from facts
    where
        not {{ regex_full_match('fact_id', '[A-Z]{3}-[0-9]{3}-[0-9]{2,}') }}
        -- doc_id reads doc_<three digits> (a matches_pattern test on the documents seed)
        or substr(fact_id, length(fact_id_prefix) + 2, 3) <> substr(doc_id, 5, 3)
)

select
    fact_table,
    fact_id,
    doc_id
from final

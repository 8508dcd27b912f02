with facts as (
    select
        fact_key,
        fact_table,
        fact_mart,
        fact_id,
        doc_id,
        subject_code,
        fact_date_iso,
        fact_date_earliest,
        fact_date_latest,
        fact_date_precision,
        fact_date_basis,
        qualifier,
        evidence
    from {{ ref('int_facts_unioned') }}
),

documents as (
    select
        doc_id,
        published_on
    from {{ ref('stg_reference__documents') }}
)

select
    facts.fact_key,
    facts.fact_table,
    facts.fact_mart,
    facts.fact_id,
    facts.doc_id,
    documents.published_on as doc_published_on,
    facts.subject_code,
    facts.fact_date_iso,
    facts.fact_date_earliest,
    facts.fact_date_latest,
    facts.fact_date_precision,
    facts.fact_date_basis,
    facts.qualifier,
    facts.evidence,
    cast(length(facts.evidence) as bigint) as evidence_length
from facts
inner join documents
    on facts.doc_id = documents.doc_id

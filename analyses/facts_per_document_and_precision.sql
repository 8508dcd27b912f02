-- How much does each text contribute, and how precise are its dates?
select
    doc_id,
    fact_table,
    coalesce(fact_date_precision, 'undated') as date_precision,
    count(*) as facts
from {{ ref('fct_fact_provenance') }}
group by doc_id, fact_table, coalesce(fact_date_precision, 'undated')
order by doc_id asc, fact_table asc, date_precision asc

-- Every text counted brings at least one fact row, and the year is not after the last year a text was published.
select
    security_ties.tie_year_id,
    security_ties.evidence_count,
    security_ties.document_count,
    security_ties.year_number
from {{ ref('mart_security_ties') }} as security_ties
where
    security_ties.document_count > security_ties.evidence_count
    or security_ties.year_number > (
        select max(cast(extract(year from documents.published_on_latest) as integer))
        from {{ ref('dim_document') }} as documents
    )

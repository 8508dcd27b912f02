-- Every text counted brings at least one fact row, and the year is not after the last year a text was published.
select
    ties.tie_year_id,
    ties.evidence_count,
    ties.document_count,
    ties.year_number
from {{ ref('mart_security_ties') }} as ties
where
    ties.document_count > ties.evidence_count
    or ties.year_number > (
        select max(cast(extract(year from documents.published_on_latest) as integer))
        from {{ ref('dim_document') }} as documents
    )

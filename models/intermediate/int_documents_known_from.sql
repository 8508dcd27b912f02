-- When each document's facts become known: the last day its publication date can mean (a text dated 2024 is
-- known by 2024-12-31, one dated 2024-03 by 2024-03-31), or the first day of the latest dated fact the text
-- itself reports, if that is later (a text cannot be read before the events it reports; a fact dated only
-- "2024" in a text of March 2024 happened before March, so its first day is the bound). Expiry years and
-- other future dates live in their own columns (valid_until_year), not in fact dates.
with documents as (
    select
        doc_id,
        published_on,
        published_on_latest
    from {{ ref('stg_reference__documents') }}
),

reported_dates as (
    select
        doc_id,
        max(fact_date_earliest) as latest_reported_on
    from {{ ref('int_facts_unioned') }}
    where fact_date_earliest is not null
    group by doc_id
),

final as (
    select
        documents.doc_id,
        documents.published_on,
        documents.published_on_latest,
        reported_dates.latest_reported_on,
        case
            when reported_dates.latest_reported_on > documents.published_on_latest
                then reported_dates.latest_reported_on
            else documents.published_on_latest
        end as known_from,
        case
            when reported_dates.latest_reported_on > documents.published_on_latest
                then 'latest_reported_fact'
            else 'publication_period_end'
        end as known_from_basis
    from documents
    left join reported_dates
        on documents.doc_id = reported_dates.doc_id
)

select * from final

with documents as (
    select
        doc_id,
        file_name,
        title,
        publisher,
        authors,
        published_on,
        published_on_latest,
        published_on_precision,
        published_on_basis,
        url,
        sha256
    from {{ ref('stg_reference__documents') }}
),

known as (
    select
        doc_id,
        known_from,
        known_from_basis
    from {{ ref('int_documents_known_from') }}
)

select
    documents.doc_id,
    documents.file_name,
    documents.title,
    documents.publisher,
    documents.authors,
    documents.published_on,
    documents.published_on_latest,
    documents.published_on_precision,
    documents.published_on_basis,
    known.known_from,
    known.known_from_basis,
    documents.url,
    documents.sha256
from documents
inner join known
    on documents.doc_id = known.doc_id

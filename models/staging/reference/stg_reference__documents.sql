-- depends_on: {{ ref('documents') }}
select
    doc_id,
    file_name,
    title,
    publisher,
    authors,
    {{ period_start('publication_date', 'publication_date_precision') }} as published_on,
    {{ period_end('publication_date', 'publication_date_precision') }} as published_on_latest,
    publication_date_precision as published_on_precision,
    publication_date_basis as published_on_basis,
    url,
    lower(sha256) as sha256
from {{ source('reference', 'documents') }}

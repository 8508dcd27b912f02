select
    doc_id,
    file_name,
    title,
    publisher,
    authors,
    published_on,
    published_on_precision,
    published_on_basis,
    url,
    sha256
from {{ ref('stg_reference__documents') }}

-- depends_on: {{ ref('entity_aliases') }}
select
    trim(alias) as alias_text,
    lower(trim(entity_kind)) as entity_kind,
    upper(trim(code)) as entity_code,
    lower(trim(alias_kind)) as alias_kind,
    case_sensitive as is_case_sensitive,
    note
from {{ source('reference', 'entity_aliases') }}

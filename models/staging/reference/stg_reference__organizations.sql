-- depends_on: {{ ref('organizations') }}
select
    upper(trim(org_code)) as org_code,
    trim(name) as org_name,
    acronym,
    org_type,
    upper(trim(parent_org_code)) as parent_org_code,
    upper(trim(predecessor_org_code)) as predecessor_org_code,
    {{ period_start('founded_date', 'founded_date_precision') }} as founded_on,
    {{ period_end('founded_date', 'founded_date_precision') }} as founded_on_latest,
    founded_date_precision as founded_on_precision,
    reference_note,
    lower(trim(succession_kind)) as succession_kind
from {{ source('reference', 'organizations') }}

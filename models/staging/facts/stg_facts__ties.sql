-- depends_on: {{ ref('ties') }}
select
    fact_id,
    doc_id,
    upper(trim(from_code)) as from_code,
    lower(trim(from_kind)) as from_kind,
    upper(trim(to_code)) as to_code,
    lower(trim(to_kind)) as to_kind,
    lower(trim(tie_kind)) as tie_kind,
    cast(is_in_force as boolean) as is_in_force,
    {{ stated_date_columns('as_of_date') }},
    cast(start_year as integer) as start_year,
    cast(end_year as integer) as end_year,
    lower(trim(treaty_id)) as treaty_id,
    evidence,
    note
from {{ source('facts', 'ties') }}

-- depends_on: {{ ref('qualifiers') }}
select
    lower(trim(qualifier)) as qualifier,
    meaning,
    wording,
    lower(trim(lower_bound_from)) as lower_bound_from,
    lower(trim(upper_bound_from)) as upper_bound_from,
    lower_bound_inclusive,
    upper_bound_inclusive,
    is_exact,
    coalesce(display_symbol, '') as display_symbol,
    sort_order
from {{ source('vocabulary', 'qualifiers') }}

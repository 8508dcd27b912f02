-- The qualifier vocabulary as a dimension: what each code means and how it bounds a stated figure.
select
    qualifier,
    meaning,
    wording,
    lower_bound_from,
    upper_bound_from,
    lower_bound_inclusive,
    upper_bound_inclusive,
    is_exact,
    display_symbol,
    sort_order
from {{ ref('stg_vocabulary__qualifiers') }}

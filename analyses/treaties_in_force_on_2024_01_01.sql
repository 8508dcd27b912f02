-- Which treaties were in force on 1 January 2024? (entered into force or signed before, not expired,
-- suspended or denounced before)
{% set day = "cast('2024-01-01' as date)" %}

select
    treaty_id,
    treaty_name,
    treaty_type,
    coalesce(in_force_on, signed_on) as effective_from,
    valid_until,
    lifecycle_stage
from {{ ref('dim_treaty') }}
where
    coalesce(in_force_on, signed_on) <= {{ day }}
    and (valid_until is null or valid_until >= {{ day }})
    and (suspended_on is null or suspended_on > {{ day }})
    and (denounced_on is null or denounced_on > {{ day }})
order by effective_from asc, treaty_id asc

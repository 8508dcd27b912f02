-- A treaty cannot be extended, suspended or denounced before the texts say it was signed.
select
    treaty_id,
    signed_on,
    last_extended_on,
    suspended_on,
    denounced_on
from {{ ref('dim_treaty') }}
where
    signed_on is not null
    and (
        last_extended_on < signed_on
        or suspended_on < signed_on
        or denounced_on < signed_on
    )

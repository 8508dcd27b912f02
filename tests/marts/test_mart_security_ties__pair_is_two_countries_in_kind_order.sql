-- A country is never tied to itself, and a mutual tie (is_directed false) lists its pair in alphabetical order,
-- so the same alliance told as ARM-RUS and RUS-ARM is one row.
select
    tie_year_id,
    from_iso3,
    to_iso3,
    is_directed
from {{ ref('mart_security_ties') }}
where
    from_iso3 = to_iso3
    or (not is_directed and from_iso3 > to_iso3)

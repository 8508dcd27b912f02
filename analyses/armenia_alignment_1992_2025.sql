-- Armenia's alignment 1992-2025: its status in every organisation and partnership framework, per year, and how
-- the start of that status is known (first_attested: only "is a member" is stated; years before the first
-- attestation are not_stated_yet, not "not a member").
select
    year_number,
    org_code,
    org_type,
    status_at_year_end,
    start_basis_at_year_end,
    statuses_during_year
from {{ ref('mart_alignment_timeline') }}
where country_iso3 = 'ARM'
order by org_code asc, year_number asc

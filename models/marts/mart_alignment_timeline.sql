-- For each country, organisation and year to 2025: the status on 31 December, how the spell behind it started,
-- and every status held during the year. A pair's years run from its first stated start; when its earliest
-- spell is only attested ("is a member", no dated start), they run from the organisation's founding year (or
-- 1991) and the years before the first attestation say not_stated_yet - never member-from-start. A pair whose
-- spells all end (an organisation succeeded) stops in the year its last spell ends.
{% set last_year = 2025 %}

with spells as (
    select
        country_iso3,
        org_code,
        status,
        start_basis,
        valid_from,
        first_attested_on,
        valid_to,
        coalesce(valid_from, first_attested_on) as in_force_from
    from {{ ref('fct_membership_spell') }}
),

years as (
    select distinct year_number
    from {{ ref('dim_date') }}
    where year_number <= {{ last_year }}
),

organizations as (
    select
        org_code,
        org_name,
        org_type,
        founded_on
    from {{ ref('dim_organization') }}
),

first_spells as (
    select
        country_iso3,
        org_code,
        start_basis,
        in_force_from,
        row_number() over (partition by country_iso3, org_code order by in_force_from) as spell_number
    from spells
),

pair_bounds as (
    select
        country_iso3,
        org_code,
        max(case when valid_to is null then {{ last_year }} else cast(extract(year from valid_to) as integer) end)
            as last_year
    from spells
    group by country_iso3, org_code
),

pairs as (
    select
        first_spells.country_iso3,
        first_spells.org_code,
        first_spells.in_force_from as first_known_on,
        case
            when first_spells.start_basis = 'first_attested'
                then
                    case
                        when extract(year from organizations.founded_on) > 1991
                            then cast(extract(year from organizations.founded_on) as integer)
                        else 1991
                    end
            else cast(extract(year from first_spells.in_force_from) as integer)
        end as first_year,
        pair_bounds.last_year
    from first_spells
    inner join pair_bounds
        on
            first_spells.country_iso3 = pair_bounds.country_iso3
            and first_spells.org_code = pair_bounds.org_code
    left join organizations
        on first_spells.org_code = organizations.org_code
    where first_spells.spell_number = 1
),

pair_years as (
    select
        pairs.country_iso3,
        pairs.org_code,
        pairs.first_known_on,
        years.year_number,
        {{ period_start('cast(years.year_number as ' ~ dbt.type_string() ~ ')', "'year'") }} as year_start,
        {{ period_end('cast(years.year_number as ' ~ dbt.type_string() ~ ')', "'year'") }} as year_end
    from pairs
    inner join years
        on years.year_number between pairs.first_year and pairs.last_year
),

-- every spell in force on at least one day of a pair's year; the one still in force on 31 December (a pair's
-- spells do not overlap, so at most one) gives the year-end status
spells_in_year as (
    select
        pair_years.country_iso3,
        pair_years.org_code,
        pair_years.year_number,
        spells.status,
        spells.start_basis,
        {{ spell_in_force('spells', 'pair_years.year_end') }} as is_in_force_at_year_end
    from pair_years
    inner join spells
        on
            pair_years.country_iso3 = spells.country_iso3
            and pair_years.org_code = spells.org_code
            and {{ spell_overlaps_period('spells', 'pair_years.year_start', 'pair_years.year_end') }}
),

year_statuses as (
    select
        country_iso3,
        org_code,
        year_number,
        max(case when is_in_force_at_year_end then status end) as status_at_year_end,
        max(case when is_in_force_at_year_end then start_basis end) as start_basis_at_year_end,
        {{ dbt.listagg('distinct status', "', '", 'order by status') }} as statuses_during_year,
        count(distinct status) as status_count
    from spells_in_year
    group by country_iso3, org_code, year_number
),

countries as (
    select
        iso3,
        country_name
    from {{ ref('dim_country') }}
)

select
    pair_years.country_iso3 || ':' || pair_years.org_code || ':'
    || cast(pair_years.year_number as {{ dbt.type_string() }}) as timeline_id,
    pair_years.country_iso3,
    countries.country_name,
    pair_years.org_code,
    organizations.org_name,
    organizations.org_type,
    pair_years.year_number,
    case
        when year_statuses.status_at_year_end is not null then year_statuses.status_at_year_end
        when pair_years.year_end < pair_years.first_known_on then 'not_stated_yet'
        else 'no_record'
    end as status_at_year_end,
    year_statuses.start_basis_at_year_end,
    year_statuses.statuses_during_year,
    coalesce(year_statuses.status_count, 0) > 1 as status_changed_during_year
from pair_years
inner join countries
    on pair_years.country_iso3 = countries.iso3
inner join organizations
    on pair_years.org_code = organizations.org_code
left join year_statuses
    on
        pair_years.country_iso3 = year_statuses.country_iso3
        and pair_years.org_code = year_statuses.org_code
        and pair_years.year_number = year_statuses.year_number

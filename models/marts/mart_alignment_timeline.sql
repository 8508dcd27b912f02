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
                        when extract(year from organizations.founded_on) > {{ var('calendar_first_year') }}
                            then cast(extract(year from organizations.founded_on) as integer)
                        else {{ var('calendar_first_year') }}
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

status_at_year_end as (
    select
        pair_years.country_iso3,
        pair_years.org_code,
        pair_years.year_number,
        spells.status,
        spells.start_basis
    from pair_years
    inner join spells
        on
            pair_years.country_iso3 = spells.country_iso3
            and pair_years.org_code = spells.org_code
            and {{ spell_in_force('spells', 'pair_years.year_end') }}
),

statuses_during_year as (
    select
        pair_years.country_iso3,
        pair_years.org_code,
        pair_years.year_number,
        {{ dbt.listagg('distinct spells.status', "', '", 'order by spells.status') }} as statuses_during_year,
        count(distinct spells.status) as status_count
    from pair_years
    inner join spells
        on
            pair_years.country_iso3 = spells.country_iso3
            and pair_years.org_code = spells.org_code
            and {{ spell_overlaps_period('spells', 'pair_years.year_start', 'pair_years.year_end') }}
    group by pair_years.country_iso3, pair_years.org_code, pair_years.year_number
),

countries as (
    select
        iso3,
        country_name
    from {{ ref('dim_country') }}
),

final as (
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
            when status_at_year_end.status is not null then status_at_year_end.status
            when pair_years.year_end < pair_years.first_known_on then 'not_stated_yet'
            else 'no_record'
        end as status_at_year_end,
        status_at_year_end.start_basis as start_basis_at_year_end,
        statuses_during_year.statuses_during_year,
        coalesce(statuses_during_year.status_count, 0) > 1 as status_changed_during_year
    from pair_years
    inner join countries
        on pair_years.country_iso3 = countries.iso3
    inner join organizations
        on pair_years.org_code = organizations.org_code
    left join status_at_year_end
        on
            pair_years.country_iso3 = status_at_year_end.country_iso3
            and pair_years.org_code = status_at_year_end.org_code
            and pair_years.year_number = status_at_year_end.year_number
    left join statuses_during_year
        on
            pair_years.country_iso3 = statuses_during_year.country_iso3
            and pair_years.org_code = statuses_during_year.org_code
            and pair_years.year_number = statuses_during_year.year_number
)

select
    timeline_id,
    country_iso3,
    country_name,
    org_code,
    org_name,
    org_type,
    year_number,
    status_at_year_end,
    start_basis_at_year_end,
    statuses_during_year,
    status_changed_during_year
from final

-- For each country, organisation and year from 1991 to 2025: the status on 31 December (or the last
-- day of the data for 2025), and every status the country held during the year.
{% set last_year = 2025 %}

with spells as (
    select
        country_iso3,
        org_code,
        status,
        valid_from,
        valid_to
    from {{ ref('fct_membership_spell') }}
),

years as (
    select distinct year_number
    from {{ ref('dim_date') }}
    where year_number <= {{ last_year }}
),

pairs as (
    select
        country_iso3,
        org_code,
        min(extract(year from valid_from)) as first_year
    from spells
    group by country_iso3, org_code
),

pair_years as (
    select
        pairs.country_iso3,
        pairs.org_code,
        years.year_number,
        cast(cast(years.year_number as {{ dbt.type_string() }}) || '-01-01' as date) as year_start,
        cast(cast(years.year_number as {{ dbt.type_string() }}) || '-12-31' as date) as year_end
    from pairs
    inner join years
        on pairs.first_year <= years.year_number
),

status_at_year_end as (
    select
        pair_years.country_iso3,
        pair_years.org_code,
        pair_years.year_number,
        spells.status
    from pair_years
    inner join spells
        on
            pair_years.country_iso3 = spells.country_iso3
            and pair_years.org_code = spells.org_code
            and pair_years.year_end >= spells.valid_from
            and (spells.valid_to is null or pair_years.year_end <= spells.valid_to)
),

statuses_during_year as (
    select
        pair_years.country_iso3,
        pair_years.org_code,
        pair_years.year_number,
        {{ dbt.listagg('distinct spells.status', "', '") }} as statuses_during_year,
        count(distinct spells.status) as status_count
    from pair_years
    inner join spells
        on
            pair_years.country_iso3 = spells.country_iso3
            and pair_years.org_code = spells.org_code
            and pair_years.year_end >= spells.valid_from
            and (spells.valid_to is null or pair_years.year_start <= spells.valid_to)
    group by pair_years.country_iso3, pair_years.org_code, pair_years.year_number
),

countries as (
    select
        iso3,
        country_name
    from {{ ref('dim_country') }}
),

organizations as (
    select
        org_code,
        org_name,
        org_type
    from {{ ref('dim_organization') }}
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
        coalesce(status_at_year_end.status, 'no_record') as status_at_year_end,
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
    statuses_during_year,
    status_changed_during_year
from final

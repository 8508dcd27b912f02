-- depends_on: {{ ref('countries') }}
select
    upper(trim(iso3)) as iso3,
    upper(trim(iso2)) as iso2,
    iso_numeric,
    trim(short_name) as country_name,
    trim(official_name) as official_name,
    continent,
    un_region,
    is_historical
from {{ source('reference', 'countries') }}

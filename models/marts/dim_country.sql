select
    iso3,
    iso2,
    iso_numeric,
    country_name,
    official_name,
    continent,
    un_region,
    is_historical
from {{ ref('stg_reference__countries') }}

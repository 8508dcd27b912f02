-- A calendar from 1 January of var calendar_first_year (1991, the USSR's last year) to 31 December of
-- calendar_last_year, one row per day (dbt-core's date_spine).
with days as (
    select cast(date_day as date) as date_day
    from (
        {{ dbt.date_spine(
            'day',
            "cast('" ~ var('calendar_first_year') ~ "-01-01' as date)",
            "cast('" ~ (var('calendar_last_year') | int + 1) ~ "-01-01' as date)"
        ) }}
    ) as spine
),

final as (
    select
        date_day,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(year from date_day) as {{ dbt.type_string() }}) || '-'
        || lpad(cast(extract(month from date_day) as {{ dbt.type_string() }}), 2, '0') as month_iso
    from days
)

select
    date_day,
    year_number,
    month_number,
    day_of_month,
    quarter_number,
    month_iso
from final

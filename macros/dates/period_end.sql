{#- The last day of the period an ISO date string of the given precision denotes ('2024-02' -> 2024-02-29). -#}
{% macro period_end(date_column, precision_column) -%}
    cast(case {{ precision_column }}
        when 'year' then
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, period_start(date_column, precision_column))) }}
        when 'month' then
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, period_start(date_column, precision_column))) }}
        else {{ period_start(date_column, precision_column) }}
    end as date)
{%- endmacro %}

{#- The first day of the period an ISO date string of the given precision denotes ('2024' -> 2024-01-01). -#}
{% macro period_start(date_column, precision_column) -%}
    cast(
        case {{ precision_column }}
            when 'year' then {{ date_column }} || '-01-01'
            when 'month' then {{ date_column }} || '-01'
            else {{ date_column }}
        end as date
    )
{%- endmacro %}

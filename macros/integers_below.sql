{#- The integers 0 .. n-1 as one column `n`, from dbt-core's portable generate_series (1 .. n). -#}
{% macro integers_below(n) -%}
    select cast(series.generated_number as integer) - 1 as n
    from ({{ dbt.generate_series(n) }}) as series
{%- endmacro %}

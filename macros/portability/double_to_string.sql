{#- A double as text the way DuckDB writes it (8000000000.0, 2.2, 36.0). Spark's cast writes large and
    small doubles in scientific notation (8.0E9), so there the value goes through a decimal with nine
    places and loses its trailing zeros (up to 10^29, well beyond any amount in the fact base). -#}
{% macro double_to_string(expression) -%}
    {{ return(adapter.dispatch('double_to_string', 'security_ties')(expression)) }}
{%- endmacro %}

{% macro default__double_to_string(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__double_to_string(expression) -%}
    regexp_replace(regexp_replace(cast(cast({{ expression }} as decimal(38, 9)) as string), '0+$', ''), '[.]$', '.0')
{%- endmacro %}

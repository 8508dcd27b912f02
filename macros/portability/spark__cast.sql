{#- dbt's cast on Spark, with the declared type spelt for Spark (portable_type). dbt builds the
    contract's "empty schema" query and unit-test fixtures through this macro, so the marts' contract
    types (`varchar`) check on Spark unchanged. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ portable_type(type) }})
{%- endmacro %}

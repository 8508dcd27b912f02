{#- Every source renders as schema.identifier, without the database (why: see ref.sql). -#}
{% macro source(source_name, table_name) %}
    {%- do return(without_catalog(builtins.source(source_name, table_name))) -%}
{% endmacro %}

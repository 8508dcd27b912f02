{#- Seed tables on Spark: dbt-spark's own DDL, with the seed YAML's column_types (DuckDB's words, also
    read by the seed pre-flight) respelt for Spark by portable_type. -#}
{% macro spark__create_csv_table(model, agate_table) -%}
    {% set declared_types = model['config'].get('column_types') or {} %}
    {% set spark_types = {} %}
    {% for column_name, type_name in declared_types.items() %}
        {% do spark_types.update({column_name: portable_type(type_name)}) %}
    {% endfor %}
    {#- dbt-spark reads the types from the node's config; this node's run only -#}
    {% do model['config'].update({'column_types': spark_types}) %}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{%- endmacro %}

{#- A column type as this engine spells it. The project declares types in DuckDB's words (seed
    column_types, mart contracts); Spark has no length-free `varchar` (DATATYPE_MISSING_SIZE), so there
    it becomes `string`. Every other declared type (integer, bigint, double, boolean, date) is the same
    word on both engines. -#}
{% macro portable_type(type_name) -%}
    {{ return(adapter.dispatch('portable_type', 'security_ties')(type_name)) }}
{%- endmacro %}

{% macro default__portable_type(type_name) -%}
    {{ return(type_name) }}
{%- endmacro %}

{% macro spark__portable_type(type_name) -%}
    {{ return('string' if type_name | trim | lower in ('varchar', 'text') else type_name) }}
{%- endmacro %}

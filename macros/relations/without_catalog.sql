{#- A relation rendered without its database part, so SQL stored in the warehouse (views, the table
    macro) resolves inside whatever catalog name the file is attached under. Anything that is not a
    relation (unit-test fixtures render refs as CTE names) passes through unchanged. -#}
{% macro without_catalog(relation) %}
    {%- if relation is not none and relation.include is defined -%}
        {%- do return(relation.include(database=false)) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{% endmacro %}

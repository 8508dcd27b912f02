{#- membership_as_of on Spark: persistent SQL table functions (Spark 4) over the same selects as DuckDB's table
    macro. Spark functions do not overload by argument count, so the two-argument form has its own name:
      select * from marts.membership_as_of(date '2024-06-01')
      select * from marts.membership_as_of_known_on(date '2024-06-01', date '2024-01-31')
    Spark needs the returned columns typed; they are read from each select itself. -#}
{% macro spark__create_membership_as_of() %}
    {% set relations = membership_as_of_relations() %}
    {% if relations is not none %}
        {% do spark_create_table_function(
            'marts.membership_as_of', [('as_of_date', 'date')],
            membership_as_of_select(relations.spells, 'as_of_date'),
            membership_as_of_select(relations.spells, 'cast(null as date)')) %}
        {% do spark_create_table_function(
            'marts.membership_as_of_known_on', [('valid_on', 'date'), ('known_on', 'date')],
            membership_as_of_known_on_select(relations.known_spells, 'valid_on', 'known_on'),
            membership_as_of_known_on_select(relations.known_spells, 'cast(null as date)', 'cast(null as date)')) %}
    {% endif %}
{% endmacro %}

{#- create or replace function <name>(<parameters>) returns table (<columns of schema_query>) return <body> -#}
{% macro spark_create_table_function(name, parameters, body, schema_query) %}
    {% set returned_columns = get_column_schema_from_query(schema_query) %}
    {% set function_sql %}
        create or replace function {{ name }}(
            {%- for parameter_name, parameter_type in parameters %}{{ parameter_name }} {{ parameter_type }}{{ ', ' if not loop.last }}{% endfor -%}
        )
        returns table (
            {%- for column in returned_columns %}
            {{ column.name }} {{ column.dtype }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
        return {{ body }}
    {% endset %}
    {% do run_query(function_sql) %}
{% endmacro %}

{#- membership_as_of on Spark: a persistent SQL table function (Spark 4) over the same select as DuckDB's
    table macro, so `select * from marts.membership_as_of(date '2024-06-01')` reads the same on both engines.
    Spark needs the returned columns typed; they are read from the select itself. -#}
{% macro spark__create_membership_as_of() %}
    {% set spells = membership_as_of_spells() %}
    {% if spells is not none and flags.WHICH in ('build', 'run') %}
        {% set returned_columns = get_column_schema_from_query(membership_as_of_select(spells, 'cast(null as date)')) %}
        {% set function_sql %}
            create or replace function marts.membership_as_of(as_of_date date)
            returns table (
                {%- for column in returned_columns %}
                {{ column.name }} {{ column.dtype }}{{ ',' if not loop.last }}
                {%- endfor %}
            )
            return {{ membership_as_of_select(spells, 'as_of_date') }}
        {% endset %}
        {% do run_query(function_sql) %}
    {% endif %}
{% endmacro %}

{#- The column list and constraints of a contracted table's DDL. With the project var enforce_key_constraints
    (default true) false, the PRIMARY KEY constraints are left out and everything else stays: the contract's
    columns, types and NOT NULL. DuckDB builds an ART index for a primary key, which doubles the build of the
    largest marts at 10^7 rows while the unique + not_null tests check the same rule; the scale benchmark
    builds with the var false. Dispatched from dbt's get_table_columns_and_constraints (DuckDB only). -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- if var('enforce_key_constraints', true) | string | lower in ('true', '1', 'yes') -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
    {%- set columns_without_keys = {} -%}
    {%- for column_name, column in model['columns'].items() -%}
        {%- set kept = column.copy() -%}
        {%- do kept.update({'constraints': column['constraints'] | rejectattr('type', 'equalto', 'primary_key') | list}) -%}
        {%- do columns_without_keys.update({column_name: kept}) -%}
    {%- endfor -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=columns_without_keys) -%}
    {%- set model_constraints = model['constraints'] | rejectattr('type', 'equalto', 'primary_key') | list -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model_constraints) -%}
    (
    {% for c in raw_column_constraints -%}
        {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}

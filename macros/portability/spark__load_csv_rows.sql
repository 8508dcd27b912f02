{#- Seed rows on Spark as SQL literals. dbt-spark 1.11's session cursor fills bindings with
    `'%s' % value` unescaped: an apostrophe ("People's Republic") breaks the insert and an empty cell
    arrives as the string 'None'. Here every value is escaped for Spark and an empty cell is null.
    dbt reads seed columns that have column_types as text, so every value is a string or none. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {% set declared_types = model['config'].get('column_types') or {} %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(get_batch_size()) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for column_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type_name = portable_type(declared_types.get(column_name, inferred_type)) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type_name }})
                    {%- else -%}
                        cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type_name }})
                    {%- endif -%}
                    {{- ', ' if not loop.last -}}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.first %}{% do statements.append(sql) %}{% endif %}
    {% endfor %}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}

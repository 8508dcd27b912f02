{#- Run on-run-end: after a `dbt build`, `dbt run` or `dbt seed` that wrote the warehouse, write DuckDB's log
    (the .wal beside the file) into the file, so the file alone holds the build and a plain copy of it is a full
    copy (src/security_ties/dbt_worker.py copies the built file for each part of the tests). Nothing on other
    engines. -#}
{% macro checkpoint_warehouse() %}
    {{ return(adapter.dispatch('checkpoint_warehouse', 'security_ties')()) }}
{% endmacro %}

{% macro default__checkpoint_warehouse() %}
{% endmacro %}

{% macro duckdb__checkpoint_warehouse() %}
    {% if execute and flags.WHICH in ('build', 'run', 'seed') %}
        {% do run_query('checkpoint') %}
    {% endif %}
{% endmacro %}

{#- Every ref renders as schema.identifier, without the database: DuckDB names the catalog after the
    file, and a view that stored "security_ties"."marts"."x" breaks when the file is attached under another
    alias. Unqualified by catalog, a view binds in its own catalog whatever that is called. Spark has no
    database part, so this changes nothing there. The argument handling follows dbt's documented
    `builtins.ref` override (package name and version pass through). -#}
{% macro ref() %}
    {%- set version = kwargs.get('version') or kwargs.get('v') -%}
    {%- if (varargs | length) == 1 -%}
        {%- set relation = builtins.ref(varargs[0], version=version) -%}
    {%- else -%}
        {%- set relation = builtins.ref(varargs[0], varargs[1], version=version) -%}
    {%- endif -%}
    {%- do return(without_catalog(relation)) -%}
{% endmacro %}

{#- A post-hook for the intermediate views. On Spark a view is a stored query that every reader re-runs, and the
    membership views stack several window-function and self-join layers: each data test and each mart reading
    them re-planned and re-ran the whole chain (35-40 s a query on two cores). `cache table` computes the view once
    for the rest of the dbt session (one local session per run; the views' inputs do not change within a run).
    DuckDB plans them in milliseconds: nothing to do there. -#}
{% macro cache_view_for_run(relation) -%}
    {{ return(adapter.dispatch('cache_view_for_run', 'security_ties')(relation)) }}
{%- endmacro %}

{% macro default__cache_view_for_run(relation) -%}
{%- endmacro %}

{% macro spark__cache_view_for_run(relation) -%}
    cache table {{ relation }}
{%- endmacro %}

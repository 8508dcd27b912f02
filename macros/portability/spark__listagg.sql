{#- dbt.listagg on Spark that honours order_by_clause (dbt-spark 1.11 ignores it with a warning, so the list came
    out in whatever order the shuffle left it, unlike DuckDB's string_agg ... order by). Each value is collected
    with its order keys as a struct, the structs sorted (field by field, ascending), then joined. `distinct` in
    the measure (as DuckDB's string_agg(distinct x ... order by x)) drops repeated (keys, value) pairs. Nulls are
    left out, and a group with no value gives null (DuckDB's string_agg), not Spark's empty array_join ''. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set measure_text = measure | trim -%}
    {%- set is_distinct = measure_text[:9] | lower == 'distinct ' -%}
    {%- set value = measure_text[9:] if is_distinct else measure_text -%}
    {%- if order_by_clause -%}
        {%- set ordered -%}
            array_sort({{ 'array_distinct(' if is_distinct }}collect_list(struct(
                {%- for key in spark_order_by_keys(order_by_clause) %}{{ key }} as order_key_{{ loop.index }}, {% endfor -%}
                {{ value }} as listed_value)){{ ')' if is_distinct }})
        {%- endset -%}
        {%- set collected = 'transform(' ~ ordered ~ ', listed -> listed.listed_value)' -%}
    {%- else -%}
        {%- set collected = ('collect_set(' if is_distinct else 'collect_list(') ~ value ~ ')' -%}
    {%- endif -%}
    {%- set listed = 'filter(' ~ collected ~ ', listed_value -> listed_value is not null)' -%}
    {%- set listed = 'slice(' ~ listed ~ ', 1, ' ~ limit_num ~ ')' if limit_num else listed -%}
    case when size({{ listed }}) > 0 then array_join({{ listed }}, {{ delimiter_text }}) end
{%- endmacro %}

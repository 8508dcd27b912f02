{#- dbt.dateadd on Spark as one timestampadd call. dbt-spark's own version repeats its argument six
    times, so the nested period_end (dateadd of dateadd of period_start) grows a staging view past the
    Hive metastore's 32,700-character limit for view text. Like DuckDB's date + interval, the result is
    a timestamp (callers cast to date). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

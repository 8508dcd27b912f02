{#- One fact as a comparable statement for mart_source_conflicts: what it is about (compared_thing), which
    attribute, and its amount, its date period or its text; the columns it does not state are typed nulls, so
    every kind of fact unions into one statements relation that one self-join compares. -#}
{% macro comparable_statement(fact_table, compared_thing, differing_attribute, relation, amount=none, date_prefix=none, text_value=none, fact_id='fact_id') -%}
    {%- set string_type = dbt.type_string() -%}
    select
        '{{ fact_table }}' as fact_table,
        {{ compared_thing }} as compared_thing,
        {{ differing_attribute }} as differing_attribute,
        {{ fact_id }} as fact_id,
        doc_id,
        {{ amount if amount else 'cast(null as double)' }} as amount,
        {{ date_prefix ~ '_earliest' if date_prefix else 'cast(null as date)' }} as date_earliest,
        {{ date_prefix ~ '_latest' if date_prefix else 'cast(null as date)' }} as date_latest,
        {{ date_prefix ~ '_iso' if date_prefix else 'cast(null as ' ~ string_type ~ ')' }} as date_iso,
        {{ text_value if text_value else 'cast(null as ' ~ string_type ~ ')' }} as text_value,
        evidence
    from {{ relation }}
{%- endmacro %}

{#- One fact table's rows in the shape of int_facts_unioned: fact_table, fact_id, doc_id, subject_code, the fact's
    date (fact_date_iso, _precision, _basis), qualifier and evidence. A table dated by its own date columns names
    their prefix (<prefix>_iso, _precision, _basis); one dated by a stated year names that column (precision
    'year', basis 'stated'); an undated one names neither and its date is typed nulls. -#}
{% macro provenance_select(fact_table, relation, subject_code, fact_id='fact_id', date_prefix=none, year_column=none, qualifier='qualifier') -%}
    {%- set string_type = dbt.type_string() -%}
    {%- set null_string = 'cast(null as ' ~ string_type ~ ')' -%}
    select
        '{{ fact_table }}' as fact_table,
        {{ fact_id }} as fact_id,
        doc_id,
        {{ subject_code }} as subject_code,
    {%- if date_prefix %}
        {{ date_prefix }}_iso as fact_date_iso,
        {{ date_prefix }}_precision as fact_date_precision,
        {{ date_prefix }}_basis as fact_date_basis,
    {%- elif year_column %}
        cast({{ year_column }} as {{ string_type }}) as fact_date_iso,
        case when {{ year_column }} is not null then 'year' end as fact_date_precision,
        case when {{ year_column }} is not null then 'stated' end as fact_date_basis,
    {%- else %}
        {{ null_string }} as fact_date_iso,
        {{ null_string }} as fact_date_precision,
        {{ null_string }} as fact_date_basis,
    {%- endif %}
        {{ qualifier if qualifier else null_string }} as qualifier,
        evidence
    from {{ relation }}
{%- endmacro %}

{#- The six columns of a stated date (as stated_date_columns gives them in staging) carried on unchanged, read from
    `relation` (a CTE name or alias; none for the only relation of the select), in the order every fact mart
    publishes them. -#}
{% macro stated_date_projection(date_prefix, relation=none) -%}
    {%- set qualifier = relation ~ '.' if relation is not none else '' -%}
    {{ qualifier }}{{ date_prefix }}_iso,
    {{ qualifier }}{{ date_prefix }}_earliest,
    {{ qualifier }}{{ date_prefix }}_latest,
    {{ qualifier }}{{ date_prefix }}_precision,
    {{ qualifier }}{{ date_prefix }}_basis,
    {{ qualifier }}date_basis_note
{%- endmacro %}

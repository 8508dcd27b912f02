{#- Fails for every row in which the derived number column_name is set and marked exact (is_exact_column
    true) although one of its inputs is not exact: an input qualifier that the qualifier vocabulary does
    not call exact, or an input exactness flag that is not true. Proves that no number computed from a
    bounded or approximate figure ("almost $8 billion") is presented as exact. -#}
{% test not_exact_from_bounded_input(model, column_name, is_exact_column, input_qualifier_columns=[], input_is_exact_columns=[]) %}
with exact_qualifiers as (
    select qualifier
    from {{ ref('stg_vocabulary__qualifiers') }}
    where is_exact
)

select
    {{ column_name }} as derived_value,
    {{ is_exact_column }} as marked_exact
from {{ model }}
where
    {{ column_name }} is not null
    and {{ is_exact_column }}
    and (
        false
        {%- for qualifier_column in input_qualifier_columns %}
        or {{ qualifier_column }} is null
        or {{ qualifier_column }} not in (select qualifier from exact_qualifiers)
        {%- endfor %}
        {%- for flag_column in input_is_exact_columns %}
        or not coalesce({{ flag_column }}, false)
        {%- endfor %}
    )
{% endtest %}

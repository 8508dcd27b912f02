{#- Bounds, not points: fails for every row in which the point column column_name is set although the row says
    its figure is only bounded - its exactness flag (is_exact_column) is not true, or its qualifier
    (qualifier_column) is one the qualifier vocabulary (stg_vocabulary__qualifiers.is_exact, the one home of the
    rule) does not call exact. A non-exact figure is read from its _lower/_upper columns only. -#}
{% test point_value_only_when_exact(model, column_name, is_exact_column=none, qualifier_column=none) %}
{%- if is_exact_column is none and qualifier_column is none -%}
    {{ exceptions.raise_compiler_error("point_value_only_when_exact on " ~ column_name ~ ": give is_exact_column or qualifier_column") }}
{%- endif %}
select
    {{ column_name }} as point_value
    {%- if is_exact_column is not none %}, {{ is_exact_column }} as marked_exact{% endif %}
    {%- if qualifier_column is not none %}, {{ qualifier_column }} as qualifier{% endif %}
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {%- if is_exact_column is not none %}
        or not coalesce({{ is_exact_column }}, false)
        {%- endif %}
        {%- if qualifier_column is not none %}
        or {{ qualifier_column }} is null
        or {{ qualifier_column }} not in (
            select qualifier from {{ ref('stg_vocabulary__qualifiers') }} where is_exact
        )
        {%- endif %}
    )
{% endtest %}

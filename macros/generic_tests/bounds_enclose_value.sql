{#- Fails for every row in which the number column_name lies outside its own bounds (lower_column,
    upper_column; null = open), or is marked exact (is_exact_column) without both bounds equal to it. -#}
{% test bounds_enclose_value(model, column_name, lower_column, upper_column, is_exact_column) %}
select
    {{ column_name }} as value,
    {{ lower_column }} as lower_bound,
    {{ upper_column }} as upper_bound,
    {{ is_exact_column }} as marked_exact
from {{ model }}
where
    {{ column_name }} is not null
    and (
        {{ lower_column }} > {{ column_name }}
        or {{ upper_column }} < {{ column_name }}
        or (
            {{ is_exact_column }}
            and (
                {{ lower_column }} is null or {{ upper_column }} is null
                or {{ lower_column }} <> {{ column_name }} or {{ upper_column }} <> {{ column_name }}
            )
        )
    )
{% endtest %}

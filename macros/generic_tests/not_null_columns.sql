{#- The required columns of a table that has no contract (a seed, a staging view, an intermediate model): fails
    once for every row and column that is null, naming the column. A mart's NOT NULL columns are its contract's. -#}
{% test not_null_columns(model, column_names) %}
{% for column in column_names %}
select '{{ column }}' as null_column, *
from {{ model }}
where {{ column }} is null
{{ 'union all' if not loop.last }}
{% endfor %}
{% endtest %}

{#- Fails for every row where the column is null but the condition is false, or set while the condition is true:
    "valid_from is null exactly when start_basis = 'first_attested'". A null condition counts as false. -#}
{% test null_exactly_when(model, column_name, condition) %}
select
    {{ column_name }}
from {{ model }}
where ({{ column_name }} is null) <> coalesce({{ condition }}, false)
{% endtest %}

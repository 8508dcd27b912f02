{#- Fails for every row in which column_name is set although condition is false, or is null although
    condition is true (e.g. an inclusive-bound flag exists exactly when there is a bound). -#}
{% test set_exactly_when(model, column_name, condition) %}
select {{ column_name }}
from {{ model }}
where ({{ column_name }} is not null) <> coalesce(({{ condition }}), false)
{% endtest %}

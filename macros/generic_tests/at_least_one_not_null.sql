{#- Fails for every row in which all of the given columns are null. -#}
{% test at_least_one_not_null(model, column_names) %}
select *
from {{ model }}
where coalesce({{ column_names | join(', ') }}) is null
{% endtest %}

{#- Fails where an ISO date string does not have the shape its precision says:
    day = YYYY-MM-DD, month = YYYY-MM, year = YYYY. Empty dates need an empty precision. -#}
{% test date_matches_precision(model, column_name, precision_column) %}
select {{ column_name }}, {{ precision_column }}
from {{ model }}
where not (
    ({{ column_name }} is null and {{ precision_column }} is null)
    or ({{ precision_column }} = 'day' and length({{ column_name }}) = 10)
    or ({{ precision_column }} = 'month' and length({{ column_name }}) = 7)
    or ({{ precision_column }} = 'year' and length({{ column_name }}) = 4)
)
{% endtest %}

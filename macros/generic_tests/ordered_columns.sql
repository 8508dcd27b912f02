{#- Fails where the lower column is after the upper one (valid_from <= valid_to, signed <= in force). -#}
{% test ordered_columns(model, lower_column, upper_column) %}
select {{ lower_column }}, {{ upper_column }}
from {{ model }}
where {{ lower_column }} is not null
  and {{ upper_column }} is not null
  and {{ lower_column }} > {{ upper_column }}
{% endtest %}

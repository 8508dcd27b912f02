{#- Fails where the lower column is after the upper one (valid_from <= valid_to, signed <= in force), or, with
    strictly, where it is not before it (previous year < year). Rows where either is null pass. -#}
{% test ordered_columns(model, lower_column, upper_column, strictly=false) %}
select {{ lower_column }}, {{ upper_column }}
from {{ model }}
where {{ lower_column }} is not null
  and {{ upper_column }} is not null
  and {{ lower_column }} {{ '>=' if strictly else '>' }} {{ upper_column }}
{% endtest %}

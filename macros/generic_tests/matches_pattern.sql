{#- Fails for every non-null value that does not match the regular expression as a whole (e.g. '[A-Z]{3}'). -#}
{% test matches_pattern(model, column_name, pattern) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not {{ regex_full_match(column_name, pattern) }}
{% endtest %}

{#- Fails for every non-null value that is not an ISO date string at day, month or year precision
    (YYYY-MM-DD, YYYY-MM or YYYY). The seed pre-flight also checks that the date exists. -#}
{% test iso_date(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not {{ regex_full_match(column_name, '[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?') }}
{% endtest %}

{#- Fails for every non-null value found neither in the vocabulary column `to`.`field` nor among extra_values: a
    code column that takes the vocabulary's codes plus a few states of its own (the timeline's not_stated_yet). -#}
{% test relationships_or_values(model, column_name, to, field, extra_values) %}
select
    {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in ({% for value in extra_values %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor %})
  and {{ column_name }} not in (select {{ field }} from {{ to }} where {{ field }} is not null)
{% endtest %}

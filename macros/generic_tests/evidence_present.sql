{#- Fails for every row whose evidence quote is missing, blank or longer than max_length characters. -#}
{% test evidence_present(model, column_name, max_length=200) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
   or trim({{ column_name }}) = ''
   or length({{ column_name }}) > {{ max_length }}
{% endtest %}

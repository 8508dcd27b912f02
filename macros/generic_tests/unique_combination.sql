{#- Fails for every combination of the given columns that occurs more than once (nulls compare equal): an alternate
    key beside the table's primary_key, or a grain one of whose columns may be null. -#}
{% test unique_combination(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

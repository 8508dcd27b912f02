{#- The grain of a table: fails for every key (the given columns together) that has a null column or occurs more
    than once, naming the key, how often it occurs and which of the two it breaks. One test per table. -#}
{% test primary_key(model, column_names) %}
{%- set key_has_a_null -%}
    ({% for column in column_names %}{{ column }} is null{{ ' or ' if not loop.last }}{% endfor %})
{%- endset %}
select
    {{ column_names | join(', ') }},
    count(*) as occurrences,
    case when {{ key_has_a_null }} then 'a key column is null' else 'the key occurs more than once' end as problem
from {{ model }}
group by {{ column_names | join(', ') }}
having count(*) > 1 or {{ key_has_a_null }}
{% endtest %}

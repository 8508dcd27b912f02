{#- Fails for every code that is not in the reference seed its kind names:
    kind 'country' -> countries.iso3, kind 'organization' -> organizations.org_code. -#}
{% test relationships_by_kind(model, column_name, kind_column) %}
select source_rows.{{ column_name }}, source_rows.{{ kind_column }}
from {{ model }} as source_rows
left join {{ ref('countries') }} as countries
    on source_rows.{{ kind_column }} = 'country' and source_rows.{{ column_name }} = countries.iso3
left join {{ ref('organizations') }} as organizations
    on source_rows.{{ kind_column }} = 'organization' and source_rows.{{ column_name }} = organizations.org_code
where source_rows.{{ column_name }} is not null
  and countries.iso3 is null
  and organizations.org_code is null
{% endtest %}

{#- True when the spell's status is certain on the day: the day is on or after the latest possible start of the
    spell (valid_from_latest, or first_attested_latest for an attested spell), so no reading of an imprecise start
    date puts the day before it. Shared by membership_as_of and mart_membership_on_publication_dates. -#}
{% macro spell_status_certain_on(spells_alias, day_expression) -%}
    {{ day_expression }} >= coalesce({{ spells_alias }}.valid_from_latest, {{ spells_alias }}.first_attested_latest)
{%- endmacro %}

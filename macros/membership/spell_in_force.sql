{#- True when the spell (table alias `spells`) is in force on the day. A spell is in force from its start,
    coalesce(valid_from, first_attested_on), to valid_to (an open spell forever). For an attested-only spell
    (start_basis first_attested, no valid_from) the status is known to hold from first_attested_on; before it
    nothing is known, so no spell is in force (never "not a member"). Shared by the membership_as_of table macro
    and the marts that ask "who belonged to what on that day". -#}
{% macro spell_in_force(spells_alias, day_expression) -%}
    {{ spell_overlaps_period(spells_alias, day_expression, day_expression) }}
{%- endmacro %}

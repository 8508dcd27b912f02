{#- True when the spell (table alias `spells`) is in force on the day:
    valid_from <= day and (valid_to is null or day <= valid_to). Shared by the membership_as_of table
    macro and the marts that ask "who belonged to what on that day". -#}
{% macro spell_in_force(spells_alias, day_expression) -%}
    ({{ spells_alias }}.valid_from <= {{ day_expression }}
     and ({{ spells_alias }}.valid_to is null or {{ day_expression }} <= {{ spells_alias }}.valid_to))
{%- endmacro %}

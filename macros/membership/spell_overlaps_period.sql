{#- True when the spell (table alias `spells`) is in force on at least one day from period_start to period_end
    (both inclusive), with the start rule of spell_in_force: coalesce(valid_from, first_attested_on). -#}
{% macro spell_overlaps_period(spells_alias, period_start, period_end) -%}
    (coalesce({{ spells_alias }}.valid_from, {{ spells_alias }}.first_attested_on) <= {{ period_end }}
     and ({{ spells_alias }}.valid_to is null or {{ period_start }} <= {{ spells_alias }}.valid_to))
{%- endmacro %}

{#- The internal status of the end marker the lineage rules put on a predecessor on its succession day
    (int_membership_changes_with_lineage): it ends the spell in force and never becomes a spell itself
    (membership_spells drops it). -#}
{% macro membership_succession_end() -%}
organisation_succeeded
{%- endmacro %}

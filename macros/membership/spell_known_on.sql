{#- True when the spell row (alias of fct_membership_spell_by_knowledge) belongs to the knowledge cut-off in force
    on the day: knowledge_from <= day and (knowledge_to is null or day <= knowledge_to). Before the first cut-off
    no document is known, so no row matches. Shared by membership_as_of(valid_on, known_on) and
    mart_membership_on_publication_dates. -#}
{% macro spell_known_on(spells_alias, day_expression) -%}
    ({{ spells_alias }}.knowledge_from <= {{ day_expression }}
     and ({{ spells_alias }}.knowledge_to is null or {{ day_expression }} <= {{ spells_alias }}.knowledge_to))
{%- endmacro %}

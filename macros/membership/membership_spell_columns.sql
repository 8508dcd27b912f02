{#- The columns of a membership spell as int_membership_spells computes them and both spell marts publish them
    (fct_membership_spell_by_knowledge per knowledge cut-off, fct_membership_spell on everything known), in
    their published order. -#}
{% macro membership_spell_columns() -%}
    spell_id,
    country_iso3,
    org_code,
    status,
    start_basis,
    valid_from,
    valid_from_latest,
    valid_from_precision,
    first_attested_on,
    first_attested_latest,
    first_attested_precision,
    valid_to,
    valid_to_precision,
    legal_basis,
    start_fact_id,
    merged_fact_ids,
    supporting_fact_count
{%- endmacro %}

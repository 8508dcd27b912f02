{#- A deal_key is <supplier>_<recipient>_<system slug> with three-letter codes, so the system is
    everything after the eighth character (fra_arm_caesar -> caesar). -#}
{% macro weapon_system_id(deal_key_column) -%}
    substr({{ deal_key_column }}, 9)
{%- endmacro %}

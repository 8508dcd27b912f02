{#- Percentage change from old_value to new_value, to one decimal; null unless old_value > 0.
    rounding: 'nearest' for a point value, 'down' for a lower bound and 'up' for an upper bound, so a
    rounded interval never excludes a value the unrounded one contains. -#}
{% macro pct_change(new_value, old_value, rounding='nearest') %}
    {%- set change = "1000.0 * (" ~ new_value ~ " - " ~ old_value ~ ") / " ~ old_value -%}
    case
        when {{ old_value }} > 0 and {{ new_value }} is not null then
        {%- if rounding == 'down' %} floor({{ change }}) / 10.0
        {%- elif rounding == 'up' %} ceiling({{ change }}) / 10.0
        {%- else %} round({{ change }} / 10.0, 1)
        {%- endif %}
    end
{%- endmacro %}

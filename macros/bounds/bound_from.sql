{#- One bound of a stated figure, following the qualifier vocabulary's rule column (lower_bound_from or
    upper_bound_from of stg_vocabulary__qualifiers): 'value' -> the figure, 'value_upper' -> the top of a
    stated range, 'none' -> null (open). The rule names are the vocabulary's, so no qualifier is listed here. -#}
{% macro bound_from(rule_column, value_column, value_upper_column='null') %}
    case {{ rule_column }}
        when 'value' then {{ value_column }}
        when 'value_upper' then {{ value_upper_column }}
    end
{%- endmacro %}

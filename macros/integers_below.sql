{#- The integers 0 .. n-1 as one column `n`, from cross-joined digits (portable: no generate_series). -#}
{% macro integers_below(n) -%}
    {%- set digits = (n - 1) | string | length -%}
    select
        {% for power in range(digits) %}d{{ power }}.digit_value * {{ 10 ** power }}{{ ' + ' if not loop.last }}{% endfor %} as n
    from {% for power in range(digits) %}
        (select digit_value from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as t (digit_value)) as d{{ power }}
        {{- ', ' if not loop.last }}
    {% endfor %}
    where {% for power in range(digits) %}d{{ power }}.digit_value * {{ 10 ** power }}{{ ' + ' if not loop.last }}{% endfor %} < {{ n }}
{%- endmacro %}

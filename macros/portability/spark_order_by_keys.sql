{#- The expressions of an `order by a, f(b, c)` clause as a list (commas inside parentheses stay). Only ascending
    keys: spark__listagg sorts ascending, so `desc` and `nulls first/last` raise instead of being ignored. -#}
{% macro spark_order_by_keys(order_by_clause) -%}
    {%- set clause = order_by_clause | trim -%}
    {%- if clause[:8] | lower != 'order by' -%}
        {{ exceptions.raise_compiler_error("listagg order_by_clause must start with 'order by': " ~ order_by_clause) }}
    {%- endif -%}
    {%- set state = namespace(depth=0, current='', keys=[]) -%}
    {%- for character in clause[8:] ~ ',' -%}
        {%- if character == ',' and state.depth == 0 -%}
            {%- set key = state.current | trim -%}
            {%- set words = (key | lower).split() -%}
            {%- if 'desc' in words or 'nulls' in words -%}
                {{ exceptions.raise_compiler_error("listagg on Spark sorts ascending only: " ~ order_by_clause) }}
            {%- endif -%}
            {%- do state.keys.append(key[:-4] | trim if words[-1] == 'asc' else key) -%}
            {%- set state.current = '' -%}
        {%- else -%}
            {%- if character == '(' -%}{%- set state.depth = state.depth + 1 -%}{%- endif -%}
            {%- if character == ')' -%}{%- set state.depth = state.depth - 1 -%}{%- endif -%}
            {%- set state.current = state.current ~ character -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(state.keys) }}
{%- endmacro %}

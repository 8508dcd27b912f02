{#- A stated date as every staging model exposes it, from the seed columns <date_column>, <date_column>_precision,
    <date_column>_basis and date_basis_note: the ISO string as written, the first and last day it can mean, its
    precision, how the text gives it and the note on that. -#}
{% macro stated_date_columns(date_column) -%}
    {{ date_column }} as {{ date_column }}_iso,
    {{ period_start(date_column, date_column ~ '_precision') }} as {{ date_column }}_earliest,
    {{ period_end(date_column, date_column ~ '_precision') }} as {{ date_column }}_latest,
    {{ date_column }}_precision,
    {{ date_column }}_basis,
    date_basis_note
{%- endmacro %}

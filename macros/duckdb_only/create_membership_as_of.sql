{#- marts.membership_as_of(date): who belonged to what on that day, stored in the warehouse so analysts can run
    `select * from marts.membership_as_of(date '2024-06-01')` in any client of the engine. Run on-run-end, once the
    spells table exists. is_status_certain is false while the day falls inside the imprecise start of a spell
    (a spell starting "February 2024" is only certain from 2024-02-29). Dispatched: a DuckDB table macro here,
    a Spark SQL table function in macros/portability/spark__create_membership_as_of.sql; both run
    membership_as_of_select, so they give the same rows. -#}
{% macro create_membership_as_of() %}
    {{ return(adapter.dispatch('create_membership_as_of', 'security_ties')()) }}
{% endmacro %}

{#- The rows of membership_as_of for the day `as_of_expression` (the function's parameter). -#}
{% macro membership_as_of_select(spells, as_of_expression) %}
    select
        spells.spell_id,
        spells.country_iso3,
        spells.org_code,
        spells.status,
        spells.valid_from,
        spells.valid_from_precision,
        spells.valid_to,
        spells.legal_basis,
        {{ as_of_expression }} >= spells.valid_from_latest as is_status_certain
    from {{ spells }} as spells
    where {{ spell_in_force('spells', as_of_expression) }}
{% endmacro %}

{% macro membership_as_of_spells() %}
    {{ return(adapter.get_relation(database=target.database, schema='marts', identifier='fct_membership_spell') if execute else none) }}
{% endmacro %}

{% macro duckdb__create_membership_as_of() %}
    {% set spells = membership_as_of_spells() %}
    {% if spells is not none and flags.WHICH in ('build', 'run') %}
        {% do run_query('create or replace macro marts.membership_as_of(as_of_date) as table '
                        ~ membership_as_of_select(spells, 'as_of_date')) %}
    {% endif %}
{% endmacro %}

{#- DuckDB only: a table macro stored in the warehouse, so analysts can run
    `select * from marts.membership_as_of(date '2024-06-01')` in any DuckDB client. Run on-run-end, once the spells table exists.
    is_status_certain is false while the day falls inside the imprecise start of a spell
    (a spell starting "February 2024" is only certain from 2024-02-29). -#}
{% macro create_membership_as_of() %}
    {% set spells = adapter.get_relation(database=target.database, schema='marts', identifier='fct_membership_spell') if execute else none %}
    {% if spells is not none and target.type == 'duckdb' and flags.WHICH in ('build', 'run') %}
        {% set body %}
            select
                spells.spell_id,
                spells.country_iso3,
                spells.org_code,
                spells.status,
                spells.valid_from,
                spells.valid_from_precision,
                spells.valid_to,
                spells.legal_basis,
                as_of_date >= spells.valid_from_latest as is_status_certain
            from {{ without_catalog(spells) }} as spells
            where {{ spell_in_force('spells', 'as_of_date') }}
        {% endset %}
        {% do run_query('create or replace macro marts.membership_as_of(as_of_date) as table ' ~ body) %}
    {% endif %}
{% endmacro %}

{#- DuckDB only: the table macro marts.membership_as_of stored in the warehouse, so analysts can ask in any DuckDB
    client, with two overloads (DuckDB macros overload by argument count):
      select * from marts.membership_as_of(date '2024-06-01')                     -- on everything known
      select * from marts.membership_as_of(date '2024-06-01', date '2024-01-31')  -- only documents known by then
    The one-argument form reads fct_membership_spell; the two-argument form the spells recomputed from the
    documents known on known_on (fct_membership_spell_by_knowledge, spell_known_on). Both use spell_in_force: an
    attested-only spell is in force from first_attested_on, and before it nothing is known (no row).
    is_status_certain is false while the day falls inside the imprecise start of a spell (a spell starting
    "February 2024" is only certain from 2024-02-29). Run on-run-end, once the spell tables exist. -#}
{% macro create_membership_as_of() %}
    {% set spells = adapter.get_relation(database=target.database, schema='marts', identifier='fct_membership_spell') if execute else none %}
    {% set known_spells = adapter.get_relation(database=target.database, schema='marts', identifier='fct_membership_spell_by_knowledge') if execute else none %}
    {% if spells is not none and known_spells is not none and target.type == 'duckdb' and flags.WHICH in ('build', 'run') %}
        {% set columns %}
                spells.spell_id,
                spells.country_iso3,
                spells.org_code,
                spells.status,
                spells.start_basis,
                spells.valid_from,
                spells.valid_from_precision,
                spells.first_attested_on,
                spells.first_attested_precision,
                spells.valid_to,
                spells.legal_basis,
        {% endset %}
        {% set on_all_knowledge %}
            select
                {{ columns }}
                as_of_date >= coalesce(spells.valid_from_latest, spells.first_attested_latest) as is_status_certain
            from {{ without_catalog(spells) }} as spells
            where {{ spell_in_force('spells', 'as_of_date') }}
        {% endset %}
        {% set on_knowledge_of_the_day %}
            select
                {{ columns }}
                valid_on >= coalesce(spells.valid_from_latest, spells.first_attested_latest) as is_status_certain,
                spells.knowledge_from
            from {{ without_catalog(known_spells) }} as spells
            where {{ spell_known_on('spells', 'known_on') }} and {{ spell_in_force('spells', 'valid_on') }}
        {% endset %}
        {% do run_query('create or replace macro marts.membership_as_of(as_of_date) as table (' ~ on_all_knowledge
                        ~ '), (valid_on, known_on) as table (' ~ on_knowledge_of_the_day ~ ')') %}
    {% endif %}
{% endmacro %}

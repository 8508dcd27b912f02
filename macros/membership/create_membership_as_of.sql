{#- marts.membership_as_of stored in the warehouse, so analysts can ask in any client of the engine:
      select * from marts.membership_as_of(date '2024-06-01')                     -- on everything known
      select * from marts.membership_as_of(date '2024-06-01', date '2024-01-31')  -- only documents known by then
    The one-argument form reads fct_membership_spell; the two-argument form the spells recomputed from the
    documents known on known_on (fct_membership_spell_by_knowledge, spell_known_on). Both use spell_in_force: an
    attested-only spell is in force from first_attested_on, and before it nothing is known (no row).
    is_status_certain is false while the day falls inside the imprecise start of a spell (a spell starting
    "February 2024" is only certain from 2024-02-29). Run on-run-end, once the spell tables exist.
    Dispatched: a DuckDB table macro with two overloads (DuckDB macros overload by argument count) here; Spark SQL
    table functions in macros/portability/spark__create_membership_as_of.sql. Both run the two selects below. -#}
{% macro create_membership_as_of() %}
    {{ return(adapter.dispatch('create_membership_as_of', 'security_ties')()) }}
{% endmacro %}

{#- The spell tables membership_as_of reads, or none when they are not built (yet). -#}
{% macro membership_as_of_relations() %}
    {% if not execute or flags.WHICH not in ('build', 'run') %}
        {{ return(none) }}
    {% endif %}
    {% set spells = adapter.get_relation(database=target.database, schema='marts', identifier='fct_membership_spell') %}
    {% set known_spells = adapter.get_relation(database=target.database, schema='marts', identifier='fct_membership_spell_by_knowledge') %}
    {{ return({'spells': spells, 'known_spells': known_spells} if spells is not none and known_spells is not none else none) }}
{% endmacro %}

{% macro membership_as_of_columns() %}
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
{% endmacro %}

{#- The one-argument form: in force on as_of, on everything known. -#}
{% macro membership_as_of_select(spells, as_of) %}
    select
        {{ membership_as_of_columns() }}
        {{ spell_status_certain_on('spells', as_of) }} as is_status_certain
    from {{ without_catalog(spells) }} as spells
    where {{ spell_in_force('spells', as_of) }}
{% endmacro %}

{#- The two-argument form: in force on valid_on, on the documents known on known_on. -#}
{% macro membership_as_of_known_on_select(known_spells, valid_on, known_on) %}
    select
        {{ membership_as_of_columns() }}
        {{ spell_status_certain_on('spells', valid_on) }} as is_status_certain,
        spells.knowledge_from
    from {{ without_catalog(known_spells) }} as spells
    where {{ spell_known_on('spells', known_on) }} and {{ spell_in_force('spells', valid_on) }}
{% endmacro %}

{% macro duckdb__create_membership_as_of() %}
    {% set relations = membership_as_of_relations() %}
    {% if relations is not none %}
        {% do run_query('create or replace macro marts.membership_as_of(as_of_date) as table ('
                        ~ membership_as_of_select(relations.spells, 'as_of_date')
                        ~ '), (valid_on, known_on) as table ('
                        ~ membership_as_of_known_on_select(relations.known_spells, 'valid_on', 'known_on') ~ ')') %}
    {% endif %}
{% endmacro %}

-- What each author could see: every membership status in force on the day each document is known (its latest
-- possible publication day, dim_document.known_from), computed only from the documents known by then - the same
-- spells and spell_in_force rule as marts.membership_as_of(valid_on, known_on) with both days = known_from.
with documents as (
    select
        doc_id,
        published_on,
        known_from
    from {{ ref('dim_document') }}
)

select
    documents.doc_id || ':' || spells.spell_id as doc_spell_id,
    documents.doc_id,
    documents.published_on,
    documents.known_from,
    spells.knowledge_spell_id,
    spells.spell_id,
    spells.country_iso3,
    spells.org_code,
    spells.status,
    spells.start_basis,
    spells.valid_from,
    spells.first_attested_on,
    spells.valid_to,
    {{ spell_status_certain_on('spells', 'documents.known_from') }} as is_status_certain
from documents
inner join {{ ref('fct_membership_spell_by_knowledge') }} as spells
    on
        {{ spell_known_on('spells', 'documents.known_from') }}
        and {{ spell_in_force('spells', 'documents.known_from') }}

-- What each author could see: every membership status in force on each document's publication day,
-- computed with the same spell_in_force rule as the warehouse's membership_as_of table macro.
with documents as (
    select
        doc_id,
        published_on
    from {{ ref('dim_document') }}
),

spells as (
    select
        spell_id,
        country_iso3,
        org_code,
        status,
        valid_from,
        valid_from_latest,
        valid_to
    from {{ ref('fct_membership_spell') }}
),

final as (
    select
        documents.doc_id || ':' || spells.spell_id as doc_spell_id,
        documents.doc_id,
        documents.published_on,
        spells.spell_id,
        spells.country_iso3,
        spells.org_code,
        spells.status,
        spells.valid_from,
        spells.valid_to,
        documents.published_on >= spells.valid_from_latest as is_status_certain
    from documents
    inner join spells
        on {{ spell_in_force('spells', 'documents.published_on') }}
)

select
    doc_spell_id,
    doc_id,
    published_on,
    spell_id,
    country_iso3,
    org_code,
    status,
    valid_from,
    valid_to,
    is_status_certain
from final

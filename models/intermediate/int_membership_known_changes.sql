-- The status changes as known at each knowledge cut-off: one cut-off per distinct day a document becomes
-- known (int_documents_known_from.known_from), valid until the day before the next one (knowledge_to null for
-- the latest, which knows every document). A change belongs to every cut-off on or after its document's
-- known_from. change_basis says how the change is known: a dated event, or only a present-tense assertion.
with changes as (
    select
        fact_id,
        doc_id,
        known_from,
        country_iso3,
        org_code,
        changed_on,
        changed_on_latest,
        changed_on_precision,
        act_kind,
        status,
        status_priority,
        is_assertion
    from {{ ref('int_membership_status_changes') }}
),

cutoff_days as (
    select distinct known_from as knowledge_from
    from {{ ref('int_documents_known_from') }}
),

cutoffs as (
    select
        knowledge_from,
        cast(
            {{ dbt.dateadd('day', -1, 'lead(knowledge_from) over (order by knowledge_from)') }}
            as date
        ) as knowledge_to
    from cutoff_days
),

final as (
    select
        cutoffs.knowledge_from,
        cutoffs.knowledge_to,
        changes.fact_id,
        changes.doc_id,
        changes.country_iso3,
        changes.org_code,
        changes.changed_on,
        changes.changed_on_latest,
        changes.changed_on_precision,
        changes.act_kind,
        changes.status,
        changes.status_priority,
        case when changes.is_assertion then 'first_attested' else 'stated_event' end as change_basis
    from changes
    inner join cutoffs
        on changes.known_from <= cutoffs.knowledge_from
)

select * from final

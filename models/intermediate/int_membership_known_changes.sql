-- The status changes as known at each knowledge cut-off: one cut-off per distinct day a document becomes
-- known (int_documents_known_from.known_from), valid until the day before the next one (knowledge_to null for
-- the latest, which knows every document). A change belongs to every cut-off on or after its document's
-- known_from. change_basis says how the change is known: a dated event, or only a present-tense assertion.
-- Most precise evidence wins, per cut-off: dated events of the same country, organisation and event type whose
-- date ranges overlap state one event, and each takes the range all of them allow (agreed_date_ranges):
-- "February 2024" beside "22 February 2024" becomes 2024-02-22, from date_fact_id. Only the documents known at
-- the cut-off take part, so before the precise text is known the vaguer date stands. Assertions ("is a member")
-- are observations at publication, not one event, and keep their own dates.
with changes as (
    select
        fact_id,
        doc_id,
        known_from,
        country_iso3,
        org_code,
        event_type,
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

known_changes as (
    select
        cutoffs.knowledge_from,
        cutoffs.knowledge_to,
        changes.fact_id,
        changes.doc_id,
        changes.country_iso3,
        changes.org_code,
        changes.event_type,
        changes.changed_on,
        changes.changed_on_latest,
        changes.changed_on_precision,
        changes.act_kind,
        changes.status,
        changes.status_priority,
        changes.is_assertion
    from changes
    inner join cutoffs
        on changes.known_from <= cutoffs.knowledge_from
),

{{ agreed_date_ranges(
    'agreed_dates', 'known_changes', ['knowledge_from', 'country_iso3', 'org_code', 'event_type'],
    earliest='changed_on', latest='changed_on_latest', precision='changed_on_precision',
    where='not is_assertion'
) }},

final as (
    select
        known_changes.knowledge_from,
        known_changes.knowledge_to,
        known_changes.fact_id,
        known_changes.doc_id,
        known_changes.country_iso3,
        known_changes.org_code,
        coalesce(agreed_dates.agreed_earliest, known_changes.changed_on) as changed_on,
        coalesce(agreed_dates.agreed_latest, known_changes.changed_on_latest) as changed_on_latest,
        coalesce(agreed_dates.agreed_precision, known_changes.changed_on_precision) as changed_on_precision,
        coalesce(agreed_dates.date_fact_id, known_changes.fact_id) as date_fact_id,
        known_changes.act_kind,
        known_changes.status,
        known_changes.status_priority,
        case when known_changes.is_assertion then 'first_attested' else 'stated_event' end as change_basis
    from known_changes
    left join agreed_dates
        on
            known_changes.knowledge_from = agreed_dates.knowledge_from
            and known_changes.fact_id = agreed_dates.fact_id
)

select * from final

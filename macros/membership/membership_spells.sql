{#- Membership spells from status changes, per knowledge cut-off: one row per uninterrupted status of a country in
    an organisation. `changes` has knowledge_from, knowledge_to, fact_id, doc_id, country_iso3, org_code, changed_on,
    changed_on_latest, changed_on_precision, date_fact_id, act_kind, status, status_priority and change_basis
    (stated_event, first_attested, succession).
    - A spell starts at the earliest day of the change that began it and ends the day before the next change of
      its country and organisation; the last spell is open (valid_to null).
    - On one day the strongest change wins (status_priority); several texts stating it support one spell. The
      changes arrive with the date their cluster agreed on (int_membership_known_changes, most precise evidence
      wins): start_fact_id is the fact that gave that date, merged_fact_ids every fact supporting the start.
    - A present-tense assertion ("Armenia is a member", first_attested) only counts before the first dated change
      of the pair: restated while frozen, it must not turn a freeze back into plain membership.
    - start_basis: stated_event when a dated event starts the spell, succession when only a lineage rule does,
      first_attested when only assertions do. An attested spell has no valid_from: the status is known to hold
      from first_attested_on (kept at its precision), and nothing is known before it.
    - The lineage end marker (membership_succession_end) ends the spell before it and is dropped. -#}
{% macro membership_spells(changes) -%}
with first_dated_changes as (
    select
        knowledge_from,
        country_iso3,
        org_code,
        min(changed_on) as first_dated_change_on
    from {{ changes }}
    where change_basis <> 'first_attested'
    group by knowledge_from, country_iso3, org_code
),

-- an assertion (first_attested) counts only before the first dated change of its pair
changes as (
    select
        all_changes.knowledge_from,
        all_changes.knowledge_to,
        all_changes.fact_id,
        all_changes.country_iso3,
        all_changes.org_code,
        all_changes.changed_on,
        all_changes.changed_on_latest,
        all_changes.changed_on_precision,
        all_changes.date_fact_id,
        all_changes.act_kind,
        all_changes.status,
        all_changes.status_priority,
        all_changes.change_basis
    from {{ changes }} as all_changes
    left join first_dated_changes
        on
            all_changes.knowledge_from = first_dated_changes.knowledge_from
            and all_changes.country_iso3 = first_dated_changes.country_iso3
            and all_changes.org_code = first_dated_changes.org_code
    where
        all_changes.change_basis <> 'first_attested'
        or first_dated_changes.first_dated_change_on is null
        or all_changes.changed_on < first_dated_changes.first_dated_change_on
),

strongest_per_day as (
    select
        knowledge_from,
        country_iso3,
        org_code,
        changed_on,
        max(status_priority) as status_priority
    from changes
    group by knowledge_from, country_iso3, org_code, changed_on
),

daily_changes as (
    select
        changes.knowledge_from,
        changes.knowledge_to,
        changes.country_iso3,
        changes.org_code,
        changes.changed_on,
        changes.status,
        min(changes.changed_on_latest) as changed_on_latest,
        min(changes.changed_on_precision) as changed_on_precision,
        min(changes.date_fact_id) as start_fact_id,
        {{ dbt.listagg('changes.fact_id', "', '", 'order by changes.fact_id') }} as merged_fact_ids,
        count(changes.fact_id) as supporting_fact_count,
        max(case when changes.act_kind = 'legal_act' then 1 else 0 end) = 1 as has_legal_act,
        max(case when changes.act_kind = 'political_declaration' then 1 else 0 end) = 1 as has_declaration,
        max(case when changes.change_basis = 'stated_event' then 1 else 0 end) = 1 as has_stated_event,
        max(case when changes.change_basis = 'succession' then 1 else 0 end) = 1 as has_succession,
        lag(changes.status) over (
            partition by changes.knowledge_from, changes.country_iso3, changes.org_code order by changes.changed_on
        ) as previous_status
    from changes
    inner join strongest_per_day
        on
            changes.knowledge_from = strongest_per_day.knowledge_from
            and changes.country_iso3 = strongest_per_day.country_iso3
            and changes.org_code = strongest_per_day.org_code
            and changes.changed_on = strongest_per_day.changed_on
            and changes.status_priority = strongest_per_day.status_priority
    group by
        changes.knowledge_from, changes.knowledge_to, changes.country_iso3, changes.org_code, changes.changed_on,
        changes.status
),

spell_starts as (
    select
        knowledge_from,
        knowledge_to,
        country_iso3,
        org_code,
        changed_on,
        status,
        changed_on_latest,
        changed_on_precision,
        start_fact_id,
        merged_fact_ids,
        supporting_fact_count,
        has_legal_act,
        has_declaration,
        case
            when has_stated_event then 'stated_event'
            when has_succession then 'succession'
            else 'first_attested'
        end as start_basis,
        cast(
            {{ dbt.dateadd('day', -1, 'lead(changed_on) over (partition by knowledge_from, country_iso3, org_code order by changed_on)') }}
            as date
        ) as valid_to,
        lead(changed_on_precision)
            over (partition by knowledge_from, country_iso3, org_code order by changed_on) as valid_to_precision
    from daily_changes
    where previous_status is null or previous_status <> status
),

final as (
    select
        knowledge_from,
        knowledge_to,
        country_iso3 || ':' || org_code || ':'
        || case when start_basis = 'first_attested' then 'attested:' else '' end
        || cast(changed_on as {{ dbt.type_string() }}) as spell_id,
        country_iso3,
        org_code,
        status,
        start_basis,
        case when start_basis <> 'first_attested' then changed_on end as valid_from,
        case when start_basis <> 'first_attested' then changed_on_latest end as valid_from_latest,
        case when start_basis <> 'first_attested' then changed_on_precision end as valid_from_precision,
        case when start_basis = 'first_attested' then changed_on end as first_attested_on,
        case when start_basis = 'first_attested' then changed_on_latest end as first_attested_latest,
        case when start_basis = 'first_attested' then changed_on_precision end as first_attested_precision,
        valid_to,
        valid_to_precision,
        case
            when has_legal_act then 'legal_act'
            when has_declaration then 'political_declaration'
            else 'status_assertion'
        end as legal_basis,
        start_fact_id,
        merged_fact_ids,
        supporting_fact_count
    from spell_starts
    where status <> '{{ membership_succession_end() }}'
)

select * from final
{%- endmacro %}

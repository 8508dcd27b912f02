-- The known status changes plus those the organisation-lineage rules derive. A successor's founding day is
-- the succession day; its organizations.succession_kind names the rule (seeds/vocabulary/succession_kinds.csv):
--   ends_predecessor        a spell in force in the predecessor the day before ends then (an end marker);
--   continues_in_successor  that status, unless former, continues in the successor from the succession day
--                           (change_basis succession; a stated change on the same day wins over it).
-- Rules apply per knowledge cut-off, to the spells of the stated facts; one level of succession (no body in
-- organizations is both a predecessor and a successor).
{% set succession_end_priority = 10 %}  {#- above every vocabulary priority (its seed test caps them at 9) -#}
{#- the two lineage rules: which organisation the derived change is in, the status it sets, its priority and
    which spells it applies to -#}
{%- set lineage_rules = [
    {
        'org_code': 'successor_org_code',
        'status': 'status',
        'status_priority': 0,
        'applies_to': "continues_in_successor and status <> 'former'",
    },
    {
        'org_code': 'predecessor_org_code',
        'status': "'" ~ membership_succession_end() ~ "'",
        'status_priority': succession_end_priority,
        'applies_to': 'ends_predecessor',
    },
] %}

with known_changes as (
    select
        knowledge_from,
        knowledge_to,
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        changed_on,
        changed_on_latest,
        changed_on_precision,
        date_fact_id,
        act_kind,
        status,
        status_priority,
        change_basis
    from {{ ref('int_membership_known_changes') }}
),

successions as (
    select
        successors.org_code as successor_org_code,
        successors.predecessor_org_code,
        successors.founded_on as succeeded_on,
        successors.founded_on_latest as succeeded_on_latest,
        successors.founded_on_precision as succeeded_on_precision,
        kinds.continues_in_successor,
        kinds.ends_predecessor
    from {{ ref('stg_reference__organizations') }} as successors
    inner join {{ ref('stg_vocabulary__succession_kinds') }} as kinds
        on successors.succession_kind = kinds.succession_kind
    where successors.predecessor_org_code is not null and successors.founded_on is not null
),

spells_at_succession as (
    select
        spells.knowledge_from,
        spells.knowledge_to,
        spells.country_iso3,
        spells.status,
        spells.legal_basis,
        successions.successor_org_code,
        successions.predecessor_org_code,
        successions.succeeded_on,
        successions.succeeded_on_latest,
        successions.succeeded_on_precision,
        successions.continues_in_successor,
        successions.ends_predecessor
    from {{ ref('int_membership_spells_from_facts') }} as spells
    inner join successions
        on spells.org_code = successions.predecessor_org_code
    where {{ spell_in_force('spells', 'cast(' ~ dbt.dateadd('day', -1, 'successions.succeeded_on') ~ ' as date)') }}
),

-- continues_in_successor (a former member has nothing to carry over), then ends_predecessor
succession_changes as (
    {%- for rule in lineage_rules %}
        select
            knowledge_from,
            knowledge_to,
            cast(null as {{ dbt.type_string() }}) as fact_id,
            cast(null as {{ dbt.type_string() }}) as doc_id,
            country_iso3,
            {{ rule.org_code }} as org_code,
            succeeded_on as changed_on,
            succeeded_on_latest as changed_on_latest,
            succeeded_on_precision as changed_on_precision,
            cast(null as {{ dbt.type_string() }}) as date_fact_id,
            legal_basis as act_kind,
            {{ rule.status }} as status,
            {{ rule.status_priority }} as status_priority,
            'succession' as change_basis
        from spells_at_succession
        where {{ rule.applies_to }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from known_changes
    union all
    select * from succession_changes
)

select * from final

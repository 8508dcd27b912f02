-- Every pair of facts from different documents that disagree, with the kind of disagreement (conflict_kinds
-- vocabulary) and the reading the warehouse uses (conflict_resolutions seed).
-- value / date: each fact first becomes a comparable statement (what it is about, which attribute, its amount
--   or its date period); one self-join pairs statements that disagree. Amounts disagree when they differ; dates
--   only when their periods do not overlap ('2024' and '2024-02' agree), and only for steps that happen once (a
--   treaty is signed once; it can be 'not invoked' many times): is_one_off in the membership and treaty event-type
--   vocabularies.
-- attribution / wording / sequence: claims (stg_facts__claims) about the same subject, topic and attribute with
--   different values; the attribute's kind comes from the claim_attributes vocabulary.
-- status: a status assertion ('is a member') dated after a dated change of the same country and organisation
--   stated in another document, when that change is still the last one before the assertion and put the country
--   in another status (the February 2024 freeze against a later plain 'member').
{% set string_type = dbt.type_string() %}
{#- the event tables whose one-off steps have dates to compare, and what a statement of each is about -#}
{%- set one_off_event_tables = [
    {
        'fact_table': 'membership_events',
        'compared_thing': "country_iso3 || ' ' || event_type || ' ' || org_code",
        'relation': ref('fct_membership_event'),
    },
    {
        'fact_table': 'treaty_events',
        'compared_thing': "treaty_id || ' ' || event_type",
        'relation': ref('fct_treaty_event'),
    },
] %}

with trade as (
    select
        fact_id,
        doc_id,
        reporter_iso3 || '-' || coalesce(partner_iso3, partner_org_code) || ' ' || flow || ' '
        || cast(trade_year as {{ string_type }}) as compared_thing,
        value_usd,
        share_pct,
        partner_rank,
        evidence
    from {{ ref('fct_trade_flow') }}
),

trade_statements as (
    {{ comparable_statement('trade_figures', 'compared_thing', "'value_usd'", 'trade', amount='value_usd') }}
    where value_usd is not null
    union all
    {{ comparable_statement('trade_figures', 'compared_thing', "'share_pct'", 'trade', amount='share_pct') }}
    where share_pct is not null
    union all
    {{ comparable_statement(
        'trade_figures', 'compared_thing', "'partner_rank'", 'trade', amount='cast(partner_rank as double)'
    ) }}
    where partner_rank is not null
),

share_statements as (
    {{ comparable_statement(
        'arms_supplier_shares',
        "supplier_iso3 || '->' || recipient_iso3 || ' ' || measure || ' '
        || coalesce(cast(period_start_year as " ~ string_type ~ "), '?') || '-'
        || coalesce(cast(period_end_year as " ~ string_type ~ "), '?')",
        "'share_pct'",
        ref('fct_arms_supplier_share'),
        amount='share_pct'
    ) }}
),

-- only a step that can happen once (per country and organisation, per treaty) has one true date to disagree on
one_off_steps as (
    select
        'membership_events' as fact_table,
        event_type
    from {{ ref('stg_vocabulary__membership_event_types') }}
    where is_one_off
    union all
    select
        'treaty_events' as fact_table,
        event_type
    from {{ ref('stg_vocabulary__treaty_event_types') }}
    where is_one_off
),

date_statements as (
    {%- for events in one_off_event_tables %}
        {{ comparable_statement(
            events.fact_table, events.compared_thing, "'date'", events.relation, date_prefix='event_date'
        ) }}
        where
            event_type in (
                select one_off_steps.event_type
                from one_off_steps
                where one_off_steps.fact_table = '{{ events.fact_table }}'
            )
        union all
    {%- endfor %}
    {{ comparable_statement(
        'arms_transfers', "deal_key || ' ' || status", "'date'", ref('fct_arms_transfer'), date_prefix='status_date'
    ) }}
),

amount_statements as (
    {{ comparable_statement(
        'arms_transfers',
        "deal_key || ' ' || status || ' quantity'",
        "'amount'",
        ref('fct_arms_transfer'),
        amount='cast(quantity as double)'
    ) }}
    where quantity is not null
    union all
    {{ comparable_statement(
        'treaty_events',
        "treaty_id || ' ' || event_type || ' valid until'",
        "'amount'",
        ref('fct_treaty_event'),
        amount='cast(valid_until_year as double)'
    ) }}
    where valid_until_year is not null
    union all
    {{ comparable_statement(
        'indicators',
        "subject_code || ' ' || indicator || ' ' || unit || ' '
        || coalesce(ref_date_iso, cast(ref_year as " ~ string_type ~ "), 'undated')",
        "'amount'",
        ref('fct_indicator'),
        amount='value'
    ) }}
),

claims as (
    select
        claim_id,
        doc_id,
        subject_code,
        topic,
        claim_attribute,
        claimed_value,
        evidence
    from {{ ref('stg_facts__claims') }}
),

claim_attributes as (
    select
        claim_attribute,
        conflict_kind
    from {{ ref('stg_vocabulary__claim_attributes') }}
),

claim_statements as (
    {{ comparable_statement(
        'claims',
        "subject_code || ' ' || topic || ' ' || claim_attribute",
        'claim_attribute',
        'claims',
        text_value='claimed_value',
        fact_id='claim_id'
    ) }}
),

statements as (
    select * from trade_statements
    union all
    select * from share_statements
    union all
    select * from date_statements
    union all
    select * from amount_statements
    union all
    select * from claim_statements
),

statement_conflicts as (
    select
        case
            when left_side.fact_table = 'claims' then claim_attributes.conflict_kind
            when left_side.differing_attribute = 'date' then 'date'
            else 'value'
        end as conflict_kind,
        left_side.fact_table,
        left_side.compared_thing,
        left_side.differing_attribute,
        left_side.fact_id as left_fact_id,
        left_side.doc_id as left_doc_id,
        coalesce(left_side.date_iso, left_side.text_value, {{ double_to_string("left_side.amount") }}) as left_value,
        left_side.evidence as left_evidence,
        right_side.fact_id as right_fact_id,
        right_side.doc_id as right_doc_id,
        coalesce(right_side.date_iso, right_side.text_value, {{ double_to_string("right_side.amount") }}) as right_value,
        right_side.evidence as right_evidence,
        -- for a date conflict: which side states the earlier period (the reading the models use by default)
        case when left_side.date_latest < right_side.date_earliest then 'left' else 'right' end as earlier_side
    from statements as left_side
    inner join statements as right_side
        on
            left_side.fact_table = right_side.fact_table
            and left_side.compared_thing = right_side.compared_thing
            and left_side.differing_attribute = right_side.differing_attribute
            and left_side.doc_id < right_side.doc_id
    left join claim_attributes
        on left_side.differing_attribute = claim_attributes.claim_attribute and left_side.fact_table = 'claims'
    where
        left_side.amount <> right_side.amount
        or left_side.date_latest < right_side.date_earliest
        or right_side.date_latest < left_side.date_earliest
        or left_side.text_value <> right_side.text_value
),

membership_statuses as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        resulting_status,
        act_kind,
        event_date_earliest,
        event_date_latest,
        evidence
    from {{ ref('fct_membership_event') }}
    where resulting_status is not null and event_date_earliest is not null
),

-- a change certainly over before the assertion and not replaced, before it, by a change to another status
changes_in_force_at_assertion as (
    select
        status_assertions.fact_id as assertion_fact_id,
        status_assertions.doc_id as assertion_doc_id,
        status_assertions.resulting_status as asserted_status,
        status_assertions.evidence as assertion_evidence,
        dated_changes.fact_id as change_fact_id,
        dated_changes.doc_id as change_doc_id,
        dated_changes.resulting_status as changed_status,
        dated_changes.evidence as change_evidence,
        dated_changes.country_iso3,
        dated_changes.org_code
    from membership_statuses as status_assertions
    inner join membership_statuses as dated_changes
        on
            status_assertions.country_iso3 = dated_changes.country_iso3
            and status_assertions.org_code = dated_changes.org_code
            and status_assertions.event_date_earliest > dated_changes.event_date_latest
    where
        status_assertions.act_kind = 'status_assertion'
        and dated_changes.act_kind <> 'status_assertion'
        and not exists (
            select 1 from membership_statuses as later_change
            where
                later_change.act_kind <> 'status_assertion'
                and later_change.country_iso3 = dated_changes.country_iso3
                and later_change.org_code = dated_changes.org_code
                and later_change.resulting_status <> dated_changes.resulting_status
                and later_change.event_date_earliest > dated_changes.event_date_latest
                and later_change.event_date_latest < status_assertions.event_date_earliest
        )
),

status_pairs as (
    select
        country_iso3,
        org_code,
        case when change_doc_id < assertion_doc_id then change_fact_id else assertion_fact_id end as left_fact_id,
        case when change_doc_id < assertion_doc_id then change_doc_id else assertion_doc_id end as left_doc_id,
        case when change_doc_id < assertion_doc_id then changed_status else asserted_status end as left_value,
        case when change_doc_id < assertion_doc_id then change_evidence else assertion_evidence end as left_evidence,
        case when change_doc_id < assertion_doc_id then assertion_fact_id else change_fact_id end as right_fact_id,
        case when change_doc_id < assertion_doc_id then assertion_doc_id else change_doc_id end as right_doc_id,
        case when change_doc_id < assertion_doc_id then asserted_status else changed_status end as right_value,
        case when change_doc_id < assertion_doc_id then assertion_evidence else change_evidence end as right_evidence
    from changes_in_force_at_assertion
    where
        change_doc_id <> assertion_doc_id
        and changed_status <> asserted_status
),

status_conflicts as (
    select
        'status' as conflict_kind,
        'membership_events' as fact_table,
        country_iso3 || ' ' || org_code || ' status' as compared_thing,
        'status' as differing_attribute,
        left_fact_id,
        left_doc_id,
        left_value,
        left_evidence,
        right_fact_id,
        right_doc_id,
        right_value,
        right_evidence,
        cast(null as {{ string_type }}) as earlier_side
    from status_pairs
),

conflicts as (
    select * from statement_conflicts
    union all
    select * from status_conflicts
),

resolutions as (
    select
        resolution_id,
        conflict_kind,
        compared_thing,
        adopted_reading,
        reason
    from {{ ref('stg_facts__conflict_resolutions') }}
)

select
    conflicts.left_fact_id || '~' || conflicts.right_fact_id || ':' || conflicts.differing_attribute as conflict_id,
    conflicts.conflict_kind,
    conflicts.fact_table,
    conflicts.compared_thing,
    conflicts.differing_attribute,
    conflicts.left_fact_id,
    conflicts.left_doc_id,
    conflicts.left_value,
    conflicts.left_evidence,
    conflicts.right_fact_id,
    conflicts.right_doc_id,
    conflicts.right_value,
    conflicts.right_evidence,
    resolutions.resolution_id,
    coalesce(
        'uses ' || resolutions.adopted_reading || ': ' || resolutions.reason,
        -- a one-off step stated in periods that do not overlap: the spells and lifecycles keep both statements
        -- apart (agreed_date_ranges merges only overlapping ones), so the earlier period starts the status
        case
            when conflicts.conflict_kind = 'date'
                then
                    'unresolved: the models use the earlier period, '
                    || case when conflicts.earlier_side = 'left' then conflicts.left_value else conflicts.right_value end
                    || ' (texts whose dates do not overlap are never merged); add a row to'
                    || ' seeds/facts/conflict_resolutions.csv to record the reading'
        end,
        'unresolved: no row in seeds/facts/conflict_resolutions.csv for this kind and compared thing'
    ) as resolution,
    resolutions.resolution_id is not null as is_resolved
from conflicts
left join resolutions
    on
        conflicts.conflict_kind = resolutions.conflict_kind
        and conflicts.compared_thing = resolutions.compared_thing

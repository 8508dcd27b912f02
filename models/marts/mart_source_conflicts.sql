-- Every pair of facts from different documents that state different values for the same thing:
-- the same trade figure, supplier share, membership step, treaty step, deal stage or indicator.
-- Dates conflict only when their periods do not overlap ('2024' and '2024-02' agree), and only for steps
-- that happen once (a treaty is signed once; it can be 'not invoked' many times).
{% set string_type = dbt.type_string() %}
{% set one_off_membership_steps = "'joined', 'founding_member', 'withdrew', 'left', 'did_not_renew', 'frozen_participation', 'suspended'" %}
{% set one_off_treaty_steps = "'signed', 'initialed', 'ratified', 'in_force', 'denounced', 'expires'" %}

with trade as (
    select
        fact_id,
        doc_id,
        reporter_iso3
        || '-'
        || coalesce(partner_iso3, partner_org_code)
        || ' '
        || flow
        || ' '
        || cast(trade_year as {{ string_type }}) as compared_thing,
        value_usd,
        share_pct,
        partner_rank,
        evidence
    from {{ ref('fct_trade_flow') }}
),

trade_conflicts as (
    select
        'trade_flow' as fact_table,
        left_side.compared_thing,
        case
            when left_side.value_usd <> right_side.value_usd then 'value_usd'
            when left_side.share_pct <> right_side.share_pct then 'share_pct'
            else 'partner_rank'
        end as differing_attribute,
        left_side.fact_id as left_fact_id,
        left_side.doc_id as left_doc_id,
        cast(coalesce(left_side.value_usd, left_side.share_pct, left_side.partner_rank) as {{ string_type }}) as left_value,
        left_side.evidence as left_evidence,
        right_side.fact_id as right_fact_id,
        right_side.doc_id as right_doc_id,
        cast(coalesce(right_side.value_usd, right_side.share_pct, right_side.partner_rank) as {{ string_type }}) as right_value,
        right_side.evidence as right_evidence
    from trade as left_side
    inner join trade as right_side
        on
            left_side.compared_thing = right_side.compared_thing
            and left_side.doc_id < right_side.doc_id
    where
        left_side.value_usd <> right_side.value_usd
        or left_side.share_pct <> right_side.share_pct
        or left_side.partner_rank <> right_side.partner_rank
),

shares as (
    select
        fact_id,
        doc_id,
        supplier_iso3 || '->' || recipient_iso3 || ' ' || measure || ' '
        || coalesce(cast(period_start_year as {{ string_type }}), '?') || '-'
        || coalesce(cast(period_end_year as {{ string_type }}), '?') as compared_thing,
        share_pct,
        evidence
    from {{ ref('fct_arms_supplier_share') }}
),

share_conflicts as (
    select
        'arms_supplier_share' as fact_table,
        left_side.compared_thing,
        'share_pct' as differing_attribute,
        left_side.fact_id as left_fact_id,
        left_side.doc_id as left_doc_id,
        cast(left_side.share_pct as {{ string_type }}) as left_value,
        left_side.evidence as left_evidence,
        right_side.fact_id as right_fact_id,
        right_side.doc_id as right_doc_id,
        cast(right_side.share_pct as {{ string_type }}) as right_value,
        right_side.evidence as right_evidence
    from shares as left_side
    inner join shares as right_side
        on
            left_side.compared_thing = right_side.compared_thing
            and left_side.doc_id < right_side.doc_id
    where left_side.share_pct <> right_side.share_pct
),

dated_facts as (
    select
        fact_id,
        doc_id,
        'membership_event' as fact_table,
        country_iso3 || ' ' || event_type || ' ' || org_code as compared_thing,
        event_date_iso as date_iso,
        event_date_earliest as date_earliest,
        event_date_latest as date_latest,
        evidence
    from {{ ref('fct_membership_event') }}
    where event_type in ({{ one_off_membership_steps }})
    union all
    select
        fact_id,
        doc_id,
        'treaty_event' as fact_table,
        treaty_id || ' ' || event_type as compared_thing,
        event_date_iso as date_iso,
        event_date_earliest as date_earliest,
        event_date_latest as date_latest,
        evidence
    from {{ ref('fct_treaty_event') }}
    where event_type in ({{ one_off_treaty_steps }})
    union all
    select
        fact_id,
        doc_id,
        'arms_transfer' as fact_table,
        deal_key || ' ' || status as compared_thing,
        status_date_iso as date_iso,
        status_date_earliest as date_earliest,
        status_date_latest as date_latest,
        evidence
    from {{ ref('fct_arms_transfer') }}
),

date_conflicts as (
    select
        left_side.fact_table,
        left_side.compared_thing,
        'date' as differing_attribute,
        left_side.fact_id as left_fact_id,
        left_side.doc_id as left_doc_id,
        left_side.date_iso as left_value,
        left_side.evidence as left_evidence,
        right_side.fact_id as right_fact_id,
        right_side.doc_id as right_doc_id,
        right_side.date_iso as right_value,
        right_side.evidence as right_evidence
    from dated_facts as left_side
    inner join dated_facts as right_side
        on
            left_side.fact_table = right_side.fact_table
            and left_side.compared_thing = right_side.compared_thing
            and left_side.doc_id < right_side.doc_id
    where
        left_side.date_latest < right_side.date_earliest
        or right_side.date_latest < left_side.date_earliest
),

counted_facts as (
    select
        fact_id,
        doc_id,
        'arms_transfer' as fact_table,
        deal_key || ' ' || status || ' quantity' as compared_thing,
        cast(quantity as double) as amount,
        evidence
    from {{ ref('fct_arms_transfer') }}
    where quantity is not null
    union all
    select
        fact_id,
        doc_id,
        'treaty_event' as fact_table,
        treaty_id || ' ' || event_type || ' valid until' as compared_thing,
        cast(valid_until_year as double) as amount,
        evidence
    from {{ ref('fct_treaty_event') }}
    where valid_until_year is not null
    union all
    select
        fact_id,
        doc_id,
        'indicator' as fact_table,
        subject_code || ' ' || indicator || ' ' || unit || ' '
        || coalesce(ref_date_iso, cast(ref_year as {{ string_type }}), 'undated') as compared_thing,
        value as amount,
        evidence
    from {{ ref('fct_indicator') }}
),

amount_conflicts as (
    select
        left_side.fact_table,
        left_side.compared_thing,
        'amount' as differing_attribute,
        left_side.fact_id as left_fact_id,
        left_side.doc_id as left_doc_id,
        cast(left_side.amount as {{ string_type }}) as left_value,
        left_side.evidence as left_evidence,
        right_side.fact_id as right_fact_id,
        right_side.doc_id as right_doc_id,
        cast(right_side.amount as {{ string_type }}) as right_value,
        right_side.evidence as right_evidence
    from counted_facts as left_side
    inner join counted_facts as right_side
        on
            left_side.fact_table = right_side.fact_table
            and left_side.compared_thing = right_side.compared_thing
            and left_side.doc_id < right_side.doc_id
    where left_side.amount <> right_side.amount
),

conflicts as (
    select * from trade_conflicts
    union all
    select * from share_conflicts
    union all
    select * from date_conflicts
    union all
    select * from amount_conflicts
),

final as (
    select
        left_fact_id || '~' || right_fact_id || ':' || differing_attribute as conflict_id,
        fact_table,
        compared_thing,
        differing_attribute,
        left_fact_id,
        left_doc_id,
        left_value,
        left_evidence,
        right_fact_id,
        right_doc_id,
        right_value,
        right_evidence
    from conflicts
)

select
    conflict_id,
    fact_table,
    compared_thing,
    differing_attribute,
    left_fact_id,
    left_doc_id,
    left_value,
    left_evidence,
    right_fact_id,
    right_doc_id,
    right_value,
    right_evidence
from final

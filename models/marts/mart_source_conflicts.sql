-- Every pair of facts from different documents that state different values for the same thing:
-- the same trade figure, supplier share, membership step, treaty step, deal stage or indicator.
-- Each fact first becomes a comparable statement (what it is about, which attribute, its amount or its
-- date period); one self-join then pairs statements that disagree. Amounts disagree when they differ;
-- dates only when their periods do not overlap ('2024' and '2024-02' agree), and only for steps that
-- happen once (a treaty is signed once; it can be 'not invoked' many times).
{% set string_type = dbt.type_string() %}
{% set one_off_membership_steps = "'joined', 'founding_member', 'withdrew', 'left', 'did_not_renew', 'frozen_participation', 'suspended'" %}
{% set one_off_treaty_steps = "'signed', 'initialed', 'ratified', 'in_force', 'denounced', 'expires'" %}

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
    select
        'trade_flow' as fact_table,
        compared_thing,
        'value_usd' as differing_attribute,
        fact_id,
        doc_id,
        value_usd as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from trade
    where value_usd is not null
    union all
    select
        'trade_flow' as fact_table,
        compared_thing,
        'share_pct' as differing_attribute,
        fact_id,
        doc_id,
        share_pct as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from trade
    where share_pct is not null
    union all
    select
        'trade_flow' as fact_table,
        compared_thing,
        'partner_rank' as differing_attribute,
        fact_id,
        doc_id,
        cast(partner_rank as double) as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from trade
    where partner_rank is not null
),

share_statements as (
    select
        'arms_supplier_share' as fact_table,
        supplier_iso3 || '->' || recipient_iso3 || ' ' || measure || ' '
        || coalesce(cast(period_start_year as {{ string_type }}), '?') || '-'
        || coalesce(cast(period_end_year as {{ string_type }}), '?') as compared_thing,
        'share_pct' as differing_attribute,
        fact_id,
        doc_id,
        share_pct as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from {{ ref('fct_arms_supplier_share') }}
),

date_statements as (
    select
        'membership_event' as fact_table,
        country_iso3 || ' ' || event_type || ' ' || org_code as compared_thing,
        'date' as differing_attribute,
        fact_id,
        doc_id,
        cast(null as double) as amount,
        event_date_earliest as date_earliest,
        event_date_latest as date_latest,
        event_date_iso as date_iso,
        evidence
    from {{ ref('fct_membership_event') }}
    where event_type in ({{ one_off_membership_steps }})
    union all
    select
        'treaty_event' as fact_table,
        treaty_id || ' ' || event_type as compared_thing,
        'date' as differing_attribute,
        fact_id,
        doc_id,
        cast(null as double) as amount,
        event_date_earliest as date_earliest,
        event_date_latest as date_latest,
        event_date_iso as date_iso,
        evidence
    from {{ ref('fct_treaty_event') }}
    where event_type in ({{ one_off_treaty_steps }})
    union all
    select
        'arms_transfer' as fact_table,
        deal_key || ' ' || status as compared_thing,
        'date' as differing_attribute,
        fact_id,
        doc_id,
        cast(null as double) as amount,
        status_date_earliest as date_earliest,
        status_date_latest as date_latest,
        status_date_iso as date_iso,
        evidence
    from {{ ref('fct_arms_transfer') }}
),

amount_statements as (
    select
        'arms_transfer' as fact_table,
        deal_key || ' ' || status || ' quantity' as compared_thing,
        'amount' as differing_attribute,
        fact_id,
        doc_id,
        cast(quantity as double) as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from {{ ref('fct_arms_transfer') }}
    where quantity is not null
    union all
    select
        'treaty_event' as fact_table,
        treaty_id || ' ' || event_type || ' valid until' as compared_thing,
        'amount' as differing_attribute,
        fact_id,
        doc_id,
        cast(valid_until_year as double) as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from {{ ref('fct_treaty_event') }}
    where valid_until_year is not null
    union all
    select
        'indicator' as fact_table,
        subject_code || ' ' || indicator || ' ' || unit || ' '
        || coalesce(ref_date_iso, cast(ref_year as {{ string_type }}), 'undated') as compared_thing,
        'amount' as differing_attribute,
        fact_id,
        doc_id,
        value as amount,
        cast(null as date) as date_earliest,
        cast(null as date) as date_latest,
        cast(null as {{ string_type }}) as date_iso,
        evidence
    from {{ ref('fct_indicator') }}
),

statements as (
    select * from trade_statements
    union all
    select * from share_statements
    union all
    select * from date_statements
    union all
    select * from amount_statements
),

final as (
    select
        left_side.fact_id || '~' || right_side.fact_id || ':' || left_side.differing_attribute as conflict_id,
        left_side.fact_table,
        left_side.compared_thing,
        left_side.differing_attribute,
        left_side.fact_id as left_fact_id,
        left_side.doc_id as left_doc_id,
        coalesce(left_side.date_iso, {{ double_to_string("left_side.amount") }}) as left_value,
        left_side.evidence as left_evidence,
        right_side.fact_id as right_fact_id,
        right_side.doc_id as right_doc_id,
        coalesce(right_side.date_iso, {{ double_to_string("right_side.amount") }}) as right_value,
        right_side.evidence as right_evidence
    from statements as left_side
    inner join statements as right_side
        on
            left_side.fact_table = right_side.fact_table
            and left_side.compared_thing = right_side.compared_thing
            and left_side.differing_attribute = right_side.differing_attribute
            and left_side.doc_id < right_side.doc_id
    where
        left_side.amount <> right_side.amount
        or left_side.date_latest < right_side.date_earliest
        or right_side.date_latest < left_side.date_earliest
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

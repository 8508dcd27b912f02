-- Each membership event mapped to the status it puts the country in; events that change nothing
-- (applied, threatened_withdrawal, is_not_member) carry no status and stay only in fct_membership_event.
with events as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        event_type,
        event_date_earliest,
        event_date_latest,
        event_date_precision,
        act_kind
    from {{ ref('stg_facts__membership_events') }}
    where event_date_earliest is not null
),

mapped as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        event_type,
        event_date_earliest,
        event_date_latest,
        event_date_precision,
        act_kind,
        case
            when event_type in ('joined', 'founding_member', 'signed', 'ratified', 'rejoined', 'is_member') then 'member'
            when event_type in ('partnership_started', 'is_partner') then 'partner'
            when event_type = 'observer' then 'observer'
            when event_type = 'suspended' then 'suspended'
            when event_type = 'frozen_participation' then 'participation_frozen'
            when event_type in ('left', 'withdrew', 'did_not_renew', 'partnership_ended') then 'former'
        end as status,
        -- on one day the strongest change wins: leaving beats freezing beats joining
        case
            when event_type in ('left', 'withdrew', 'did_not_renew', 'partnership_ended') then 5
            when event_type = 'frozen_participation' then 4
            when event_type = 'suspended' then 3
            when event_type in ('joined', 'founding_member', 'signed', 'ratified', 'rejoined', 'is_member') then 2
            else 1
        end as status_priority,
        case when event_type like 'is!_%' escape '!' then 1 else 0 end as is_assertion
    from events
),

final as (
    select
        fact_id,
        doc_id,
        country_iso3,
        org_code,
        event_type,
        event_date_earliest as changed_on,
        event_date_latest as changed_on_latest,
        event_date_precision as changed_on_precision,
        act_kind,
        status,
        status_priority,
        is_assertion
    from mapped
    where status is not null
)

select * from final

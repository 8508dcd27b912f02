-- How did Armenia's CSTO relationship unravel? Every dated membership step and CSTO-related event.
select
    event_date_earliest as happened_on,
    event_date_precision as date_precision,
    'membership' as kind,
    event_type as what,
    act_kind as legal_nature,
    doc_id,
    evidence
from {{ ref('fct_membership_event') }}
where country_iso3 = 'ARM' and org_code = 'CSTO' and event_date_earliest is not null
union all
select
    events.event_date_earliest as happened_on,
    events.event_date_precision as date_precision,
    'event' as kind,
    events.event_type || ': ' || events.event_name as what,
    cast(null as {{ dbt.type_string() }}) as legal_nature,
    events.doc_id,
    events.evidence
from {{ ref('fct_event') }} as events
inner join {{ ref('fct_event_actor') }} as actors
    on events.fact_id = actors.fact_id
where actors.actor_code = 'CSTO' and events.event_date_earliest is not null
order by happened_on asc, kind asc, what asc

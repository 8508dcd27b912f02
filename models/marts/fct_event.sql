-- One row per dated event with its stated figures; each figure keeps the bounds its figure_qualifier
-- puts on the true value (the qualifier vocabulary's rules; an open bound is null).
{% set event_figures = ['killed', 'displaced', 'troops', 'area_km2'] %}

select
    events.fact_id,
    events.doc_id,
    events.event_type,
    events.event_name,
    {{ stated_date_projection('event_date', 'events') }},
    events.end_date_iso,
    events.end_date_latest,
    events.location_iso3,
    events.location_detail,
    {%- for figure in event_figures %}
        events.{{ figure }},
        {{ bound_from('qualifiers.lower_bound_from', 'events.' ~ figure) }} as {{ figure }}_lower,
        {{ bound_from('qualifiers.upper_bound_from', 'events.' ~ figure) }} as {{ figure }}_upper,
    {%- endfor %}
    events.figure_qualifier,
    qualifiers.is_exact as figures_are_exact,
    events.evidence
from {{ ref('stg_facts__events') }} as events
{{ join_qualifier_rules('events.figure_qualifier', join_type='left') }}

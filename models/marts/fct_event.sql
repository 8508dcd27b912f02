-- One row per dated event with its stated figures; each figure keeps the bounds its figure_qualifier
-- puts on the true value (the qualifier vocabulary's rules; an open bound is null).
{% set event_figures = ['killed', 'displaced', 'troops', 'area_km2'] %}

with events as (
    select
        fact_id,
        doc_id,
        event_type,
        event_name,
        event_date_iso,
        event_date_earliest,
        event_date_latest,
        event_date_precision,
        event_date_basis,
        date_basis_note,
        end_date_iso,
        end_date_latest,
        location_iso3,
        location_detail,
        killed,
        displaced,
        troops,
        area_km2,
        figure_qualifier,
        evidence
    from {{ ref('stg_facts__events') }}
)

select
    events.fact_id,
    events.doc_id,
    events.event_type,
    events.event_name,
    events.event_date_iso,
    events.event_date_earliest,
    events.event_date_latest,
    events.event_date_precision,
    events.event_date_basis,
    events.date_basis_note,
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
from events
{{ join_qualifier_rules('events.figure_qualifier', join_type='left') }}

-- One row per stated quantity, with the bounds its qualifier puts on the true value (the qualifier
-- vocabulary decides which bound the figure is; an open bound is null) and whether it is exact.
with indicators as (
    select
        fact_id,
        doc_id,
        subject_code,
        subject_kind,
        indicator,
        value,
        value_upper as value_range_top,
        unit,
        ref_year,
        ref_date_iso,
        ref_date_earliest,
        ref_date_precision,
        qualifier,
        evidence
    from {{ ref('stg_facts__indicators') }}
)

select
    indicators.fact_id,
    indicators.doc_id,
    indicators.subject_code,
    indicators.subject_kind,
    case when indicators.subject_kind = 'country' then indicators.subject_code end as subject_iso3,
    case when indicators.subject_kind = 'organization' then indicators.subject_code end as subject_org_code,
    indicators.indicator,
    indicators.value,
    {{ bound_from('qualifiers.lower_bound_from', 'indicators.value') }} as value_lower,
    {{ bound_from('qualifiers.upper_bound_from', 'indicators.value', 'indicators.value_range_top') }} as value_upper,
    indicators.unit,
    indicators.ref_year,
    indicators.ref_date_iso,
    indicators.ref_date_earliest,
    indicators.ref_date_precision,
    indicators.qualifier,
    qualifiers.is_exact,
    indicators.evidence
from indicators
{{ join_qualifier_rules('indicators.qualifier') }}

-- One row per stated trade figure, with the bounds its qualifier puts on the true value (the qualifier
-- vocabulary decides which bound the figure is; an open bound is null) and whether it is exact.
with trade_figures as (
    select
        fact_id,
        doc_id,
        reporter_iso3,
        partner_iso3,
        partner_org_code,
        flow,
        trade_year,
        value_usd,
        value_usd_upper as value_usd_range_top,
        share_pct,
        partner_rank,
        qualifier,
        evidence
    from {{ ref('stg_facts__trade_figures') }}
)

select
    trade_figures.fact_id,
    trade_figures.doc_id,
    trade_figures.reporter_iso3,
    trade_figures.partner_iso3,
    trade_figures.partner_org_code,
    trade_figures.flow,
    trade_figures.trade_year,
    trade_figures.value_usd,
    {{ bound_from('qualifiers.lower_bound_from', 'trade_figures.value_usd') }} as value_usd_lower,
    {{ bound_from('qualifiers.upper_bound_from', 'trade_figures.value_usd', 'trade_figures.value_usd_range_top') }}
        as value_usd_upper,
    trade_figures.share_pct,
    {{ bound_from('qualifiers.lower_bound_from', 'trade_figures.share_pct') }} as share_pct_lower,
    {{ bound_from('qualifiers.upper_bound_from', 'trade_figures.share_pct') }} as share_pct_upper,
    trade_figures.partner_rank,
    trade_figures.qualifier,
    qualifiers.is_exact,
    trade_figures.evidence
from trade_figures
{{ join_qualifier_rules('trade_figures.qualifier') }}

-- One row per stated share or rank. A rank's qualifier bounds it like any figure: "the two biggest" is a rank
-- up to 2, so the best rank it allows is 1 and the worst 2; "at least third" leaves the worst rank open.
select
    supplier_shares.fact_id,
    supplier_shares.doc_id,
    supplier_shares.supplier_iso3,
    supplier_shares.recipient_iso3,
    supplier_shares.period_start_year,
    supplier_shares.period_end_year,
    supplier_shares.share_pct,
    supplier_shares.share_pct_upper,
    supplier_shares.supplier_rank,
    supplier_shares.supplier_rank_upper,
    -- ranks are whole numbers counted from 1: an open lower bound is rank 1, an exclusive bound moves by one
    case
        when supplier_shares.supplier_rank is null then null
        else coalesce(
            {{ bound_from('qualifiers.lower_bound_from', 'supplier_shares.supplier_rank', 'supplier_shares.supplier_rank_upper') }}
            + case when qualifiers.lower_bound_inclusive then 0 else 1 end,
            1
        )
    end as supplier_rank_best,
    {{ bound_from('qualifiers.upper_bound_from', 'supplier_shares.supplier_rank', 'supplier_shares.supplier_rank_upper') }}
    - case when qualifiers.upper_bound_inclusive then 0 else 1 end as supplier_rank_worst,
    supplier_shares.measure,
    supplier_shares.qualifier,
    supplier_shares.evidence
from {{ ref('stg_facts__arms_supplier_shares') }} as supplier_shares
{{ join_qualifier_rules('supplier_shares.qualifier', join_type='left') }}

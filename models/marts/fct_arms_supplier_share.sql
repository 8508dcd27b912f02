-- One row per stated share or rank. A rank's qualifier bounds it like any figure: "the two biggest" is a rank
-- up to 2, so the best rank it allows is 1 and the worst 2; "at least third" leaves the worst rank open.
with shares as (
    select
        fact_id,
        doc_id,
        supplier_iso3,
        recipient_iso3,
        period_start_year,
        period_end_year,
        share_pct,
        share_pct_upper,
        supplier_rank,
        supplier_rank_upper,
        measure,
        qualifier,
        evidence
    from {{ ref('stg_facts__arms_supplier_shares') }}
),

qualifiers as (
    select
        qualifier,
        lower_bound_from,
        upper_bound_from,
        lower_bound_inclusive,
        upper_bound_inclusive
    from {{ ref('stg_vocabulary__qualifiers') }}
)

select
    shares.fact_id,
    shares.doc_id,
    shares.supplier_iso3,
    shares.recipient_iso3,
    shares.period_start_year,
    shares.period_end_year,
    shares.share_pct,
    shares.share_pct_upper,
    shares.supplier_rank,
    shares.supplier_rank_upper,
    -- ranks are whole numbers counted from 1: an open lower bound is rank 1, an exclusive bound moves by one
    case
        when shares.supplier_rank is null then null
        else coalesce(
            {{ bound_from('qualifiers.lower_bound_from', 'shares.supplier_rank', 'shares.supplier_rank_upper') }}
            + case when qualifiers.lower_bound_inclusive then 0 else 1 end,
            1
        )
    end as supplier_rank_best,
    {{ bound_from('qualifiers.upper_bound_from', 'shares.supplier_rank', 'shares.supplier_rank_upper') }}
    - case when qualifiers.upper_bound_inclusive then 0 else 1 end as supplier_rank_worst,
    shares.measure,
    shares.qualifier,
    shares.evidence
from shares
left join qualifiers
    on shares.qualifier = qualifiers.qualifier

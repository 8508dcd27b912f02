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

final as (
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
        case
            when supplier_rank is null then null
            when qualifier in ('up_to', 'less_than') then 1
            when qualifier = 'more_than' then supplier_rank + 1
            else supplier_rank
        end as supplier_rank_best,
        case
            when supplier_rank is null then null
            when qualifier = 'range' then supplier_rank_upper
            when qualifier = 'less_than' then supplier_rank - 1
            when qualifier in ('at_least', 'more_than') then null
            else supplier_rank
        end as supplier_rank_worst,
        measure,
        qualifier,
        evidence
    from shares
)

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
    supplier_rank_best,
    supplier_rank_worst,
    measure,
    qualifier,
    evidence
from final

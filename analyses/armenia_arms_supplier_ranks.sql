-- Who are Armenia's top arms suppliers, as the texts rank them? Every stated rank of a supplier among Armenia's
-- arms suppliers or backers, with the period, the best and worst rank the statement allows ("the two biggest"
-- names two suppliers without an order: rank 1 to 2) and the quote.
select
    fact_id,
    doc_id,
    supplier_iso3,
    measure,
    period_start_year,
    period_end_year,
    supplier_rank as best_rank,
    coalesce(supplier_rank_upper, supplier_rank) as worst_rank,
    qualifier,
    evidence
from {{ ref('fct_arms_supplier_share') }}
where
    recipient_iso3 = 'ARM'
    and supplier_rank is not null
order by period_end_year desc, best_rank asc, supplier_iso3 asc, fact_id asc

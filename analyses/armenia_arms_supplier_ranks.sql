-- Who are Armenia's top arms suppliers, as the texts rank them? Every stated rank of a supplier among Armenia's
-- arms suppliers or backers, with the period, the best and worst rank the statement allows ("the two biggest"
-- names two suppliers without an order: a rank up to 2, so 1 to 2) and the quote.
select
    fact_id,
    doc_id,
    supplier_iso3,
    measure,
    period_start_year,
    period_end_year,
    supplier_rank,
    qualifier,
    supplier_rank_best as best_rank,
    supplier_rank_worst as worst_rank,
    evidence
from {{ ref('fct_arms_supplier_share') }}
where
    recipient_iso3 = 'ARM'
    and supplier_rank is not null
order by period_end_year desc, supplier_rank_best asc, supplier_iso3 asc, fact_id asc

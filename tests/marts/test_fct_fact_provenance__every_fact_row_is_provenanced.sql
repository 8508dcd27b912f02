-- Every row of every fact table appears in the provenance mart (and nothing else does): the fact marts, and
-- for the tables without one (treaties, treaty parties, claims, ties) their staging models.
with fact_rows as (
    select
        'trade_figures' as fact_table,
        fact_id
    from {{ ref('fct_trade_flow') }}
    union all
    select
        'arms_transfers' as fact_table,
        fact_id
    from {{ ref('fct_arms_transfer') }}
    union all
    select
        'arms_supplier_shares' as fact_table,
        fact_id
    from {{ ref('fct_arms_supplier_share') }}
    union all
    select
        'membership_events' as fact_table,
        fact_id
    from {{ ref('fct_membership_event') }}
    union all
    select
        'treaty_events' as fact_table,
        fact_id
    from {{ ref('fct_treaty_event') }}
    union all
    select
        'events' as fact_table,
        fact_id
    from {{ ref('fct_event') }}
    union all
    select
        'indicators' as fact_table,
        fact_id
    from {{ ref('fct_indicator') }}
    union all
    select
        'treaties' as fact_table,
        treaty_id as fact_id
    from {{ ref('stg_facts__treaties') }}
    union all
    select
        'treaty_parties' as fact_table,
        fact_id
    from {{ ref('stg_facts__treaty_parties') }}
    union all
    select
        'claims' as fact_table,
        claim_id as fact_id
    from {{ ref('stg_facts__claims') }}
    union all
    select
        'ties' as fact_table,
        fact_id
    from {{ ref('stg_facts__ties') }}
),

provenance as (
    select
        fact_table,
        fact_id
    from {{ ref('fct_fact_provenance') }}
)

-- a fact row with no provenance row, or a provenance row with no fact row
select
    coalesce(fact_rows.fact_table, provenance.fact_table) as fact_table,
    coalesce(fact_rows.fact_id, provenance.fact_id) as fact_id,
    case
        when provenance.fact_id is null then 'missing from provenance'
        else 'provenance without a fact'
    end as problem
from fact_rows
full outer join provenance
    on
        fact_rows.fact_table = provenance.fact_table
        and fact_rows.fact_id = provenance.fact_id
where fact_rows.fact_id is null or provenance.fact_id is null

-- Every row of every fact table appears in the provenance mart (and nothing else does): the fact marts, and
-- for the tables without one (treaties, treaty parties, claims, ties) their staging models.
{#- fact table: the relation holding its rows and the column of their id (seeds/vocabulary/fact_tables.csv) -#}
{%- set fact_relations = [
    ('trade_figures', 'fct_trade_flow', 'fact_id'),
    ('arms_transfers', 'fct_arms_transfer', 'fact_id'),
    ('arms_supplier_shares', 'fct_arms_supplier_share', 'fact_id'),
    ('membership_events', 'fct_membership_event', 'fact_id'),
    ('treaty_events', 'fct_treaty_event', 'fact_id'),
    ('events', 'fct_event', 'fact_id'),
    ('indicators', 'fct_indicator', 'fact_id'),
    ('treaties', 'stg_facts__treaties', 'treaty_id'),
    ('treaty_parties', 'stg_facts__treaty_parties', 'fact_id'),
    ('claims', 'stg_facts__claims', 'claim_id'),
    ('ties', 'stg_facts__ties', 'fact_id'),
] %}

with fact_rows as (
    {%- for fact_table, relation, id_column in fact_relations %}
        select
            '{{ fact_table }}' as fact_table,
            {{ id_column }} as fact_id
        from {{ ref(relation) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
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

-- The life of each arms deal: one row per deal and stage any text states, in the order of arms_deal_stages,
-- dated by the earliest statement of that stage (its ISO string, first and last possible day and precision).
-- Most precise evidence wins: statements of the stage whose dates overlap state one step and take the range all
-- of them allow (agreed_date_ranges), named by stage_date_fact_id; a later, separate statement does not move it.
with transfers as (
    select
        fact_id,
        doc_id,
        deal_key,
        status,
        stage_order,
        status_date_iso,
        status_date_earliest,
        status_date_latest,
        status_date_precision
    from {{ ref('int_arms_transfers_resolved') }}
),

{{ agreed_date_ranges(
    'agreed_dates', 'transfers', ['deal_key', 'status'],
    earliest='status_date_earliest', latest='status_date_latest', precision='status_date_precision'
) }},

-- the first cluster of statements of the stage (cluster_number 1 holds the earliest range), dated by its most
-- precise statement
earliest_statement as (
    select
        agreed_dates.deal_key,
        agreed_dates.status,
        dated.status_date_iso,
        agreed_dates.agreed_earliest as status_date_earliest,
        agreed_dates.agreed_latest as status_date_latest,
        agreed_dates.agreed_precision as status_date_precision,
        agreed_dates.date_fact_id
    from agreed_dates
    inner join transfers as dated
        on agreed_dates.date_fact_id = dated.fact_id
    where agreed_dates.cluster_number = 1 and agreed_dates.fact_id = agreed_dates.date_fact_id
),

stage_support as (
    select
        deal_key,
        status,
        min(stage_order) as stage_order,
        count(*) as stage_fact_count,
        count(distinct doc_id) as doc_count,
        {{ dbt.listagg('fact_id', "', '", 'order by fact_id') }} as fact_ids
    from transfers
    group by deal_key, status
),

final as (
    select
        stage_support.deal_key || ':' || stage_support.status as deal_stage_id,
        stage_support.deal_key,
        stage_support.status as deal_stage,
        stage_support.stage_order,
        earliest_statement.status_date_iso as stage_date_iso,
        earliest_statement.status_date_earliest as stage_date_earliest,
        earliest_statement.status_date_latest as stage_date_latest,
        earliest_statement.status_date_precision as stage_date_precision,
        earliest_statement.date_fact_id as stage_date_fact_id,
        stage_support.stage_fact_count,
        stage_support.doc_count,
        stage_support.fact_ids
    from stage_support
    left join earliest_statement
        on
            stage_support.deal_key = earliest_statement.deal_key
            and stage_support.status = earliest_statement.status
)

select * from final

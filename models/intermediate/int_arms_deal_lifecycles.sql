-- The life of each arms deal: one row per deal and stage any text states, in the order of arms_deal_stages,
-- dated by the earliest statement of that stage (its ISO string, first and last possible day and precision).
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

ranked as (
    select
        fact_id,
        doc_id,
        deal_key,
        status,
        stage_order,
        status_date_iso,
        status_date_earliest,
        status_date_latest,
        status_date_precision,
        row_number() over (
            partition by deal_key, status
            order by
                case when status_date_earliest is null then 1 else 0 end,
                status_date_earliest,
                status_date_latest,
                fact_id
        ) as date_rank
    from transfers
),

earliest_statement as (
    select
        deal_key,
        status,
        status_date_iso,
        status_date_earliest,
        status_date_latest,
        status_date_precision
    from ranked
    where date_rank = 1
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
        stage_support.stage_fact_count,
        stage_support.doc_count,
        stage_support.fact_ids
    from stage_support
    inner join earliest_statement
        on
            stage_support.deal_key = earliest_statement.deal_key
            and stage_support.status = earliest_statement.status
)

select * from final

{#- "Most precise evidence wins": the CTEs that give every dated statement the date range all statements of its
    cluster allow. A cluster is a run of statements about the same thing (partition_by: e.g. country,
    organisation and event type) whose date ranges [earliest, latest] overlap, directly or through one another.
    - The cluster's agreed range is the intersection: the latest earliest day and the earliest latest day
      ('February 2024' and '22 February 2024' agree on 2024-02-22).
    - date_fact_id names the statement that gives it: the narrowest range (fewest days; then the lowest fact id).
      Day, month and year periods are nested or disjoint, so the intersection is always the narrowest range and
      agreed_precision is that statement's precision.
    - is_date_agreed is false when the ranges only chain (A overlaps B, B overlaps C, A and C apart) and have no
      common day; the cluster then keeps the narrowest statement's own range. Such rows are date conflicts
      (mart_source_conflicts pairs the statements whose ranges do not overlap).
    - Statements whose ranges do not overlap form separate clusters: the same step stated twice at different times
      is two clusters (a date conflict for a one-off step), never an average.
    Emits CTEs named <name>_ordered, <name>_clustered, <name>_ranked, <name>_agreed and <name> (one row per input
    statement: its partition columns, fact_id, earliest, latest, precision, cluster_number, agreed_earliest,
    agreed_latest, agreed_precision, date_fact_id, merged_fact_ids, merged_fact_count, is_date_agreed). Put it in
    a `with` list after the relation `statements` it reads; only its rows with a date (earliest not null) that meet
    the optional condition `where` are statements.
    Portable SQL: window functions, dbt.datediff and dbt.listagg. -#}
{% macro agreed_date_ranges(name, statements, partition_by, fact_id='fact_id', earliest='date_earliest', latest='date_latest', precision='date_precision', where=none) -%}
{%- set partition_list = partition_by | join(', ') -%}
{%- set order_in_partition = earliest ~ ', ' ~ latest ~ ', ' ~ fact_id -%}
{{ name }}_ordered as (
    select
        {{ partition_list }},
        {{ fact_id }} as fact_id,
        {{ earliest }} as earliest,
        {{ latest }} as latest,
        {{ precision }} as precision,
        max({{ latest }}) over (
            partition by {{ partition_list }} order by {{ order_in_partition }}
            rows between unbounded preceding and 1 preceding
        ) as latest_before
    from {{ statements }}
    where {{ earliest }} is not null{{ ' and (' ~ where ~ ')' if where }}
),

{{ name }}_clustered as (
    select
        {{ partition_list }},
        fact_id,
        earliest,
        latest,
        precision,
        sum(case when latest_before is null or earliest > latest_before then 1 else 0 end) over (
            partition by {{ partition_list }} order by earliest, latest, fact_id
            rows between unbounded preceding and current row
        ) as cluster_number
    from {{ name }}_ordered
),

{{ name }}_ranked as (
    select
        {{ partition_list }},
        fact_id,
        earliest,
        latest,
        precision,
        cluster_number,
        row_number() over (
            partition by {{ partition_list }}, cluster_number
            order by {{ dbt.datediff('earliest', 'latest', 'day') }}, fact_id
        ) as precision_rank
    from {{ name }}_clustered
),

{{ name }}_agreed as (
    select
        {{ partition_list }},
        cluster_number,
        max(earliest) as intersection_earliest,
        min(latest) as intersection_latest,
        count(*) as merged_fact_count,
        {{ dbt.listagg('fact_id', "', '", 'order by fact_id') }} as merged_fact_ids
    from {{ name }}_clustered
    group by {{ partition_list }}, cluster_number
),

{{ name }} as (
    select
        {%- for column in partition_by %}
        stated.{{ column }},
        {%- endfor %}
        stated.fact_id,
        stated.earliest,
        stated.latest,
        stated.precision,
        stated.cluster_number,
        agreed.intersection_earliest <= agreed.intersection_latest as is_date_agreed,
        case
            when agreed.intersection_earliest <= agreed.intersection_latest then agreed.intersection_earliest
            else narrowest.earliest
        end as agreed_earliest,
        case
            when agreed.intersection_earliest <= agreed.intersection_latest then agreed.intersection_latest
            else narrowest.latest
        end as agreed_latest,
        narrowest.precision as agreed_precision,
        narrowest.fact_id as date_fact_id,
        agreed.merged_fact_ids,
        agreed.merged_fact_count
    from {{ name }}_clustered as stated
    inner join {{ name }}_agreed as agreed
        on
            {%- for column in partition_by %}
            stated.{{ column }} = agreed.{{ column }} and
            {%- endfor %}
            stated.cluster_number = agreed.cluster_number
    inner join {{ name }}_ranked as narrowest
        on
            {%- for column in partition_by %}
            stated.{{ column }} = narrowest.{{ column }} and
            {%- endfor %}
            stated.cluster_number = narrowest.cluster_number
            and narrowest.precision_rank = 1
)
{%- endmacro %}

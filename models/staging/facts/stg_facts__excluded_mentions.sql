-- depends_on: {{ ref('excluded_mentions') }}
with source_rows as (
    select * from {{ source('facts', 'excluded_mentions') }}
),

final as (
    select
        exclusion_id,
        doc_id,
        mention,
        context,
        reason
    from source_rows
)

select * from final

-- depends_on: {{ ref('treaty_parties') }}
with source_rows as (
    select * from {{ source('facts', 'treaty_parties') }}
),

final as (
    select
        fact_id,
        doc_id,
        lower(trim(treaty_id)) as treaty_id,
        upper(trim(party_code)) as party_code,
        lower(trim(party_kind)) as party_kind,
        evidence,
        note
    from source_rows
)

select * from final

-- Every fact row of every fact seed in one shape, with its provenance: document, quote, date and precision.
-- The fact tables and their id prefixes are the vocabulary seed fact_tables; a table missing there has no
-- fact_id_prefix/fact_mart here, which the tests on this model and on fct_fact_provenance catch.
with trade_figures as (
    select
        'trade_figures' as fact_table,
        fact_id,
        doc_id,
        reporter_iso3 as subject_code,
        cast(trade_year as {{ dbt.type_string() }}) as fact_date_iso,
        case when trade_year is not null then 'year' end as fact_date_precision,
        case when trade_year is not null then 'stated' end as fact_date_basis,
        qualifier,
        evidence
    from {{ ref('stg_facts__trade_figures') }}
),

arms_transfers as (
    select
        'arms_transfers' as fact_table,
        fact_id,
        doc_id,
        supplier_iso3 as subject_code,
        status_date_iso as fact_date_iso,
        status_date_precision as fact_date_precision,
        status_date_basis as fact_date_basis,
        qualifier,
        evidence
    from {{ ref('stg_facts__arms_transfers') }}
),

arms_supplier_shares as (
    select
        'arms_supplier_shares' as fact_table,
        fact_id,
        doc_id,
        supplier_iso3 as subject_code,
        cast(period_start_year as {{ dbt.type_string() }}) as fact_date_iso,
        case when period_start_year is not null then 'year' end as fact_date_precision,
        case when period_start_year is not null then 'stated' end as fact_date_basis,
        qualifier,
        evidence
    from {{ ref('stg_facts__arms_supplier_shares') }}
),

membership_events as (
    select
        'membership_events' as fact_table,
        fact_id,
        doc_id,
        country_iso3 as subject_code,
        event_date_iso as fact_date_iso,
        event_date_precision as fact_date_precision,
        event_date_basis as fact_date_basis,
        cast(null as {{ dbt.type_string() }}) as qualifier,
        evidence
    from {{ ref('stg_facts__membership_events') }}
),

treaties as (
    select
        'treaties' as fact_table,
        treaty_id as fact_id,
        doc_id,
        org_code as subject_code,
        cast(null as {{ dbt.type_string() }}) as fact_date_iso,
        cast(null as {{ dbt.type_string() }}) as fact_date_precision,
        cast(null as {{ dbt.type_string() }}) as fact_date_basis,
        cast(null as {{ dbt.type_string() }}) as qualifier,
        evidence
    from {{ ref('stg_facts__treaties') }}
),

treaty_parties as (
    select
        'treaty_parties' as fact_table,
        fact_id,
        doc_id,
        party_code as subject_code,
        cast(null as {{ dbt.type_string() }}) as fact_date_iso,
        cast(null as {{ dbt.type_string() }}) as fact_date_precision,
        cast(null as {{ dbt.type_string() }}) as fact_date_basis,
        cast(null as {{ dbt.type_string() }}) as qualifier,
        evidence
    from {{ ref('stg_facts__treaty_parties') }}
),

treaty_events as (
    select
        'treaty_events' as fact_table,
        fact_id,
        doc_id,
        treaty_id as subject_code,
        event_date_iso as fact_date_iso,
        event_date_precision as fact_date_precision,
        event_date_basis as fact_date_basis,
        qualifier,
        evidence
    from {{ ref('stg_facts__treaty_events') }}
),

events as (
    select
        'events' as fact_table,
        fact_id,
        doc_id,
        location_iso3 as subject_code,
        event_date_iso as fact_date_iso,
        event_date_precision as fact_date_precision,
        event_date_basis as fact_date_basis,
        figure_qualifier as qualifier,
        evidence
    from {{ ref('stg_facts__events') }}
),

indicators as (
    select
        'indicators' as fact_table,
        fact_id,
        doc_id,
        subject_code,
        coalesce(ref_date_iso, cast(ref_year as {{ dbt.type_string() }})) as fact_date_iso,
        coalesce(ref_date_precision, case when ref_year is not null then 'year' end) as fact_date_precision,
        case when ref_date_iso is not null or ref_year is not null then 'stated' end as fact_date_basis,
        qualifier,
        evidence
    from {{ ref('stg_facts__indicators') }}
),

claims as (
    select
        'claims' as fact_table,
        claim_id as fact_id,
        doc_id,
        subject_code,
        cast(null as {{ dbt.type_string() }}) as fact_date_iso,
        cast(null as {{ dbt.type_string() }}) as fact_date_precision,
        cast(null as {{ dbt.type_string() }}) as fact_date_basis,
        cast(null as {{ dbt.type_string() }}) as qualifier,
        evidence
    from {{ ref('stg_facts__claims') }}
),

ties as (
    select
        'ties' as fact_table,
        fact_id,
        doc_id,
        from_code as subject_code,
        coalesce(as_of_date_iso, cast(start_year as {{ dbt.type_string() }})) as fact_date_iso,
        case
            when as_of_date_iso is not null then as_of_date_precision
            when start_year is not null then 'year'
        end as fact_date_precision,
        case
            when as_of_date_iso is not null then as_of_date_basis
            when start_year is not null then 'stated'
        end as fact_date_basis,
        cast(null as {{ dbt.type_string() }}) as qualifier,
        evidence
    from {{ ref('stg_facts__ties') }}
),

fact_tables as (
    select
        fact_table,
        fact_id_prefix,
        fact_mart
    from {{ ref('stg_vocabulary__fact_tables') }}
),

unioned as (
    select * from trade_figures
    union all
    select * from arms_transfers
    union all
    select * from arms_supplier_shares
    union all
    select * from membership_events
    union all
    select * from treaties
    union all
    select * from treaty_parties
    union all
    select * from treaty_events
    union all
    select * from events
    union all
    select * from indicators
    union all
    select * from claims
    union all
    select * from ties
),

final as (
    select
        unioned.fact_table || ':' || unioned.fact_id as fact_key,
        unioned.fact_table,
        fact_tables.fact_id_prefix,
        fact_tables.fact_mart,
        unioned.fact_id,
        unioned.doc_id,
        unioned.subject_code,
        unioned.fact_date_iso,
        {{ period_start('unioned.fact_date_iso', 'unioned.fact_date_precision') }} as fact_date_earliest,
        {{ period_end('unioned.fact_date_iso', 'unioned.fact_date_precision') }} as fact_date_latest,
        unioned.fact_date_precision,
        unioned.fact_date_basis,
        unioned.qualifier,
        unioned.evidence
    from unioned
    left join fact_tables
        on unioned.fact_table = fact_tables.fact_table
)

select * from final

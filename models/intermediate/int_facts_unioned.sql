-- Every fact row of every fact seed in one shape, with its provenance: document, quote, date and precision.
-- The fact tables and their id prefixes are the vocabulary seed fact_tables; a table missing there has no
-- fact_id_prefix/fact_mart here, which the tests on this model and on fct_fact_provenance catch.
with trade_figures as (
    {{ provenance_select('trade_figures', ref('stg_facts__trade_figures'), 'reporter_iso3', year_column='trade_year') }}
),

arms_transfers as (
    {{ provenance_select('arms_transfers', ref('stg_facts__arms_transfers'), 'supplier_iso3', date_prefix='status_date') }}
),

arms_supplier_shares as (
    {{ provenance_select(
        'arms_supplier_shares', ref('stg_facts__arms_supplier_shares'), 'supplier_iso3', year_column='period_start_year'
    ) }}
),

membership_events as (
    {{ provenance_select(
        'membership_events', ref('stg_facts__membership_events'), 'country_iso3', date_prefix='event_date', qualifier=none
    ) }}
),

treaties as (
    {{ provenance_select('treaties', ref('stg_facts__treaties'), 'org_code', fact_id='treaty_id', qualifier=none) }}
),

treaty_parties as (
    {{ provenance_select('treaty_parties', ref('stg_facts__treaty_parties'), 'party_code', qualifier=none) }}
),

treaty_events as (
    {{ provenance_select('treaty_events', ref('stg_facts__treaty_events'), 'treaty_id', date_prefix='event_date') }}
),

events as (
    {{ provenance_select(
        'events', ref('stg_facts__events'), 'location_iso3', date_prefix='event_date', qualifier='figure_qualifier'
    ) }}
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
    {{ provenance_select('claims', ref('stg_facts__claims'), 'subject_code', fact_id='claim_id', qualifier=none) }}
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

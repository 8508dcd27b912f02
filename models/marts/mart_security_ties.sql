-- For each pair of countries, kind of tie and year: the tie is in force in that year, on what basis, how many fact
-- rows say so and which text said it last. Kinds are seeds/vocabulary/tie_kinds.csv; a mutual kind (alliance)
-- orders the pair alphabetically, a directed one (arms_supply) runs from the supplier to the recipient.
-- Evidence comes from every table that can show a tie:
--   ties            a tie a text states (attested), over the years it states or at its as-of date;
--                   one that names its treaty is also in force from the treaty's signing (stated_event)
--                   to its expiry, denunciation or the last year the texts cover;
--   arms_transfers  a deal delivering or delivered, over its supply years or at its stage date
--                   (stated_event, attested when the stage is dated only by publication);
--   arms_supplier_shares  a share of a recipient's arms (arms_supply) or a rank among its backers (backer), attested;
--   membership spells     two countries members of one organisation in the same year (membership_together).
-- Years run to the last year any text was published: nothing is said of later years, even when a text states a
-- later end (a treaty in force to 2044 shows no tie in 2044).
with documents as (
    select
        doc_id,
        known_from,
        cast(extract(year from published_on_latest) as integer) as published_year
    from {{ ref('dim_document') }}
),

coverage_end as (
    select max(published_year) as last_year
    from documents
),

years as (
    select distinct year_number
    from {{ ref('dim_date') }}
),

tie_kinds as (
    select
        tie_kind,
        is_directed,
        from_role,
        to_role
    from {{ ref('stg_vocabulary__tie_kinds') }}
),

tie_bases as (
    select
        tie_basis,
        basis_rank
    from {{ ref('stg_vocabulary__tie_bases') }}
),

stated_ties as (
    select
        fact_id,
        doc_id,
        from_code,
        to_code,
        tie_kind,
        treaty_id,
        coalesce(start_year, cast(extract(year from as_of_date_earliest) as integer)) as first_year,
        coalesce(end_year, cast(extract(year from as_of_date_latest) as integer), start_year) as last_year
    from {{ ref('stg_facts__ties') }}
    where
        is_in_force
        and from_kind = 'country'
        and to_kind = 'country'
),

attested_tie_spans as (
    select
        from_code,
        to_code,
        tie_kind,
        fact_id,
        doc_id,
        'attested' as tie_basis,
        first_year,
        last_year
    from stated_ties
    where first_year is not null
),

treaty_steps as (
    select
        treaty_id,
        fact_id,
        doc_id
    from {{ ref('stg_facts__treaty_events') }}
    where event_type in ('signed', 'in_force', 'extended')
),

treaty_spans as (
    select
        lifecycles.treaty_id,
        cast(extract(year from coalesce(lifecycles.signed_on, lifecycles.in_force_on)) as integer) as first_year,
        case
            when lifecycles.denounced_on is not null
                then cast(extract(year from lifecycles.denounced_on) as integer)
            when lifecycles.valid_until_year is not null and lifecycles.valid_until_year < coverage_end.last_year
                then lifecycles.valid_until_year
            else coverage_end.last_year
        end as last_year
    from {{ ref('int_treaty_lifecycles') }} as lifecycles
    cross join coverage_end
    where coalesce(lifecycles.signed_on, lifecycles.in_force_on) is not null
),

treaty_tie_spans as (
    select distinct
        stated_ties.from_code,
        stated_ties.to_code,
        stated_ties.tie_kind,
        treaty_steps.fact_id,
        treaty_steps.doc_id,
        'stated_event' as tie_basis,
        treaty_spans.first_year,
        treaty_spans.last_year
    from stated_ties
    inner join treaty_spans
        on stated_ties.treaty_id = treaty_spans.treaty_id
    inner join treaty_steps
        on stated_ties.treaty_id = treaty_steps.treaty_id
),

arms_supply_spans as (
    select
        supplier_iso3 as from_code,
        recipient_iso3 as to_code,
        'arms_supply' as tie_kind,
        fact_id,
        doc_id,
        case when status_date_basis = 'publication_date' then 'attested' else 'stated_event' end as tie_basis,
        coalesce(supply_start_year, cast(extract(year from status_date_earliest) as integer)) as first_year,
        coalesce(supply_end_year, cast(extract(year from status_date_latest) as integer)) as last_year
    from {{ ref('stg_facts__arms_transfers') }}
    where
        status in ('delivering', 'delivered')
        and coalesce(supply_start_year, cast(extract(year from status_date_earliest) as integer)) is not null
),

share_spans as (
    select
        supplier_iso3 as from_code,
        recipient_iso3 as to_code,
        case when measure = 'share_of_foreign_support' then 'backer' else 'arms_supply' end as tie_kind,
        fact_id,
        doc_id,
        'attested' as tie_basis,
        coalesce(period_start_year, period_end_year) as first_year,
        period_end_year as last_year
    from {{ ref('stg_facts__arms_supplier_shares') }}
    where
        period_end_year is not null
        and (share_pct > 0 or supplier_rank is not null)
),

member_spells as (
    select
        spells.country_iso3,
        spells.org_code,
        spells.start_fact_id,
        spells.start_basis,
        cast(extract(year from coalesce(spells.valid_from, spells.first_attested_on)) as integer) as first_year,
        case
            when spells.valid_to is null then coverage_end.last_year
            else cast(extract(year from spells.valid_to) as integer)
        end as last_year
    from {{ ref('fct_membership_spell') }} as spells
    cross join coverage_end
    where spells.status = 'member'
),

membership_events as (
    select
        fact_id,
        doc_id
    from {{ ref('fct_membership_event') }}
),

membership_pairs as (
    select
        first_member.country_iso3 as from_code,
        second_member.country_iso3 as to_code,
        case
            when first_member.start_basis = 'stated_event' and second_member.start_basis = 'stated_event'
                then 'stated_event'
            else 'attested'
        end as tie_basis,
        first_member.start_fact_id as first_fact_id,
        second_member.start_fact_id as second_fact_id,
        case
            when first_member.first_year > second_member.first_year then first_member.first_year
            else second_member.first_year
        end as first_year,
        case
            when first_member.last_year < second_member.last_year then first_member.last_year
            else second_member.last_year
        end as last_year
    from member_spells as first_member
    inner join member_spells as second_member
        on
            first_member.org_code = second_member.org_code
            and first_member.country_iso3 < second_member.country_iso3
),

membership_spans as (
    select
        membership_pairs.from_code,
        membership_pairs.to_code,
        'membership_together' as tie_kind,
        membership_events.fact_id,
        membership_events.doc_id,
        membership_pairs.tie_basis,
        membership_pairs.first_year,
        membership_pairs.last_year
    from membership_pairs
    inner join membership_events
        on membership_events.fact_id in (membership_pairs.first_fact_id, membership_pairs.second_fact_id)
    where membership_pairs.first_year <= membership_pairs.last_year
),

spans as (
    {%- for span_relation in ['attested_tie_spans', 'treaty_tie_spans', 'arms_supply_spans', 'share_spans', 'membership_spans'] %}
        select
            from_code,
            to_code,
            tie_kind,
            fact_id,
            doc_id,
            tie_basis,
            first_year,
            last_year
        from {{ span_relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

oriented as (
    select
        case when tie_kinds.is_directed then spans.from_code else least(spans.from_code, spans.to_code) end
            as from_iso3,
        case when tie_kinds.is_directed then spans.to_code else greatest(spans.from_code, spans.to_code) end
            as to_iso3,
        spans.tie_kind,
        spans.fact_id,
        spans.doc_id,
        spans.tie_basis,
        spans.first_year,
        spans.last_year
    from spans
    inner join tie_kinds
        on spans.tie_kind = tie_kinds.tie_kind
),

evidence_years as (
    select
        oriented.from_iso3,
        oriented.to_iso3,
        oriented.tie_kind,
        years.year_number,
        oriented.fact_id,
        oriented.doc_id,
        documents.known_from,
        tie_bases.basis_rank
    from oriented
    cross join coverage_end
    inner join years
        on
            years.year_number between oriented.first_year and oriented.last_year
            and coverage_end.last_year >= years.year_number
    inner join documents
        on oriented.doc_id = documents.doc_id
    inner join tie_bases
        on oriented.tie_basis = tie_bases.tie_basis
),

tie_years as (
    select
        from_iso3,
        to_iso3,
        tie_kind,
        year_number,
        min(basis_rank) as basis_rank,
        count(distinct fact_id) as evidence_count,
        count(distinct doc_id) as document_count
    from evidence_years
    group by from_iso3, to_iso3, tie_kind, year_number
),

latest_documents as (
    select
        from_iso3,
        to_iso3,
        tie_kind,
        year_number,
        doc_id,
        row_number() over (
            partition by from_iso3, to_iso3, tie_kind, year_number
            order by known_from desc, doc_id desc
        ) as recency
    from evidence_years
),

countries as (
    select
        iso3,
        country_name
    from {{ ref('dim_country') }}
)

select
    tie_years.from_iso3 || ':' || tie_years.to_iso3 || ':' || tie_years.tie_kind || ':'
    || cast(tie_years.year_number as {{ dbt.type_string() }}) as tie_year_id,
    tie_years.from_iso3,
    from_countries.country_name as from_country_name,
    tie_years.to_iso3,
    to_countries.country_name as to_country_name,
    least(tie_years.from_iso3, tie_years.to_iso3) || '-' || greatest(tie_years.from_iso3, tie_years.to_iso3)
        as country_pair,
    tie_years.tie_kind,
    tie_kinds.is_directed,
    tie_kinds.from_role,
    tie_kinds.to_role,
    tie_years.year_number,
    tie_bases.tie_basis,
    tie_years.evidence_count,
    tie_years.document_count,
    latest_documents.doc_id as latest_doc_id
from tie_years
inner join tie_kinds
    on tie_years.tie_kind = tie_kinds.tie_kind
inner join tie_bases
    on tie_years.basis_rank = tie_bases.basis_rank
inner join latest_documents
    on
        tie_years.from_iso3 = latest_documents.from_iso3
        and tie_years.to_iso3 = latest_documents.to_iso3
        and tie_years.tie_kind = latest_documents.tie_kind
        and tie_years.year_number = latest_documents.year_number
        and latest_documents.recency = 1
inner join countries as from_countries
    on tie_years.from_iso3 = from_countries.iso3
inner join countries as to_countries
    on tie_years.to_iso3 = to_countries.iso3

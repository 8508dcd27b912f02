{#- Joins each figure row to the rules of its qualifier (stg_vocabulary__qualifiers): the join clause, with the
    vocabulary as a subquery aliased `alias` holding qualifier, lower_bound_from, upper_bound_from,
    lower_bound_inclusive, upper_bound_inclusive and is_exact, so a fact mart takes its bounds with
    bound_from(alias ~ '.lower_bound_from', ...), whether a bound is inclusive (whole-number ranks move by one when
    it is not) and its exactness from alias ~ '.is_exact'. Plain SQL: the same on DuckDB and Spark. -#}
{% macro join_qualifier_rules(qualifier_column, join_type='inner', alias='qualifiers') %}
    {{ join_type }} join (
        select
            qualifier,
            lower_bound_from,
            upper_bound_from,
            lower_bound_inclusive,
            upper_bound_inclusive,
            is_exact
        from {{ ref('stg_vocabulary__qualifiers') }}
    ) as {{ alias }}
        on {{ qualifier_column }} = {{ alias }}.qualifier
{%- endmacro %}

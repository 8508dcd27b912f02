-- Where do the sources disagree? Conflicting pairs per fact table and attribute.
select
    fact_table,
    differing_attribute,
    count(*) as conflicting_pairs
from {{ ref('mart_source_conflicts') }}
group by fact_table, differing_attribute
order by conflicting_pairs desc, fact_table asc, differing_attribute asc

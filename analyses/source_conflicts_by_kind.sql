-- Where and how do the sources disagree? Conflicting pairs per kind of disagreement (every kind of the
-- conflict_kinds vocabulary, also those with none), how many the warehouse has resolved, and over how many things.
with conflict_kinds as (
    select conflict_kind
    from {{ ref('stg_vocabulary__conflict_kinds') }}
),

conflicts as (
    select
        conflict_kind,
        compared_thing,
        is_resolved
    from {{ ref('mart_source_conflicts') }}
),

final as (
    select
        conflict_kinds.conflict_kind,
        count(conflicts.conflict_kind) as conflicting_pairs,
        sum(case when conflicts.is_resolved then 1 else 0 end) as resolved_pairs,
        count(distinct conflicts.compared_thing) as compared_things
    from conflict_kinds
    left join conflicts
        on conflict_kinds.conflict_kind = conflicts.conflict_kind
    group by conflict_kinds.conflict_kind
)

select
    conflict_kind,
    conflicting_pairs,
    coalesce(resolved_pairs, 0) as resolved_pairs,
    compared_things
from final
order by conflicting_pairs desc, conflict_kind asc

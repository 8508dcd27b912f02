-- The spells as they could be known on each day: one set per knowledge cut-off (a day on which a new document
-- becomes known), computed from that cut-off's documents only. marts.membership_as_of(valid_on, known_on) reads
-- the set whose [knowledge_from, knowledge_to] holds known_on.
select
    cast(knowledge_from as {{ dbt.type_string() }}) || ':' || spell_id as knowledge_spell_id,
    knowledge_from,
    knowledge_to,
    {{ membership_spell_columns() }},
    valid_to is null as is_open
from {{ ref('int_membership_spells') }}

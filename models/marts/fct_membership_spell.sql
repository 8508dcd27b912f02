-- The spells on everything the warehouse knows: the latest knowledge cut-off of fct_membership_spell_by_knowledge
-- (the one whose knowledge_to is open).
select
    {{ membership_spell_columns() }},
    is_open
from {{ ref('fct_membership_spell_by_knowledge') }}
where knowledge_to is null

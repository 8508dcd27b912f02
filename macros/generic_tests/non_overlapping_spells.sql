{#- Fails for every pair of spells of the same key whose [valid_from, valid_to] ranges overlap.
    An open spell (valid_to null) runs to the end of time. Spells touching on one day overlap. -#}
{% test non_overlapping_spells(model, partition_by, valid_from, valid_to, spell_id) %}
with spells as (
    select
        {{ spell_id }} as spell_id,
        {{ partition_by | join(', ') }},
        {{ valid_from }} as valid_from,
        coalesce({{ valid_to }}, cast('9999-12-31' as date)) as valid_to
    from {{ model }}
)

select
    earlier.spell_id as earlier_spell_id,
    later.spell_id as later_spell_id
from spells as earlier
inner join spells as later
    on {% for column in partition_by %}earlier.{{ column }} = later.{{ column }} and {% endfor %}
    earlier.spell_id < later.spell_id
    and earlier.valid_from <= later.valid_to
    and later.valid_from <= earlier.valid_to
{% endtest %}

{#- Fails for every pair of spells of the same key whose ranges overlap. A spell runs from
    coalesce(valid_from, attested_from) - an attested-only spell has no valid_from and is in force from its first
    attestation - to valid_to; an open spell (valid_to null) runs to the end of time. Spells touching on one day
    overlap. attested_from is optional. -#}
{% test non_overlapping_spells(model, partition_by, valid_from, valid_to, spell_id, attested_from=none) %}
with spells as (
    select
        {{ spell_id }} as spell_id,
        {{ partition_by | join(', ') }},
        {% if attested_from %}coalesce({{ valid_from }}, {{ attested_from }}){% else %}{{ valid_from }}{% endif %} as valid_from,
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

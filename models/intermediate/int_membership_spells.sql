-- Membership spells per knowledge cut-off, from the stated facts plus the organisation-lineage rules. The
-- cut-off with knowledge_to null knows every document: it is fct_membership_spell and the one-argument
-- membership_as_of; the others answer membership_as_of(valid_on, known_on). The rules are in membership_spells.
{{ membership_spells(ref('int_membership_changes_with_lineage')) }}

-- Membership spells from the stated facts alone, per knowledge cut-off: the input of the lineage rules
-- (int_membership_lineage_changes), which need the status in force on the day an organisation is succeeded.
{{ membership_spells(ref('int_membership_known_changes')) }}
